//go:build linux

package main

import (
	"fmt"
	"runtime"
	"slices"
	"strings"
	"time"
)

// Targets of the v8 scenarios.
const (
	v8TargetRatio    = 1.2
	v8TargetCPU      = 2e-6 // seconds per user of the organizations
	v8TargetGrowth   = 200  // bytes of peak RSS per user beyond v8-10k
	v8TargetScenario = "v8-100k"
	v8GrowthBaseline = "v8-10k"
)

// v8Runs are the repetitions of one scenario, in order.
type v8Runs struct {
	sc     scenario
	runs   []*v8Result
	failed string // the error that stopped a run, if one did
}

func (g *v8Runs) model() *v8Model { return g.runs[0].model }

// med is the median over the repetitions of f.
func (g *v8Runs) med(f func(*v8Result) float64) float64 {
	v := make([]float64, len(g.runs))
	for i, r := range g.runs {
		v[i] = f(r)
	}
	return medianF(v)
}

func (g *v8Runs) each(f func(*v8Result) float64, format string) string {
	parts := make([]string, len(g.runs))
	for i, r := range g.runs {
		parts[i] = fmt.Sprintf(format, f(r))
	}
	return strings.Join(parts, ", ")
}

func (g *v8Runs) ideal(o *options, cold bool) (ideal, work, chain time.Duration) {
	return g.model().ideal(o.base, o.perItem, g.sc.concurrency, cold)
}

func renderV8(o *options, all []*v8Runs) string {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	var groups []*v8Runs
	var failures []string
	for _, g := range all {
		if g.failed != "" {
			failures = append(failures, fmt.Sprintf("**%s failed** after %d complete run(s): %s\n", g.sc.name, len(g.runs), g.failed))
		}
		if len(g.runs) > 0 {
			groups = append(groups, g)
		}
	}
	if len(all) == 0 {
		return ""
	}
	byName := map[string]*v8Runs{}
	for _, g := range groups {
		byName[g.sc.name] = g
	}
	p("\n### v8: scope and repository data\n\n")
	p("Simulator `--api-versions v6,v7,v8`, unlimited (`--max-concurrent 0`); exporter `api_version: v8`, C = max_concurrent_requests, "+
		"L = page_size. Each run: a fresh simulator and exporter, one cold scrape (login, no list lengths from an earlier poll), "+
		"then %d warm scrapes, each a full refresh. %d run(s) per scenario; figures are medians over the runs of each run's median.\n\n", o.runs, o.repeat)
	for _, f := range failures {
		p("%s\n", f)
	}
	if len(groups) == 0 {
		return b.String()
	}

	p("#### Wall time of one refresh\n\n")
	p("Ideal = max(Σ request time / C, chain); CPU bound = (exporter + simulator CPU of a warm refresh) / %d cores: "+
		"on this machine the two processes share the cores, so no refresh can be faster than that either. "+
		"Floor wall = the HTTP floor's round: a bare client with C workers reading the same needed requests in any order, bodies thrown away, "+
		"so the simulator's own time per request is in it and no dependency or decoding is.\n\n", runtime.NumCPU())
	p("| scenario | orgs × users | jobs | L | C | needed requests | Σ request time s | chain s | ideal s | warm median s | per run | warm/ideal | CPU bound s | floor wall s | warm/floor wall | cold s | cold ideal s | cold/ideal |\n")
	p("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, g := range groups {
		m, sp := g.model(), g.sc.v8
		ideal, work, chain := g.ideal(o, false)
		coldIdeal, _, _ := g.ideal(o, true)
		wall := g.med(func(r *v8Result) float64 { return r.wallMedian().Seconds() })
		cold := g.med(func(r *v8Result) float64 { return r.coldWall.Seconds() })
		cpuBound := g.med(func(r *v8Result) float64 { return r.cpuMedian() + medianF(r.simCPUs) }) / float64(runtime.NumCPU())
		floorWall := g.med(func(r *v8Result) float64 { return r.floorWall })
		p("| %s | %d × %d | %d | %d | %d | %d | %.3f | %.3f | %.3f | %.3f | %s | **%.3f** | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f |\n",
			g.sc.name, sp.orgs, sp.users, len(m.truth), g.sc.pageSize, g.sc.concurrency, len(m.needs), work.Seconds(), chain.Seconds(),
			ideal.Seconds(), wall, g.each(func(r *v8Result) float64 { return r.wallMedian().Seconds() }, "%.3f"),
			wall/ideal.Seconds(), cpuBound, floorWall, wall/floorWall, cold, coldIdeal.Seconds(), cold/coldIdeal.Seconds())
	}

	p("\n#### Exporter CPU and memory\n\n")
	p("CPU is utime+stime from `/proc/<pid>/stat` around each warm scrape; per user means per user of the organizations " +
		"(the users list and, through the scopes, the user data are read for each); per scope mailbox divides by Σ over the jobs of " +
		"their scope sizes instead. The HTTP floor reads the same needed requests with a bare client and throws the bodies away.\n\n")
	p("| scenario | users | Σ scope mailboxes | exporter CPU s/refresh | µs/user | per run | µs/scope mailbox | process_cpu_seconds_total µs/user | cold CPU s | HTTP floor µs/user | simulator µs/user | VmHWM MiB | process_resident_memory_bytes MiB | HWM growth B/user vs %s | other processes' CPU s/refresh |\n", v8GrowthBaseline)
	p("|---|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	base := byName[v8GrowthBaseline]
	for _, g := range groups {
		m := g.model()
		users := float64(m.orgUsers)
		cpu := g.med(func(r *v8Result) float64 { return r.cpuMedian() })
		growth := "–"
		if base != nil && g != base {
			growth = fmt.Sprintf("%.1f", v8Growth(g, base))
		}
		p("| %s | %d | %d | %.3f | **%.3f** | %s | %.3f | %.3f | %.3f | %.3f | %.3f | %.1f | %.1f | %s | %s |\n",
			g.sc.name, m.orgUsers, m.scopeSum, cpu, cpu/users*1e6,
			g.each(func(r *v8Result) float64 { return r.cpuMedian() / users * 1e6 }, "%.2f"),
			cpu/float64(m.scopeSum)*1e6,
			g.med(func(r *v8Result) float64 { return r.cpuMetric })/users*1e6,
			g.med(func(r *v8Result) float64 { return r.coldCPU }),
			g.med(func(r *v8Result) float64 { return r.floor })/users*1e6,
			g.med(func(r *v8Result) float64 { return medianF(r.simCPUs) })/users*1e6,
			g.med(func(r *v8Result) float64 { return float64(r.hwm) })/mib,
			g.med(func(r *v8Result) float64 { return float64(r.rss) })/mib, growth,
			g.each(func(r *v8Result) float64 { return medianF(r.others) }, "%.2f"))
	}

	for _, g := range groups {
		p("\n#### Requests per refresh by endpoint (%s)\n\n", g.sc.name)
		p("Needed: what the rule reads, from the tenant's list sizes (⌊n/L⌋+1 pages per list of n). Issued: the exporter's " +
			"`vbo365_api_requests_total` delta and, independently, the simulator's request log; warm figures span every warm scrape of every run.\n\n")
		p("| endpoint | lists | needed | cold, counter | cold, simulator log | cold − needed | warm, counter | warm, simulator log | warm − needed |\n")
		p("|---|---|---:|---:|---:|---:|---:|---:|---:|\n")
		need := g.model().count()
		eps := map[string]bool{}
		for e := range need {
			eps[e] = true
		}
		for _, r := range g.runs {
			for _, c := range append(slices.Clone(r.counter), r.simLog...) {
				for e := range c {
					eps[e] = true
				}
			}
		}
		order := slices.Sorted(func(yield func(string) bool) {
			for e := range eps {
				if !yield(e) {
					return
				}
			}
		})
		var totNeed int
		var totCold, totColdLog, totWarm, totWarmLog []int
		for _, e := range order {
			var cold, coldLog, warm, warmLog []int
			for _, r := range g.runs {
				cold = append(cold, r.counter[0][e])
				coldLog = append(coldLog, r.simLog[0][e])
				for _, c := range r.counter[1:] {
					warm = append(warm, c[e])
				}
				for _, c := range r.simLog[1:] {
					warmLog = append(warmLog, c[e])
				}
			}
			coldNeed := need[e]
			if e == "/v8/token" {
				coldNeed++ // a cold exporter logs in; a warm one reuses its token
			}
			totNeed += need[e]
			totCold, totColdLog = addInts(totCold, cold), addInts(totColdLog, coldLog)
			totWarm, totWarmLog = addInts(totWarm, warm), addInts(totWarmLog, warmLog)
			needText := fmt.Sprint(need[e])
			if coldNeed != need[e] {
				needText = fmt.Sprintf("%d (cold: %d)", need[e], coldNeed)
			}
			p("| `%s` | %s | %s | %s | %s | %s | %s | %s | %s |\n", e, listsOf(g.model(), e), needText,
				span(cold), span(coldLog), overshoot(coldLog, coldNeed), span(warm), span(warmLog), overshoot(warmLog, need[e]))
		}
		p("| all | | %d (cold: %d) | %s | %s | %s | %s | %s | %s |\n", totNeed, totNeed+1, span(totCold), span(totColdLog),
			overshoot(totColdLog, totNeed+1), span(totWarm), span(totWarmLog), overshoot(totWarmLog, totNeed))
		var errs []string
		for _, r := range g.runs {
			errs = append(errs, r.errors...)
		}
		if len(errs) > 0 {
			p("\nAnswers other than 200: %s.\n", strings.Join(errs, "; "))
		}
	}

	p("\n#### Targets (v8)\n\n")
	p("| target | measured | met |\n|---|---|---|\n")
	if g := byName[v8TargetScenario]; g != nil {
		ideal, _, _ := g.ideal(o, false)
		ratio := g.med(func(r *v8Result) float64 { return r.wallMedian().Seconds() }) / ideal.Seconds()
		p("| wall time ≤ %.1f × ideal at %s (warm refresh) | %.3f | %s |\n", v8TargetRatio, g.sc.name, ratio, yesNo(ratio <= v8TargetRatio))
		warmLog := []int{}
		for _, r := range g.runs {
			for _, c := range r.simLog[1:] {
				warmLog = append(warmLog, sumCounts(c))
			}
		}
		lo, hi := minMax64(warmLog)
		n := len(g.model().needs)
		p("| requests issued = needed at %s (warm) | %s issued, %d needed | %s |\n", g.sc.name, span(warmLog), n, yesNo(lo == n && hi == n))
	}
	for _, g := range groups {
		cpu := g.med(func(r *v8Result) float64 { return r.cpuMedian() }) / float64(g.model().orgUsers)
		p("| exporter CPU ≤ %.0f µs/user at %s | %.3f µs | %s |\n", v8TargetCPU*1e6, g.sc.name, cpu*1e6, yesNo(cpu <= v8TargetCPU))
	}
	for _, g := range groups {
		if base != nil && g != base {
			gr := v8Growth(g, base)
			p("| peak RSS growth ≤ %d B/user beyond %s at %s | %.1f B | %s |\n", v8TargetGrowth, v8GrowthBaseline, g.sc.name, gr, yesNo(gr <= v8TargetGrowth))
		}
	}
	return b.String()
}

// v8Growth is the peak RSS growth per user between two scenarios (medians
// over their runs).
func v8Growth(g, base *v8Runs) float64 {
	h := g.med(func(r *v8Result) float64 { return float64(r.hwm) })
	h0 := base.med(func(r *v8Result) float64 { return float64(r.hwm) })
	return (h - h0) / float64(g.model().orgUsers-base.model().orgUsers)
}

// listsOf describes the lists an endpoint reads: how many, and their sizes.
func listsOf(m *v8Model, endpoint string) string {
	sizes := m.listSizes[endpoint]
	if len(sizes) == 0 {
		return ""
	}
	lo, hi := minMax64(sizes)
	if lo == hi {
		return fmt.Sprintf("%d of %d", len(sizes), lo)
	}
	total := 0
	for _, s := range sizes {
		total += s
	}
	return fmt.Sprintf("%d, %d–%d items, %d in all", len(sizes), lo, hi, total)
}

func span(v []int) string {
	if len(v) == 0 {
		return "–"
	}
	return intsSpan(v)
}

func overshoot(v []int, need int) string {
	if len(v) == 0 {
		return "–"
	}
	lo, hi := minMax64(v)
	if lo == hi {
		return fmt.Sprintf("%+d", lo-need)
	}
	return fmt.Sprintf("%+d…%+d", lo-need, hi-need)
}

// addInts adds v to acc element-wise, growing acc as needed.
func addInts(acc, v []int) []int {
	for len(acc) < len(v) {
		acc = append(acc, 0)
	}
	for i, x := range v {
		acc[i] += x
	}
	return acc
}

func sumCounts(c map[string]int) int {
	n := 0
	for _, v := range c {
		n += v
	}
	return n
}
