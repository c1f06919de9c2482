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
	"time"

	"github.com/vbo365-exporter/vbo365_exporter/config"
	"github.com/vbo365-exporter/vbo365_exporter/simulator"
	"github.com/vbo365-exporter/vbo365_exporter/tools/internal/harness"
)

// The operations scenarios measure what a default scrape costs a v8 server
// with many jobs and a long session history: the sessions collector reads
// a window, not the history, so the requests must not grow with it.
//
// Both are processes, as in the other scenarios: vbo365-simulator with the
// tenant and its history (--ops.sessions-per-job), logging every request,
// and the exporter binary with its default collectors and a server entry
// with every setting at its default. An in-process simulator of the same
// options gives the truth the report compares with (the history's size,
// the sessions of the first window, the mailboxes of the jobs).

// opsScrapeTimeout is the X-Prometheus-Scrape-Timeout-Seconds the harness
// sends: Prometheus' default scrape_timeout. The exporter's own deadline is
// that less --scrape.timeout-offset (0.5s).
const opsScrapeTimeout = 10 * time.Second

// opsLookback is the exporter's default --collector.sessions.lookback.
const opsLookback = 72 * time.Hour

// opsSpec is the tenant of an operations scenario.
type opsSpec struct {
	jobs     int  // backup jobs: one entire-organization job, the rest user jobs of 5 users
	sessions int  // scheduled runs in each job's history (TenantOptions.Ops.Sessions)
	noProt   bool // --no-collector.protection: the collectors alone
	// lookback is --collector.sessions.lookback. The simulator spreads the
	// jobs' last runs over a week, so the default 3d sees the last session
	// of fewer than half of them; a week sees every job that ran.
	lookback time.Duration
}

// opsScenarios: each history size with protection on and off, at the
// default lookback and at a week.
func opsScenarios(*options) []scenario {
	var list []scenario
	for _, v := range []struct {
		noProt   bool
		lookback time.Duration
		suffix   string
	}{{false, opsLookback, ""}, {true, opsLookback, "-noprot"}, {false, 7 * 24 * time.Hour, "-lookback7d"}} {
		for _, days := range []int{365, 30} {
			list = append(list, scenario{name: fmt.Sprintf("ops-200j-%dd%s", days, v.suffix),
				ops:      &opsSpec{jobs: 200, sessions: days, noProt: v.noProt, lookback: v.lookback},
				pageSize: config.DefaultPageSize, concurrency: config.DefaultMaxConcurrentRequests})
		}
	}
	return list
}

// The tenant: one organization of 200 users, a small protection part
// (user jobs of 5 users, no group jobs), the default repositories and
// proxies, and the history of s.sessions runs per job.
func (s opsSpec) tenant() v8Spec { return v8Spec{orgs: 1, users: 200, userJobs: s.jobs - 1} }

// simArgs are the simulator's flags for it.
func (s opsSpec) simArgs() []string {
	return append(s.tenant().simArgs(), "--ops.sessions-per-job="+strconv.Itoa(s.sessions))
}

// options are the same for simulator.New, with the command's defaults.
func (s opsSpec) options() simulator.Options {
	opts := s.tenant().options()
	opts.Tenant.Ops.Sessions = s.sessions
	return opts
}

// opsScrape is one scrape of an operations scenario.
type opsScrape struct {
	wall     time.Duration
	counter  map[string]int     // the exporter's vbo365_api_requests_total delta by endpoint
	simLog   map[string]int     // the simulator's request log by route
	took     map[string]float64 // vbo365_collector_duration_seconds by collector
	failed   []string           // collectors whose vbo365_collector_success is not 1
	non200   []string           // "n × code endpoint" from the counter's code label
	sessions int                // jobs with a vbo365_job_last_session_status series
}

// opsResult is one run of an operations scenario: a cold scrape (a fresh
// exporter: version detection, login, the sessions' first window and every
// job's last session's processed objects), then o.runs warm ones.
type opsResult struct {
	sc      scenario
	jobs    int
	history int // backup job sessions the simulator holds
	window  int // of them, created within the lookback of the first scrape
	covered int // jobs with a finished session in that window
	scrapes []opsScrape
}

func (r *opsResult) warm() []opsScrape { return r.scrapes[1:] }

func runOpsScenario(o *options, sc scenario, dir string) (*opsResult, error) {
	simProc, simAddr, pw, err := startCountingSimulator(o, dir, sc.ops.simArgs())
	if err != nil {
		return nil, err
	}
	defer simProc.Stop()
	r, want := opsTruth(sc)
	collectGarbage() // the in-process simulator is garbage now

	exp, expAddr, err := startOpsExporter(o, sc, dir, simAddr, pw)
	if err != nil {
		return nil, err
	}
	defer exp.Stop()
	if err := r.scrapeAll(o.runs, simProc, exp, expAddr, want); err != nil {
		return nil, err
	}
	return r, nil
}

// startCountingSimulator starts a simulator of the tenant args that logs
// one line per request, an independent count, and returns it with its
// address and the password file the exporter logs in with.
func startCountingSimulator(o *options, dir string, tenant []string) (*harness.Process, string, string, error) {
	pw, err := writePassword(dir)
	if err != nil {
		return nil, "", "", err
	}
	simAddr, err := harness.FreeAddr()
	if err != nil {
		return nil, "", "", err
	}
	simProc, err := startSimulatorProcess(o, append([]string{
		"--listen-address", simAddr, "--no-tls", "--username", "bench", "--password-file", pw,
		"--delay.base", o.Base.String(), "--delay.per-item", o.PerItem.String(), "--max-concurrent", "0",
		"--log.level", "debug",
	}, tenant...), dir)
	return simProc, simAddr, pw, err
}

// opsTruth is the truth, from a simulator of the scenario's options started
// now: the same tenant and history as the process's, its times those of
// the process's unless a minute began in between. want is the mailboxes of
// the jobs.
func opsTruth(sc scenario) (r *opsResult, want int) {
	sim := simulator.New(sc.ops.options())
	r = &opsResult{sc: sc, jobs: len(sim.ProtectionTruth())}
	for _, t := range sim.ProtectionTruth() {
		want += t.Mailboxes
	}
	since := time.Now().Add(-sc.ops.lookback)
	covered := map[string]bool{}
	for _, s := range sim.OpsTruth().Sessions {
		if s.JobType != "Backup" {
			continue
		}
		r.history++
		if !s.Created.Before(since) {
			r.window++
			covered[s.JobID] = covered[s.JobID] || !s.Ended.IsZero()
		}
	}
	for _, c := range covered {
		if c {
			r.covered++
		}
	}
	log.Printf("  %d jobs, %d backup sessions in the history, %d in the first window, %d jobs with a finished one there",
		r.jobs, r.history, r.window, r.covered)
	return r, want
}

// startOpsExporter starts the exporter with every setting at its default:
// page_size, max_concurrent_requests, request_timeout, api_version auto,
// min_interval, protection_interval.
func startOpsExporter(o *options, sc scenario, dir, simAddr, pw string) (*harness.Process, string, error) {
	cfg := filepath.Join(dir, "config.yml")
	yml := fmt.Sprintf("servers:\n  - name: bench\n    url: http://%s\n    username: bench\n    password_file: %s\n", simAddr, pw)
	if err := os.WriteFile(cfg, []byte(yml), 0o600); err != nil {
		return nil, "", err
	}
	var args []string
	if sc.ops.noProt {
		args = append(args, "--no-collector.protection")
	}
	if sc.ops.lookback != opsLookback {
		args = append(args, "--collector.sessions.lookback="+sc.ops.lookback.String())
	}
	return harness.StartExporter(o.Exporter, cfg, args, o.exporterEnv, dir, "exporter")
}

// scrapeAll scrapes runs+1 times, the first cold, each against the
// simulator's log of it.
func (r *opsResult) scrapeAll(runs int, simProc, exp *harness.Process, expAddr string, want int) error {
	var prev exposition
	for i := 0; i <= runs; i++ {
		// A request the exporter cancelled may be logged late: the log
		// must be still before the scrape and after it.
		simProc.Settle()
		logAt := simProc.LogSize()
		wall, m, err := scrapeOps(opsURL(expAddr))
		if err != nil {
			return fmt.Errorf("scrape %d: %w (the exporter's last error: %s)", i+1, err, exp.LastError())
		}
		simProc.Settle()
		simLog, err := simProc.RequestsByEndpoint(logAt)
		if err != nil {
			return err
		}
		s := opsScrape{wall: wall, simLog: simLog, took: map[string]float64{}}
		s.counter = counterDelta(m, prev, &s.non200)
		prev = m
		if err := checkOps(m, &s, r.sc.ops.noProt, want); err != nil {
			return fmt.Errorf("scrape %d: %w", i+1, err)
		}
		r.scrapes = append(r.scrapes, s)
		log.Printf("  scrape %d%s: %.3fs, %d requests (simulator: %d), %d jobs with a last session", i+1, map[bool]string{true: " (cold)"}[i == 0],
			wall.Seconds(), sumCounts(s.counter), sumCounts(s.simLog), s.sessions)
	}
	return nil
}

func opsURL(addr string) string { return "http://" + addr + "/metrics" }

// scrapeOps scrapes as Prometheus does with its default scrape_timeout.
func scrapeOps(url string) (time.Duration, exposition, error) {
	return fetchMetrics(url, opsScrapeTimeout, opsScrapeTimeout)
}

// checkOps fails a scrape that is not complete: the server down, a
// collector failed (a timeout among them), or, with protection, a job's
// figures wrong. It fills s's collector figures.
func checkOps(m exposition, s *opsScrape, noProt bool, mailboxes int) error {
	if noProt {
		if up := m.sum("vbo365_up"); up != 1 {
			return fmt.Errorf("vbo365_up=%v", up)
		}
	} else if err := checkExposition(m, mailboxes); err != nil {
		return err
	}
	for _, x := range m["vbo365_collector_success"] {
		if x.value != 1 {
			s.failed = append(s.failed, label(x.labels, "collector"))
		}
	}
	for _, x := range m["vbo365_collector_duration_seconds"] {
		s.took[label(x.labels, "collector")] = x.value
	}
	seen := map[string]bool{}
	for _, x := range m["vbo365_job_last_session_status"] {
		seen[label(x.labels, "job_id")] = true
	}
	s.sessions = len(seen)
	if len(s.failed) > 0 {
		return fmt.Errorf("collectors failed: %s", strings.Join(s.failed, ", "))
	}
	return nil
}

// runOps runs each operations scenario o.repeat times; a failed run is
// reported and the others go on.
func runOps(o *options, sc scenario, tmp string) *opsRuns {
	g := &opsRuns{sc: sc}
	for rep := range o.repeat {
		log.Printf("scenario %s (run %d of %d): %d jobs, %d sessions per job, protection %v",
			sc.name, rep+1, o.repeat, sc.ops.jobs, sc.ops.sessions, map[bool]string{false: "on", true: "off"}[sc.ops.noProt])
		r, err := runOpsScenario(o, sc, v8Dir(tmp, sc, rep))
		if err != nil {
			log.Printf("scenario %s: FAILED: %v", sc.name, err)
			g.failed = err.Error()
			break
		}
		g.runs = append(g.runs, r)
	}
	return g
}

// opsRuns are the repetitions of one operations scenario.
type opsRuns struct {
	sc     scenario
	runs   []*opsResult
	failed string
}

// endpoints are the endpoints any scrape of gs read, sorted, with the
// simulator log's routes matched to the counter's labels regardless of
// case.
func endpoints(gs []*opsRuns) []string {
	seen := map[string]string{}
	add := func(c map[string]int) {
		for e := range c {
			if _, ok := seen[strings.ToLower(e)]; !ok {
				seen[strings.ToLower(e)] = e
			}
		}
	}
	for _, g := range gs {
		for _, r := range g.runs {
			for _, s := range r.scrapes {
				add(s.counter)
			}
		}
	}
	for _, g := range gs {
		for _, r := range g.runs {
			for _, s := range r.scrapes {
				add(s.simLog)
			}
		}
	}
	var out []string
	for _, e := range seen {
		out = append(out, e)
	}
	slices.Sort(out)
	return out
}

// count is c's figure for endpoint e regardless of case.
func count(c map[string]int, e string) int {
	n := 0
	for k, v := range c {
		if strings.EqualFold(k, e) {
			n += v
		}
	}
	return n
}
