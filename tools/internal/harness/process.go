//go:build linux

// Package harness is what the measuring tools (bench, fleetbench, soak)
// share: child processes with their logs, readings of /proc, the flags and
// the set-up every one of them needs, so that a fix to one is a fix to all.
package harness

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Spec is a child process to start.
type Spec struct {
	Bin       string
	Args, Env []string // Env: KEY=VALUE added to the harness's environment
	Dir, Name string   // the log is Dir/Name.log
	// Ready is the stdout line that says the child is ready (the
	// simulator's "ready"); WaitReady waits for it. Without one, stdout
	// goes to the log with stderr.
	Ready string
}

// Process is a child started by the harness, with stderr kept in a file so
// its log can be read while it runs.
type Process struct {
	Name    string
	LogPath string
	cmd     *exec.Cmd
	logFile *os.File
	ready   chan bool // one value: whether Spec.Ready was seen
	done    chan struct{}
	once    sync.Once
}

// Start starts s. The child stays in the harness's process group on
// purpose: a Ctrl-C then reaches it too, instead of leaving it running.
func Start(s Spec) (*Process, error) {
	p := &Process{Name: s.Name, LogPath: filepath.Join(s.Dir, s.Name+".log"), done: make(chan struct{})}
	f, err := os.Create(p.LogPath)
	if err != nil {
		return nil, err
	}
	p.logFile = f
	p.cmd = exec.Command(s.Bin, s.Args...)
	if len(s.Env) > 0 {
		p.cmd.Env = append(os.Environ(), s.Env...)
	}
	p.cmd.Stderr = f
	var out *bufio.Scanner
	if s.Ready == "" {
		p.cmd.Stdout = f
	} else {
		pipe, err := p.cmd.StdoutPipe()
		if err != nil {
			f.Close()
			return nil, err
		}
		out = bufio.NewScanner(pipe)
	}
	if err := p.cmd.Start(); err != nil {
		f.Close()
		return nil, err
	}
	if out != nil {
		p.ready = make(chan bool, 1)
		go p.watch(out, s.Ready)
	}
	go func() { _ = p.cmd.Wait(); close(p.done) }()
	return p, nil
}

// watch reads stdout to its end, so that the child never blocks on a full
// pipe, and reports whether line was among it.
func (p *Process) watch(out *bufio.Scanner, line string) {
	sent := false
	for out.Scan() {
		if !sent && strings.TrimSpace(out.Text()) == line {
			p.ready <- true
			sent = true
		}
	}
	if !sent {
		p.ready <- false
	}
}

// Pid is the child's process id.
func (p *Process) Pid() int { return p.cmd.Process.Pid }

// Exited reports whether the child has ended.
func (p *Process) Exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// WaitReady waits for the Spec's Ready line on stdout.
func (p *Process) WaitReady(timeout time.Duration) error {
	select {
	case ok := <-p.ready:
		if !ok {
			return fmt.Errorf("%s exited before it was ready: %s", p.Name, p.LogTail())
		}
		return nil
	case <-time.After(timeout):
		return fmt.Errorf("%s was not ready within %s", p.Name, timeout)
	}
}

// WaitHTTP waits until url answers 200, and gives up early when the child
// exits: its log then says why.
func (p *Process) WaitHTTP(url string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if p.Exited() {
			return fmt.Errorf("%s exited: %s", p.Name, p.LogTail())
		}
		if resp, err := http.Get(url); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("%s: %s not ready within %s: %s", p.Name, url, timeout, p.LogTail())
}

// Stop sends SIGTERM to this child only, and kills it if it lingers.
func (p *Process) Stop() {
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

// LogTail is the end of the child's log, for an error message.
func (p *Process) LogTail() string {
	b, _ := os.ReadFile(p.LogPath)
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	return string(b)
}

// LastError is the err= value of the last log line that has one.
func (p *Process) LastError() string {
	b, _ := os.ReadFile(p.LogPath)
	lines := strings.Split(string(b), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if _, e, ok := strings.Cut(lines[i], " err="); ok {
			return e
		}
	}
	return "none logged"
}

// LogSize is the length of the child's log so far.
func (p *Process) LogSize() int64 {
	fi, err := os.Stat(p.LogPath)
	if err != nil {
		return 0
	}
	return fi.Size()
}

// Settle waits until the log stops growing: the simulator logs a request
// when its handler returns, which may be a moment after the client has its
// body.
func (p *Process) Settle() {
	last := int64(-1)
	for range 50 {
		fi, err := os.Stat(p.LogPath)
		if err != nil || fi.Size() == last {
			return
		}
		last = fi.Size()
		time.Sleep(50 * time.Millisecond)
	}
}

// RequestLines counts the simulator's per-request debug lines so far: a
// count of the requests independent of the exporter's own.
func (p *Process) RequestLines() int {
	b, err := os.ReadFile(p.LogPath)
	if err != nil {
		return -1
	}
	return bytes.Count(b, []byte("msg=request"))
}

var pathField = regexp.MustCompile(`msg=request method=\S+ path=(\S+)`)

// RequestsByEndpoint counts the simulator's request lines after offset by
// route template: every second path segment after the version is an id.
func (p *Process) RequestsByEndpoint(offset int64) (map[string]int, error) {
	b, err := os.ReadFile(p.LogPath)
	if err != nil {
		return nil, err
	}
	if offset > int64(len(b)) {
		return nil, errors.New("the simulator's log shrank")
	}
	out := map[string]int{}
	for line := range bytes.SplitSeq(b[offset:], []byte("\n")) {
		mt := pathField.FindSubmatch(line)
		if mt == nil {
			continue
		}
		seg := strings.Split(string(mt[1]), "/")
		for i := 3; i < len(seg); i += 2 {
			seg[i] = "{id}"
		}
		out[strings.Join(seg, "/")]++
	}
	return out, nil
}

// FreeAddr asks the kernel for a free loopback address. Another process
// could take it before the child binds it; a failed start then says so.
func FreeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// StartExporter starts the exporter binary bin with configFile on a free
// loopback address, logging warnings only, args after those, and waits
// until it is ready; it returns the process and its address.
func StartExporter(bin, configFile string, args, env []string, dir, name string) (*Process, string, error) {
	addr, err := FreeAddr()
	if err != nil {
		return nil, "", err
	}
	p, err := Start(Spec{Bin: bin, Args: append([]string{"--config.file=" + configFile, "--web.listen-address=" + addr,
		"--log.level=warn"}, args...), Env: env, Dir: dir, Name: name})
	if err != nil {
		return nil, "", err
	}
	if err := p.WaitHTTP("http://"+addr+"/-/ready", 30*time.Second); err != nil {
		p.Stop()
		return nil, "", err
	}
	return p, addr, nil
}
