//go:build linux

package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"time"

	"github.com/vbo365-exporter/vbo365_exporter/collector"
	"github.com/vbo365-exporter/vbo365_exporter/tools/internal/harness"
)

// startExporter starts the exporter on addr with the harness's config and
// any -exporter.env variables, and waits until it answers.
func startExporter(o *options, configFile, addr, dir string, extra ...string) (*harness.Process, error) {
	exp, err := harness.Start(harness.Spec{Bin: o.Exporter, Args: append([]string{
		"--config.file", configFile, "--web.listen-address", addr, "--log.level", "warn",
	}, extra...), Env: o.exporterEnv, Dir: dir, Name: "exporter"})
	if err != nil {
		return nil, err
	}
	if err := exp.WaitHTTP("http://"+addr+"/-/healthy", 30*time.Second); err != nil {
		exp.Stop()
		return nil, err
	}
	return exp, nil
}

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
	for _, n := range collector.CollectorNames() {
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
