//go:build linux

package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/vbo365-exporter/vbo365_exporter/collector"
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

// protectionOnlyFlags turn every other collector off.
func protectionOnlyFlags() []string {
	var out []string
	for _, n := range collector.Names() {
		if !slices.Contains(protectionCollectors, n) {
			out = append(out, "--no-collector."+n)
		}
	}
	return out
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
