//go:build linux

package main

import (
	"fmt"
	"log"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/vbo365-exporter/vbo365_exporter/tools/internal/harness"
)

// scenario is one simulator data set and one exporter setting.
type scenario struct {
	name        string
	jobs        []int // mailboxes per job
	pageSize    int   // L
	concurrency int   // C
	tls         bool
	coalesce    bool         // also prove that two concurrent scrapes share one poll
	v8          *v8Spec      // a REST API v8 tenant instead of v1 jobs (tools/bench/v8.go)
	ops         *opsSpec     // a v8 tenant with a session history, for the operations collectors (tools/bench/ops.go)
	restores    *restoreSpec // restore sessions at 10,000 a day, for the restores collector (tools/bench/restores.go)
}

func (s scenario) total() int {
	n := 0
	for _, j := range s.jobs {
		n += j
	}
	return n
}

// pages is what a pager that knows nothing in advance must read: every full
// page plus the short or empty one that shows the end.
func (s scenario) pages() int {
	p := 0
	for _, n := range s.jobs {
		p += n/s.pageSize + 1
	}
	return p
}

// ideal is the latency-model bound: pages in rounds of C, each round as slow
// as a full page, plus one round trip each for the token and the job list.
func (s scenario) ideal(base, perItem time.Duration) time.Duration {
	rounds := (s.pages() + s.concurrency - 1) / s.concurrency
	return time.Duration(rounds)*(base+perItem*time.Duration(s.pageSize)) + 2*base
}

func split(total, jobs int) []int {
	out := make([]int, jobs)
	for i := range out {
		out[i] = total / jobs
	}
	out[0] += total % jobs
	return out
}

func scenarios(o *options) []scenario {
	var list []scenario
	if o.api == "v1" || o.api == "all" {
		list = v1Scenarios(o)
	}
	if o.api == "v8" || o.api == "all" {
		list = append(list, v8Scenarios(o)...)
	}
	if o.api == "ops" || o.api == "all" {
		list = append(list, opsScenarios(o)...)
		list = append(list, restoreScenarios(o)...)
	}
	return list
}

func v1Scenarios(o *options) []scenario {
	list := []scenario{
		{name: "10k-L1000-C8", jobs: split(10_000, 1), pageSize: 1000, concurrency: 8},
		{name: "100k-L1000-C8", jobs: split(100_000, 4), pageSize: 1000, concurrency: 8, coalesce: true},
		{name: "100k-L1000-C1", jobs: split(100_000, 4), pageSize: 1000, concurrency: 1},
		{name: "100k-L500-C16", jobs: split(100_000, 4), pageSize: 500, concurrency: 16},
	}
	if !o.quick {
		list = append(list,
			scenario{name: "1M-L1000-C8", jobs: split(1_000_000, 10), pageSize: 1000, concurrency: 8},
			// Four jobs of 250k: each set's last doubling happens at once.
			scenario{name: "1M-4x250k-L1000-C8", jobs: split(1_000_000, 4), pageSize: 1000, concurrency: 8})
	}
	if o.tls {
		list = append(list, scenario{name: "100k-L1000-C8-tls", jobs: split(100_000, 4), pageSize: 1000, concurrency: 8, tls: true})
		if !o.quick {
			list = append(list, scenario{name: "1M-L1000-C8-tls", jobs: split(1_000_000, 10), pageSize: 1000, concurrency: 8, tls: true})
		}
	}
	return list
}

// result is what one scenario measured.
type result struct {
	sc                scenario
	walls             []time.Duration // measured scrapes
	wallMedian, ideal time.Duration
	cpuPerMailbox     float64 // seconds, from process_cpu_seconds_total
	cpuPerMailboxProc float64 // seconds, from /proc/<pid>/stat, same scrapes
	simCPUPerMailbox  float64 // seconds, the simulator process, same scrapes
	hwm, rss          int64   // VmHWM after the scrapes; process_resident_memory_bytes at the last scrape
	requestsPerScrape []float64
	simRequestsPerScr []int // from the simulator's request log
	coalescedRequests float64
	coalescedSim      int
	coalescedWalls    [2]time.Duration
	coalesceChecked   bool
	floorPerMailbox   float64 // seconds, a bare client reading the same pages (httpFloor)
}

// runScenario starts both processes, scrapes warm-up + runs + 1 times and
// reads the deltas. The exporter gathers its own metrics after it polls
// (web/metrics.go; since commit a3b9167), so the process_cpu_seconds_total and
// vbo365_api_requests_total in scrape k's response are their values just
// after scrape k: deltas between the responses of the warm-up and of
// scrape runs cover exactly scrapes 1..runs.
func runScenario(o *options, sc scenario, dir string) (*result, error) {
	sim, exp, metricsURL, err := startPair(o, sc, dir)
	if err != nil {
		return nil, err
	}
	defer sim.Stop()
	defer exp.Stop()

	r := &result{sc: sc, ideal: sc.ideal(o.Base, o.PerItem)}
	want := sc.total()
	// Warm-up: the token, connections, and the heap's first growth.
	_, first, err := scrape(metricsURL, want)
	if err != nil {
		return nil, err
	}
	var last exposition
	var cpuProcBefore, cpuProcAfter, simCPUBefore, simCPUAfter float64
	simCounts := []int{}
	prevRequests := first.sum("vbo365_api_requests_total")
	for i := 1; i <= o.runs+1; i++ {
		if i == 1 || i == o.runs+1 {
			sim.Settle()
		}
		simBefore := sim.RequestLines()
		cpu, err := harness.CPU(exp.Pid())
		if err != nil {
			return nil, err
		}
		simCPU, err := harness.CPU(sim.Pid())
		if err != nil {
			return nil, err
		}
		wall, m, err := scrape(metricsURL, want)
		if err != nil {
			return nil, err
		}
		switch i {
		case 1:
			cpuProcBefore, simCPUBefore = cpu, simCPU
		case o.runs:
			last = m
		case o.runs + 1:
			cpuProcAfter, simCPUAfter = cpu, simCPU
		}
		if i <= o.runs {
			r.walls = append(r.walls, wall)
			sim.Settle()
			simCounts = append(simCounts, sim.RequestLines()-simBefore)
		}
		r.requestsPerScrape = append(r.requestsPerScrape, m.sum("vbo365_api_requests_total")-prevRequests)
		prevRequests = m.sum("vbo365_api_requests_total")
		log.Printf("  scrape %d: %.3fs", i, wall.Seconds())
	}
	r.simRequestsPerScr = simCounts
	r.wallMedian = median(r.walls)
	mailboxes := float64(want * o.runs)
	r.cpuPerMailbox = (last.sum("process_cpu_seconds_total") - first.sum("process_cpu_seconds_total")) / mailboxes
	r.cpuPerMailboxProc = (cpuProcAfter - cpuProcBefore) / mailboxes
	r.simCPUPerMailbox = (simCPUAfter - simCPUBefore) / mailboxes
	r.rss = int64(last.sum("process_resident_memory_bytes"))
	if r.hwm, err = peak(exp.Pid()); err != nil {
		return nil, err
	}

	if sc.coalesce {
		if err := proveCoalescing(r, sim.Process, metricsURL, want); err != nil {
			return nil, err
		}
	}
	if r.floorPerMailbox, err = httpFloor(sc, sim.url, sim.caFile, o.runs); err != nil {
		return nil, err
	}
	return r, nil
}

// proveCoalescing sends two scrapes at once after a single one. Each
// response carries the request counter as of the end of its own poll, so a
// response of the pair minus the single one's is the pair's cost. The
// simulator's log counts the pair's requests independently.
func proveCoalescing(r *result, sim *harness.Process, url string, want int) error {
	_, single, err := scrape(url, want) // counter after this single scrape
	if err != nil {
		return err
	}
	sim.Settle()
	simBefore := sim.RequestLines()
	var wg sync.WaitGroup
	errs := make([]error, 2)
	resps := make([]exposition, 2)
	for i := range 2 {
		wg.Go(func() {
			r.coalescedWalls[i], resps[i], errs[i] = scrape(url, want)
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	sim.Settle()
	r.coalescedSim = sim.RequestLines() - simBefore
	r.coalescedRequests = max(resps[0].sum("vbo365_api_requests_total"), resps[1].sum("vbo365_api_requests_total")) -
		single.sum("vbo365_api_requests_total")
	r.coalesceChecked = true
	return nil
}

// simulated is a running simulator and what a client needs to reach it.
type simulated struct {
	*harness.Process
	url        string // scheme://127.0.0.1:port
	caFile     string // the simulator's certificate, when it serves TLS
	configFile string // an exporter config pointing at it
}

// startSimulator starts the simulator for sc and writes the exporter config
// that points at it.
func startSimulator(o *options, sc scenario, dir string) (*simulated, error) {
	pw, err := writePassword(dir)
	if err != nil {
		return nil, err
	}
	simConc := o.simMaxConcurrent
	switch {
	case simConc > 0:
	case sc.v8 != nil:
		simConc = 0 // unlimited: only the exporter's C limits a v8 scenario
	default:
		simConc = sc.concurrency
	}
	simAddr, err := harness.FreeAddr()
	if err != nil {
		return nil, err
	}
	counts := make([]string, len(sc.jobs))
	for i, n := range sc.jobs {
		counts[i] = strconv.Itoa(n)
	}
	simArgs := []string{
		"--listen-address", simAddr,
		"--username", "bench", "--password-file", pw,
		"--delay.base", o.Base.String(), "--delay.per-item", o.PerItem.String(),
		"--max-concurrent", strconv.Itoa(simConc),
		// One debug line per request: an independent request count.
		"--log.level", "debug",
	}
	apiVersion := ""
	if sc.v8 != nil {
		simArgs = append(simArgs, sc.v8.simArgs()...)
		apiVersion = "    api_version: v8\n" + sc.v8.workloadsYAML()
	} else {
		simArgs = append(simArgs, "--jobs", strconv.Itoa(len(sc.jobs)), "--mailboxes-per-job", strings.Join(counts, ","))
	}
	scheme, tlsBlock := "http", ""
	if sc.tls {
		ca := filepath.Join(dir, "ca.pem")
		simArgs = append(simArgs, "--tls", "--tls.cert-out", ca)
		scheme, tlsBlock = "https", fmt.Sprintf("    tls_config:\n      ca_file: %s\n", ca)
	} else {
		simArgs = append(simArgs, "--no-tls")
	}
	sim, err := startSimulatorProcess(o, simArgs, dir)
	if err != nil {
		return nil, err
	}
	cfg := filepath.Join(dir, "config.yml")
	yml := fmt.Sprintf(`servers:
  - name: bench
    url: %s://%s
    username: bench
    password_file: %s
%s%s    request_timeout: 60s
    max_concurrent_requests: %d
    page_size: %d
    min_interval: 0s
`, scheme, simAddr, pw, apiVersion, tlsBlock, sc.concurrency, sc.pageSize)
	if err := os.WriteFile(cfg, []byte(yml), 0o600); err != nil {
		sim.Stop()
		return nil, err
	}
	out := &simulated{Process: sim, url: scheme + "://" + simAddr, configFile: cfg}
	if sc.tls {
		out.caFile = filepath.Join(dir, "ca.pem")
	}
	return out, nil
}

func median(d []time.Duration) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// startPair starts the scenario's simulator and an exporter reading it, and
// waits until the exporter answers; it returns the exporter's metrics URL.
// On an error nothing is left running.
func startPair(o *options, sc scenario, dir string) (*simulated, *harness.Process, string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, nil, "", err
	}
	sim, err := startSimulator(o, sc, dir)
	if err != nil {
		return nil, nil, "", err
	}
	var extra []string
	if sc.v8 != nil {
		if extra, err = collectorsOff(o.Exporter, protectionCollectors...); err != nil {
			sim.Stop()
			return nil, nil, "", err
		}
	}
	exp, expAddr, err := harness.StartExporter(o.Exporter, sim.configFile, extra, o.exporterEnv, dir, "exporter")
	if err != nil {
		sim.Stop()
		return nil, nil, "", err
	}
	return sim, exp, "http://" + expAddr + "/metrics", nil
}
