//go:build linux

package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sync"
	"time"

	"github.com/vbo365-exporter/vbo365_exporter/tools/internal/harness"
)

// startSimulatorProcess starts the simulator binary and waits for its
// "ready".
func startSimulatorProcess(o *options, args []string, dir string) (*harness.Process, error) {
	sim, err := harness.Start(harness.Spec{Bin: o.simulator, Args: args, Dir: dir, Name: "simulator", Ready: "ready"})
	if err != nil {
		return nil, err
	}
	if err := sim.WaitReady(2 * time.Minute); err != nil {
		sim.Stop()
		return nil, err
	}
	return sim, nil
}

// peak is the process's peak resident set, VmHWM.
func peak(pid int) (int64, error) {
	_, hwm, err := harness.Memory(pid)
	return hwm, err
}

// protectionCollectors are the collectors of the v8 scenarios, which
// measure the protection figures: the job list and protection, as before
// the operations collectors existed (the ops scenarios measure those).
var protectionCollectors = []string{"jobs", "protection"}

// collectorsOff are the --no-collector.<name> flags that turn off every
// collector of the exporter binary bin but keep. The names come from the
// binary's own --help, not from this module's collector package, so that
// an older exporter, which refuses a flag of a collector it did not have
// yet, can be measured against the current one.
func collectorsOff(bin string, keep ...string) ([]string, error) {
	names, err := binaryCollectors(bin)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, n := range names {
		if !slices.Contains(keep, n) {
			out = append(out, "--no-collector."+n)
		}
	}
	return out, nil
}

var (
	helpMu    sync.Mutex
	helpCache = map[string][]string{} // binary path: its collectors
)

// binaryCollectors reads bin --help once per binary.
func binaryCollectors(bin string) ([]string, error) {
	helpMu.Lock()
	defer helpMu.Unlock()
	if names, ok := helpCache[bin]; ok {
		return names, nil
	}
	out, err := exec.Command(bin, "--help").CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("%s --help: %w", bin, err)
	}
	names := helpCollectors(string(out))
	// Every exporter has the job list; without it the help text was not
	// understood, and measuring with every collector on would be wrong
	// silently.
	if !slices.Contains(names, "jobs") {
		return nil, fmt.Errorf("%s --help lists no --[no-]collector.jobs", bin)
	}
	helpCache[bin] = names
	return names, nil
}

// collectorFlag is a collector's switch in kingpin's help; a collector's
// own settings (--collector.sessions.lookback, --[no-]collector.proxies.extended-view)
// have a dot after the name and do not match.
var collectorFlag = regexp.MustCompile(`(?m)^\s*--\[no-\]collector\.([a-z0-9_-]+)(?:\s|$)`)

// helpCollectors are the collector names that an exporter's help lists,
// in its order.
func helpCollectors(help string) []string {
	var names []string
	for _, m := range collectorFlag.FindAllStringSubmatch(help, -1) {
		if !slices.Contains(names, m[1]) {
			names = append(names, m[1])
		}
	}
	return names
}

var scrapeClient = &http.Client{Transport: &http.Transport{Proxy: nil, DisableCompression: true}}

// scrape fetches /metrics as Prometheus does and checks that the poll was
// complete and counted want mailboxes; a fast but wrong scrape is no result.
func scrape(url string, want int) (time.Duration, exposition, error) {
	wall, m, err := fetchMetrics(url, 120*time.Second, 130*time.Second)
	if err != nil {
		return 0, nil, fmt.Errorf("scrape: %w", err)
	}
	if err := checkExposition(m, want); err != nil {
		return 0, nil, err
	}
	return wall, m, nil
}

// fetchMetrics gets url with the scrape timeout Prometheus would send, and
// gives up after limit; the wall time includes reading the body.
func fetchMetrics(url string, timeout, limit time.Duration) (time.Duration, exposition, error) {
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("X-Prometheus-Scrape-Timeout-Seconds", fmt.Sprint(timeout.Seconds()))
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
		return 0, nil, fmt.Errorf("HTTP %d", resp.StatusCode)
	}
	return wall, parseExposition(body), nil
}

// writePassword makes dir and writes the simulator's password file there.
func writePassword(dir string) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	pw := filepath.Join(dir, "password")
	return pw, os.WriteFile(pw, []byte("bench-password\n"), 0o600)
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
