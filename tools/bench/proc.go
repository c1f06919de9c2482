//go:build linux

package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/vbo365-exporter/vbo365_exporter/collector"
)

// process is a child started by the harness, with stderr kept in a file so
// its log can be read while it runs.
type process struct {
	name    string
	cmd     *exec.Cmd
	logPath string
	logFile *os.File
	stdout  *bufio.Scanner
	done    chan struct{}
	once    sync.Once
}

func startProcess(bin string, args []string, dir, name string) (*process, error) {
	return startProcessEnv(bin, args, nil, dir, name)
}

// startExporter starts the exporter on addr with the harness's config and
// any -exporter.env variables.
func startExporter(o *options, configFile, addr, dir string, extra ...string) (*process, error) {
	return startProcessEnv(o.exporter, append([]string{
		"--config.file", configFile, "--web.listen-address", addr, "--log.level", "warn",
	}, extra...), o.exporterEnv, dir, "exporter")
}

// protectionCollectors are the collectors of the v8 scenarios, which
// measure the protection figures: the job list and protection, as before
// the operations collectors existed (the ops scenarios measure those).
var protectionCollectors = []string{"jobs", "protection"}

// protectionOnlyFlags turn every other collector off.
func protectionOnlyFlags() []string {
	var out []string
	for _, n := range collector.CollectorNames() {
		if !slices.Contains(protectionCollectors, n) {
			out = append(out, "--no-collector."+n)
		}
	}
	return out
}

// startProcessEnv is startProcess with extra environment variables.
func startProcessEnv(bin string, args, env []string, dir, name string) (*process, error) {
	logPath := filepath.Join(dir, name+".log")
	f, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, args...)
	if len(env) > 0 {
		cmd.Env = append(os.Environ(), env...)
	}
	cmd.Stderr = f
	out, err := cmd.StdoutPipe()
	if err != nil {
		f.Close()
		return nil, err
	}
	// Left in the harness's process group on purpose: a Ctrl-C then reaches
	// the children too, instead of leaving them running.
	if err := cmd.Start(); err != nil {
		f.Close()
		return nil, err
	}
	p := &process{name: name, cmd: cmd, logPath: logPath, logFile: f, stdout: bufio.NewScanner(out), done: make(chan struct{})}
	go func() { _ = cmd.Wait(); close(p.done) }()
	return p, nil
}

// waitStdout waits for a line on stdout, the simulator's "ready".
func (p *process) waitStdout(line string, timeout time.Duration) error {
	found := make(chan bool, 1)
	go func() {
		// Keep reading after the line, so the child never blocks on a
		// full pipe.
		sent := false
		for p.stdout.Scan() {
			if !sent && strings.TrimSpace(p.stdout.Text()) == line {
				found <- true
				sent = true
			}
		}
		if !sent {
			found <- false
		}
	}()
	select {
	case ok := <-found:
		if !ok {
			return fmt.Errorf("%s exited before printing %q: %s", p.name, line, p.logTail())
		}
		return nil
	case <-time.After(timeout):
		return fmt.Errorf("%s did not print %q within %s", p.name, line, timeout)
	}
}

// stop sends SIGTERM to this child only, and kills it if it lingers.
func (p *process) stop() {
	p.once.Do(func() {
		_ = p.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-p.done:
		case <-time.After(10 * time.Second):
			_ = p.cmd.Process.Kill()
			<-p.done
		}
		p.logFile.Close()
	})
}

func (p *process) logTail() string {
	b, _ := os.ReadFile(p.logPath)
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	return string(b)
}

// requestLines counts the simulator's per-request debug lines so far.
func (p *process) requestLines() int {
	b, err := os.ReadFile(p.logPath)
	if err != nil {
		return -1
	}
	return bytes.Count(b, []byte("msg=request"))
}

// settle waits until the log stops growing: a request is logged when its
// handler returns, which may be a moment after the client has its body.
func (p *process) settle() {
	last := -1
	for range 50 {
		fi, err := os.Stat(p.logPath)
		if err != nil {
			return
		}
		if int(fi.Size()) == last {
			return
		}
		last = int(fi.Size())
		time.Sleep(50 * time.Millisecond)
	}
}

// freePort asks the kernel for a free loopback port. Another process could
// take it before the child binds it; a failed start then says so.
func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

func waitHTTP(url string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		resp, err := http.Get(url)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("%s not ready within %s", url, timeout)
}

// clockTicks is USER_HZ, which is 100 on every Linux the harness targets.
const clockTicks = 100

// procCPU is utime+stime of pid in seconds, the source of the Prometheus
// process collector's process_cpu_seconds_total, read without a scrape.
func procCPU(pid int) (float64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The command name may hold spaces; fields are counted after its ')'.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, errors.New("unreadable /proc stat")
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0, errors.New("short /proc stat")
	}
	utime, err1 := strconv.ParseFloat(f[11], 64)
	stime, err2 := strconv.ParseFloat(f[12], 64)
	if err1 != nil || err2 != nil {
		return 0, errors.New("unreadable /proc stat times")
	}
	return (utime + stime) / clockTicks, nil
}

// procStatusBytes reads a "kB" line of /proc/<pid>/status, such as VmHWM.
func procStatusBytes(pid int, key string) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, key+":"); ok {
			f := strings.Fields(rest)
			n, err := strconv.ParseInt(f[0], 10, 64)
			return n << 10, err
		}
	}
	return 0, fmt.Errorf("no %s in /proc/%d/status", key, pid)
}

var scrapeClient = &http.Client{Transport: &http.Transport{Proxy: nil, DisableCompression: true}}

// scrape fetches /metrics as Prometheus does and checks that the poll was
// complete and counted want mailboxes; a fast but wrong scrape is no result.
func scrape(url string, want int) (time.Duration, exposition, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 130*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("X-Prometheus-Scrape-Timeout-Seconds", "120")
	req.Header.Set("Accept", "text/plain")
	start := time.Now()
	resp, err := scrapeClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	wall := time.Since(start)
	if err != nil {
		return 0, nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return 0, nil, fmt.Errorf("scrape: HTTP %d", resp.StatusCode)
	}
	m := parseExposition(body)
	if err := checkExposition(m, want); err != nil {
		return 0, nil, err
	}
	return wall, m, nil
}

// checkExposition fails a scrape whose poll was not complete and exact.
func checkExposition(m exposition, want int) error {
	if up := m.sum("vbo365_up"); up != 1 {
		return fmt.Errorf("scrape: vbo365_up=%v", up)
	}
	for _, s := range m["vbo365_job_scrape_success"] {
		if s.value != 1 {
			return fmt.Errorf("scrape: job failed: %s", s.labels)
		}
	}
	if got := m.sum("vbo365_job_mailboxes"); int(got) != want {
		return fmt.Errorf("scrape: %v mailboxes counted, want %d", got, want)
	}
	return nil
}
