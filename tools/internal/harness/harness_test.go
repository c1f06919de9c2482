//go:build linux

package harness

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The readers must find this very process: a wrong field or a unit off by
// 1024 would show as zero or as an absurd figure.
func TestReadersOnSelf(t *testing.T) {
	pid := os.Getpid()
	if cpu, err := CPU(pid); err != nil || cpu < 0 {
		t.Errorf("CPU = %v, %v", cpu, err)
	}
	rss, peak, err := Memory(pid)
	if err != nil || rss < 1<<20 || peak < rss || rss > 1<<34 {
		t.Errorf("Memory = %d, %d, %v; want 1 MiB ≤ RSS ≤ peak", rss, peak, err)
	}
	f, err := os.Open(os.Args[0])
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if n, err := FDs(pid); err != nil || n < 4 {
		t.Errorf("FDs = %d, %v; want stdin, stdout, stderr and the open file", n, err)
	}
	if busy, err := MachineBusy(); err != nil || busy <= 0 {
		t.Errorf("MachineBusy = %v, %v", busy, err)
	}
}

func TestStartWaitsForReady(t *testing.T) {
	p, err := Start(Spec{Bin: "sh", Args: []string{"-c", "echo logged >&2; echo starting; echo ready; exec sleep 30"},
		Dir: t.TempDir(), Name: "child", Ready: "ready"})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.WaitReady(10 * time.Second); err != nil {
		t.Fatal(err)
	}
	p.Stop()
	if !p.Exited() {
		t.Error("the child still runs after Stop")
	}
	if got := p.LogTail(); got != "logged\n" {
		t.Errorf("log %q, want stderr alone", got)
	}
}

func TestStartSaysWhyTheChildNeverGotReady(t *testing.T) {
	p, err := Start(Spec{Bin: "sh", Args: []string{"-c", "echo no config >&2; exit 1"},
		Dir: t.TempDir(), Name: "child", Ready: "ready"})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Stop()
	if err := p.WaitReady(10 * time.Second); err == nil || !strings.Contains(err.Error(), "no config") {
		t.Errorf("WaitReady = %v, want the log's reason", err)
	}
}

func TestRequestsByEndpoint(t *testing.T) {
	log := filepath.Join(t.TempDir(), "simulator.log")
	lines := "level=debug msg=request method=GET path=/v8/Jobs\n" +
		"level=debug msg=request method=GET path=/v8/Jobs/j1/SelectedItems\n" +
		"level=debug msg=request method=GET path=/v8/Jobs/j2/SelectedItems\n" +
		"level=info msg=ready\n"
	if err := os.WriteFile(log, []byte(lines), 0o600); err != nil {
		t.Fatal(err)
	}
	p := &Process{LogPath: log}
	got, err := p.RequestsByEndpoint(0)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got["/v8/Jobs"] != 1 || got["/v8/Jobs/{id}/SelectedItems"] != 2 {
		t.Errorf("RequestsByEndpoint = %v", got)
	}
	if n := p.RequestLines(); n != 3 {
		t.Errorf("RequestLines = %d, want 3", n)
	}
}
