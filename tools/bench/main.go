//go:build linux

// Command bench is the end-to-end scale benchmark of vbo365_exporter: it
// runs the simulator and the exporter as separate processes over loopback,
// scrapes the exporter as Prometheus would, and compares wall time, CPU and
// memory with the ideal set by the simulator's latency model. It is a
// command of the tools module: run it from tools/ (or `make bench-e2e`).
//
//	go run ./bench                 # full run (~10 minutes)
//	go run ./bench -quick          # 10k and 100k only
//	go run ./bench -tls            # adds HTTPS variants of the big scenarios
//	go run ./bench -profile DIR    # also CPU/alloc profiles of an in-process exporter at 1M
//	go run ./bench -api v8 -only v8-100k -repeat 3   # the REST API v8 scenario, three fresh runs
//	go run ./bench -api v8 -only v8-100k-wl -repeat 3 -interleave   # every workload against mailbox only, runs interleaved
//	go run ./bench -api ops        # requests of a default scrape: 200 jobs, a year or 30 days of sessions
//	go run ./bench -api ops -only ops-restores -repeat 3   # the restores collector at 10,000 sessions a day
package main

import (
	"flag"
	"fmt"
	"log"
	"path/filepath"
	"strings"
	"time"

	"github.com/vbo365-exporter/vbo365_exporter/tools/internal/harness"
)

// options are the command line; see the flag help texts.
type options struct {
	harness.Common
	harness.Latency
	simulator        string
	runs             int
	quick, tls       bool
	simMaxConcurrent int
	profileDir       string
	only             string
	api              string   // v1, v8 or all
	repeat           int      // runs of each v8 scenario, fresh processes each
	interleave       bool     // v8 runs in rounds over the scenarios
	exporterEnv      []string // KEY=VALUE for the exporter process
	profileScenario  string
}

func main() {
	harness.SetupLog("bench")
	var o options
	o.Common.Register(flag.CommandLine, true)
	o.Latency.Register(flag.CommandLine)
	flag.StringVar(&o.simulator, "simulator", "", "simulator binary; empty builds one into a temporary directory")
	flag.IntVar(&o.runs, "runs", 5, "measured scrapes per scenario (after one warm-up scrape)")
	flag.BoolVar(&o.quick, "quick", false, "only the 10k and 100k scenarios")
	flag.BoolVar(&o.tls, "tls", false, "also run the 100k and 1M (L=1000, C=8) scenarios over HTTPS")
	flag.IntVar(&o.simMaxConcurrent, "sim.max-concurrent", 0, "simulator --max-concurrent; 0 means equal to the scenario's C")
	flag.StringVar(&o.profileDir, "profile", "", "write cpu.pprof and mem.pprof of an in-process exporter scraping one scenario (-profile.scenario; default the v1 1M one) into this directory")
	flag.StringVar(&o.only, "only", "", "run only the scenario of this name or, if none has it, the scenarios whose name contains it")
	flag.StringVar(&o.api, "api", "all", "scenario families: v1 (SelectedMailboxes), v8 (scopes and repository data), ops (the operations collectors' requests) or all")
	flag.IntVar(&o.repeat, "repeat", 1, "runs of each v8 and ops scenario, each with a fresh simulator and exporter; the report gives medians over them")
	flag.BoolVar(&o.interleave, "interleave", false, "with -repeat, run the v8 scenarios in rounds (run 1 of each, then run 2 of each, …) instead of one scenario's runs after another, so that a change of load on a shared machine falls on all of them")
	env := flag.String("exporter.env", "", "comma-separated KEY=VALUE environment variables for the exporter process, e.g. GOGC=100")
	flag.StringVar(&o.profileScenario, "profile.scenario", "", "scenario to profile with -profile (default 1M-L1000-C8, 100k-L1000-C8 with -quick); any scenario name, v8 ones included")
	flag.Parse()
	if o.runs < 2 {
		log.Fatal("-runs must be at least 2")
	}
	if o.repeat < 1 {
		log.Fatal("-repeat must be at least 1")
	}
	switch o.api {
	case "v1", "v8", "ops", "all":
	default:
		log.Fatal("-api must be v1, v8, ops or all")
	}
	if *env != "" {
		o.exporterEnv = strings.Split(*env, ",")
	}
	if err := run(&o); err != nil {
		log.Fatal(err)
	}
}

func run(o *options) error {
	tmp, cleanup, err := harness.TempDir("bench", o.Keep)
	if err != nil {
		return err
	}
	defer cleanup()
	if o.Exporter == "" || o.simulator == "" {
		if err := buildBinaries(o, tmp); err != nil {
			return err
		}
	}

	start := time.Now()
	var results []*result
	var v8Results []*v8Runs
	var opsResults []*opsRuns
	var restoreResults []*restoreRuns
	selected := selectScenarios(scenarios(o), o.only)
	if o.interleave {
		v8Results = runInterleaved(o, selected, tmp)
	}
	for _, sc := range selected {
		if sc.restores != nil {
			restoreResults = append(restoreResults, runRestores(o, sc, tmp))
			continue
		}
		if sc.ops != nil {
			opsResults = append(opsResults, runOps(o, sc, tmp))
			continue
		}
		if sc.v8 != nil {
			if o.interleave {
				continue // run above
			}
			g := &v8Runs{sc: sc}
			for rep := range o.repeat {
				if !runV8Once(o, g, rep, tmp) {
					break
				}
			}
			v8Results = append(v8Results, g)
			continue
		}
		log.Printf("scenario %s: N=%d in %d jobs, L=%d, C=%d, tls=%v", sc.name, sc.total(), len(sc.jobs), sc.pageSize, sc.concurrency, sc.tls)
		r, err := runScenario(o, sc, filepath.Join(tmp, sc.name))
		if err != nil {
			return fmt.Errorf("scenario %s: %w", sc.name, err)
		}
		log.Printf("scenario %s: median %.3fs (ideal %.3fs), %.2f µs CPU/mailbox, VmHWM %.1f MiB",
			sc.name, r.wallMedian.Seconds(), r.ideal.Seconds(), r.cpuPerMailbox*1e6, float64(r.hwm)/(1<<20))
		results = append(results, r)
	}
	var prof *profileResult
	if o.profileDir != "" {
		if prof, err = runProfile(o, tmp); err != nil {
			return fmt.Errorf("profile: %w", err)
		}
	}
	report := renderReport(o, results, prof, time.Since(start)) + renderV8(o, v8Results) + renderOps(o, opsResults) + renderRestores(o, restoreResults)
	return harness.WriteReport(report, o.Out)
}

// selectScenarios applies -only: the scenario of that name if there is
// one, else every scenario whose name contains it (every one for "").
func selectScenarios(all []scenario, only string) []scenario {
	for _, sc := range all {
		if sc.name == only {
			return []scenario{sc}
		}
	}
	var out []scenario
	for _, sc := range all {
		if strings.Contains(sc.name, only) {
			out = append(out, sc)
		}
	}
	return out
}

// runInterleaved runs run 1 of every selected v8 scenario, then run 2 of
// every one, and so on: a change in the shared machine's load falls on all
// of them.
func runInterleaved(o *options, selected []scenario, tmp string) []*v8Runs {
	var groups []*v8Runs
	for _, sc := range selected {
		if sc.v8 != nil {
			groups = append(groups, &v8Runs{sc: sc})
		}
	}
	for rep := range o.repeat {
		for _, g := range groups {
			if g.failed == "" {
				runV8Once(o, g, rep, tmp)
			}
		}
	}
	return groups
}

// runV8Once runs repetition rep of g's scenario and adds it to g; a
// failure is a finding: it is noted in g, and false returned.
func runV8Once(o *options, g *v8Runs, rep int, tmp string) bool {
	sc := g.sc
	log.Printf("scenario %s (run %d of %d): %d organization(s) × %d users, workloads %s, L=%d, C=%d",
		sc.name, rep+1, o.repeat, sc.v8.orgs, sc.v8.users, sc.v8.workloadsText(), sc.pageSize, sc.concurrency)
	r, err := runV8Scenario(o, sc, v8Dir(tmp, sc, rep))
	if err != nil {
		log.Printf("scenario %s: FAILED: %v", sc.name, err)
		g.failed = err.Error()
		return false
	}
	ideal, _, _ := r.model.ideal(o.Base, o.PerItem, sc.concurrency, false)
	log.Printf("scenario %s: warm median %.3fs (ideal %.3fs), %.2f µs CPU/user, VmHWM %.1f MiB",
		sc.name, r.wallMedian().Seconds(), ideal.Seconds(), r.cpuMedian()/float64(r.users())*1e6, float64(r.hwm)/(1<<20))
	g.runs = append(g.runs, r)
	return true
}

// buildBinaries builds what was not given.
func buildBinaries(o *options, dir string) error {
	if o.Exporter == "" {
		o.Exporter = filepath.Join(dir, "vbo365_exporter")
		if err := harness.Build(o.Exporter, ""); err != nil {
			return err
		}
	}
	if o.simulator == "" {
		o.simulator = filepath.Join(dir, "vbo365-simulator")
		if err := harness.Build(o.simulator, "cmd/vbo365-simulator"); err != nil {
			return err
		}
	}
	return nil
}
