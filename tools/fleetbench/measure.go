//go:build linux

package main

import (
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
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// exporterProc is a running exporter.
type exporterProc struct {
	cmd     *exec.Cmd
	base    string // http://addr
	logPath string
	logFile *os.File
	done    chan struct{}
}

// startExporter starts the exporter with the first n servers of f
// configured, probe-only, and waits until it is ready.
func startExporter(o *options, f *fleet, n int, dir, name string) (*exporterProc, error) {
	configFile := filepath.Join(dir, name+".yml")
	if err := os.WriteFile(configFile, []byte(f.configYAML(n)), 0o600); err != nil {
		return nil, err
	}
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	p := &exporterProc{base: "http://" + addr, logPath: filepath.Join(dir, name+".log"), done: make(chan struct{})}
	if p.logFile, err = os.Create(p.logPath); err != nil {
		return nil, err
	}
	p.cmd = exec.Command(o.exporter, "--config.file="+configFile, "--web.listen-address="+addr,
		"--log.level=warn", "--no-metrics.servers")
	p.cmd.Stdout, p.cmd.Stderr = p.logFile, p.logFile
	if err := p.cmd.Start(); err != nil {
		p.logFile.Close()
		return nil, err
	}
	go func() { _ = p.cmd.Wait(); close(p.done) }()
	if err := p.waitReady(20 * time.Second); err != nil {
		p.stop()
		return nil, err
	}
	return p, nil
}

func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

func (p *exporterProc) waitReady(limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		select {
		case <-p.done:
			return fmt.Errorf("the exporter exited: %s", p.logTail())
		default:
		}
		if resp, err := http.Get(p.base + "/-/ready"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("the exporter was not ready within %s: %s", limit, p.logTail())
}

// stop sends SIGTERM to the exporter only, and kills it if it lingers.
func (p *exporterProc) stop() {
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
	p.logFile.Close()
}

func (p *exporterProc) logTail() string {
	b, _ := os.ReadFile(p.logPath)
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	return string(b)
}

func (p *exporterProc) pid() int { return p.cmd.Process.Pid }

// sample is one reading of the exporter's resources.
type sample struct {
	at         time.Time
	cpu        float64 // exporter, utime+stime seconds since start
	self       float64 // this harness (the simulators, the probes), seconds
	machine    float64 // every process, seconds of busy CPU since boot
	rss, hwm   int64   // bytes
	heap       float64 // go_memstats_heap_inuse_bytes
	goroutines float64
	fds        int
	series     int     // samples in the exporter's /metrics
	metricsLen int     // bytes of it, uncompressed
	requests   float64 // vbo365_api_requests_total summed
	probes     int     // probes answered so far
}

// clockTicks is USER_HZ, which is 100 on every Linux the harness targets.
const clockTicks = 100

// takeSample reads /proc and the exporter's own /metrics.
func takeSample(ctx context.Context, p *exporterProc) (sample, error) {
	s := sample{at: time.Now()}
	var err error
	if s.cpu, err = procCPU(strconv.Itoa(p.pid())); err != nil {
		return s, err
	}
	if s.self, err = procCPU("self"); err != nil {
		return s, err
	}
	s.machine, _ = machineCPU()
	if s.rss, err = procStatusBytes(p.pid(), "VmRSS"); err != nil {
		return s, err
	}
	s.hwm, _ = procStatusBytes(p.pid(), "VmHWM")
	if fds, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", p.pid())); err == nil {
		s.fds = len(fds)
	}
	return s, s.readMetrics(ctx, p.base+"/metrics")
}

func (s *sample) readMetrics(ctx context.Context, url string) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "text/plain;version=0.0.4")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("/metrics: HTTP %d", resp.StatusCode)
	}
	s.metricsLen = len(body)
	for line := range bytes.SplitSeq(body, []byte("\n")) {
		if len(line) > 0 && line[0] != '#' {
			s.series++
		}
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := parser.TextToMetricFamilies(bytes.NewReader(body))
	if err != nil {
		return err
	}
	s.goroutines = gaugeSum(fams["go_goroutines"])
	s.heap = gaugeSum(fams["go_memstats_heap_inuse_bytes"])
	s.requests = gaugeSum(fams["vbo365_api_requests_total"])
	return nil
}

// procCPU is utime+stime of /proc/<pid>/stat in seconds.
func procCPU(pid string) (float64, error) {
	b, err := os.ReadFile("/proc/" + pid + "/stat")
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

// machineCPU is the busy time of all CPUs since boot, from /proc/stat: what
// the machine did besides idling and waiting for I/O.
func machineCPU() (float64, error) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, err
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line)
	if len(f) < 8 || f[0] != "cpu" {
		return 0, errors.New("unreadable /proc/stat")
	}
	busy := 0.0
	for i, v := range f[1:] {
		if i == 3 || i == 4 { // idle, iowait
			continue
		}
		if i >= 8 { // guest time is already counted in user time
			break
		}
		n, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return 0, err
		}
		busy += n
	}
	return busy / clockTicks, nil
}

// procStatusBytes reads a "kB" line of /proc/<pid>/status, such as VmRSS.
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
