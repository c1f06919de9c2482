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
	return g.model().ideal(o.Base, o.PerItem, g.sc.concurrency, cold)
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
		"L = page_size, `workloads` as the table says, every collector but jobs and protection off (`--no-collector.…`). Each run: a fresh simulator and exporter, one cold scrape (login, no list lengths from an earlier poll), "+
		"then %d warm scrapes, each a full refresh. %d run(s) per scenario; figures are medians over the runs of each run's median.\n\n", o.runs, o.repeat)
	for _, f := range failures {
		p("%s\n", f)
	}
	if len(groups) == 0 {
		return b.String()
	}

	renderV8Wall(o, p, groups)
	renderV8CPU(p, groups, byName)
	for _, g := range groups {
		renderV8Requests(p, g)
	}
	renderV8Pairs(o, p, groups, byName)
	renderV8Targets(o, p, groups, byName)
	return b.String()
}

// renderV8Wall is the table of a refresh's wall time against the ideal.
func renderV8Wall(o *options, p func(string, ...any), groups []*v8Runs) {
	p("#### Wall time of one refresh\n\n")
	p("Ideal = max(Σ request time / C, chain); CPU bound = (exporter + simulator CPU of a warm refresh) / %d cores: "+
		"on this machine the two processes share the cores, so no refresh can be faster than that either. "+
		"Floor wall = the HTTP floor's round: a bare client with C workers reading the same needed requests in any order, bodies thrown away, "+
		"so the simulator's own time per request is in it and no dependency or decoding is.\n\n", runtime.NumCPU())
	p("| scenario | orgs × users | workloads | jobs | L | C | needed requests | Σ request time s | chain s | ideal s | warm median s | per run | warm/ideal | CPU bound s | floor wall s | warm/floor wall | cold s | cold ideal s | cold/ideal |\n")
	p("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, g := range groups {
		m, sp := g.model(), g.sc.v8
		ideal, work, chain := g.ideal(o, false)
		coldIdeal, _, _ := g.ideal(o, true)
		wall := g.med(func(r *v8Result) float64 { return r.wallMedian().Seconds() })
		cold := g.med(func(r *v8Result) float64 { return r.coldWall.Seconds() })
		cpuBound := g.med(func(r *v8Result) float64 { return r.cpuMedian() + medianF(r.simCPUs) }) / float64(runtime.NumCPU())
		floorWall := g.med(func(r *v8Result) float64 { return r.floorWall })
		p("| %s | %s | %s | %d | %d | %d | %d | %.3f | %.3f | %.3f | %.3f | %s | **%.3f** | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f |\n",
			g.sc.name, tenantText(sp), sp.workloadsText(), len(m.truth), g.sc.pageSize, g.sc.concurrency, len(m.needs), work.Seconds(), chain.Seconds(),
			ideal.Seconds(), wall, g.each(func(r *v8Result) float64 { return r.wallMedian().Seconds() }, "%.3f"),
			wall/ideal.Seconds(), cpuBound, floorWall, wall/floorWall, cold, coldIdeal.Seconds(), cold/coldIdeal.Seconds())
	}
}

// renderV8CPU is the table of the exporter's CPU and memory.
func renderV8CPU(p func(string, ...any), groups []*v8Runs, byName map[string]*v8Runs) {
	p("\n#### Exporter CPU and memory\n\n")
	p("CPU is utime+stime from `/proc/<pid>/stat` around each warm scrape; per user means per user of the organizations " +
		"(the users list and, through the scopes, the user data are read for each); per scope mailbox divides by Σ over the jobs of " +
		"their scope sizes instead. The HTTP floor reads the same needed requests with a bare client and throws the bodies away.\n\n")
	p("| scenario | users | Σ scope mailboxes | exporter CPU s/refresh | µs/user | per run | µs/scope mailbox | process_cpu_seconds_total µs/user | cold CPU s | HTTP floor µs/user | simulator µs/user | VmHWM MiB | process_resident_memory_bytes MiB | HWM growth B/user | vs | other processes' CPU s/refresh |\n")
	p("|---|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|\n")
	for _, g := range groups {
		m := g.model()
		users := float64(m.orgUsers)
		cpu := g.med(func(r *v8Result) float64 { return r.cpuMedian() })
		growth, vs := "–", ""
		if base := byName[g.growthBase()]; base != nil && g != base {
			growth, vs = fmt.Sprintf("%.1f", v8Growth(g, base)), base.sc.name
		}
		p("| %s | %d | %d | %.3f | **%.3f** | %s | %.3f | %.3f | %.3f | %.3f | %.3f | %.1f | %.1f | %s | %s | %s |\n",
			g.sc.name, m.orgUsers, m.scopeSum, cpu, cpu/users*1e6,
			g.each(func(r *v8Result) float64 { return r.cpuMedian() / users * 1e6 }, "%.2f"),
			cpu/float64(m.scopeSum)*1e6,
			g.med(func(r *v8Result) float64 { return r.cpuMetric })/users*1e6,
			g.med(func(r *v8Result) float64 { return r.coldCPU }),
			g.med(func(r *v8Result) float64 { return r.floor })/users*1e6,
			g.med(func(r *v8Result) float64 { return medianF(r.simCPUs) })/users*1e6,
			g.med(func(r *v8Result) float64 { return float64(r.hwm) })/mib,
			g.med(func(r *v8Result) float64 { return float64(r.rss) })/mib, growth, vs,
			g.each(func(r *v8Result) float64 { return medianF(r.others) }, "%.2f"))
	}
}

// renderV8Requests is the table of g's requests per refresh by endpoint:
// needed, and issued by both counts.
func renderV8Requests(p func(string, ...any), g *v8Runs) {
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

// renderV8Targets is the table of the v8 targets, met or not.
func renderV8Targets(o *options, p func(string, ...any), groups []*v8Runs, byName map[string]*v8Runs) {
	p("\n#### Targets (v8)\n\n")
	p("| target | measured | met |\n|---|---|---|\n")
	if g := byName[v8TargetScenario]; g != nil {
		ideal, _, _ := g.ideal(o, false)
		ratio := g.med(func(r *v8Result) float64 { return r.wallMedian().Seconds() }) / ideal.Seconds()
		p("| wall time ≤ %.1f × ideal at %s (warm refresh) | %.3f | %s |\n", v8TargetRatio, g.sc.name, ratio, yesNo(ratio <= v8TargetRatio))
	}
	for _, g := range groups {
		issued := warmLog(g, "")
		lo, hi := minMax64(issued)
		n := len(g.model().needs)
		p("| requests issued = needed at %s (warm) | %s issued, %d needed | %s |\n", g.sc.name, span(issued), n, yesNo(lo == n && hi == n))
	}
	for _, g := range groups {
		cpu := g.med(func(r *v8Result) float64 { return r.cpuMedian() }) / float64(g.model().orgUsers)
		p("| exporter CPU ≤ %.0f µs/user at %s | %.3f µs | %s |\n", v8TargetCPU*1e6, g.sc.name, cpu*1e6, yesNo(cpu <= v8TargetCPU))
	}
	for _, g := range groups {
		if base := byName[g.growthBase()]; base != nil && g != base {
			gr := v8Growth(g, base)
			p("| peak RSS growth ≤ %d B/user beyond %s at %s | %.1f B | %s |\n", v8TargetGrowth, base.sc.name, g.sc.name, gr, yesNo(gr <= v8TargetGrowth))
		}
	}
	for _, g := range groups {
		bad := counterMismatches(g)
		p("| exporter counter = simulator log, every scrape and endpoint, at %s | %s | %s |\n", g.sc.name, orNone(bad), yesNo(len(bad) == 0))
	}
	for _, g := range groups {
		if base := byName[g.sc.v8.pair]; base != nil {
			other := costRuleBreaches(base, g)
			p("| every workload requests nothing the mailbox computation does not, but the site and team lists and data, at %s (vs %s, warm) | %s | %s |\n",
				g.sc.name, base.sc.name, orNone(other), yesNo(len(other) == 0))
		}
	}
}

// growthBase is the scenario whose peak RSS g's growth per user is taken
// against.
func (g *v8Runs) growthBase() string {
	if g.sc.v8.growthBase != "" {
		return g.sc.v8.growthBase
	}
	return v8GrowthBaseline
}

func tenantText(sp *v8Spec) string {
	t := fmt.Sprintf("%d × %d", sp.orgs, sp.users)
	if sp.workloadTenant() {
		t += fmt.Sprintf(", %d sites, %d teams", sp.sites, sp.teams)
	}
	if sp.groupSize > 0 {
		t += fmt.Sprintf(", groups of about %d", sp.groupSize)
	}
	if sp.usersPerJob > 0 {
		t += fmt.Sprintf(", %d users per user job", sp.usersPerJob)
	}
	return t
}

func orNone(v []string) string {
	if len(v) == 0 {
		return "none"
	}
	return strings.Join(v, "; ")
}

// counterMismatches are the scrapes of g whose exporter counter and
// simulator log disagree on an endpoint.
func counterMismatches(g *v8Runs) []string {
	var out []string
	for ri, r := range g.runs {
		for k := range r.counter {
			for _, e := range endpointsOf(r.counter[k], r.simLog[k]) {
				if r.counter[k][e] != r.simLog[k][e] {
					out = append(out, fmt.Sprintf("run %d scrape %d `%s`: counter %d, log %d", ri+1, k+1, e, r.counter[k][e], r.simLog[k][e]))
				}
			}
		}
	}
	return out
}

// siteTeamEndpoints are the requests that only the site and team
// workloads make.
var siteTeamEndpoints = []string{
	"/v8/Organizations/{id}/Sites", "/v8/Organizations/{id}/Teams",
	"/v8/BackupRepositories/{id}/SiteData", "/v8/BackupRepositories/{id}/TeamData",
}

// costRuleBreaches are the endpoints, other than the site and team ones,
// whose warm requests (simulator log) differ between the mailbox-only
// runs and those with every workload.
func costRuleBreaches(mailbox, all *v8Runs) []string {
	var out []string
	for _, e := range endpointsOf(mailbox.endpoints(), all.endpoints()) {
		if slices.Contains(siteTeamEndpoints, e) {
			continue
		}
		a, b := warmLog(mailbox, e), warmLog(all, e)
		alo, ahi := minMax64(a)
		blo, bhi := minMax64(b)
		if alo != blo || ahi != bhi {
			out = append(out, fmt.Sprintf("`%s` %s against %s", e, span(b), span(a)))
		}
	}
	return out
}

// endpoints is every endpoint g's model needs or its scrapes asked.
func (g *v8Runs) endpoints() map[string]int {
	out := map[string]int{}
	for e, n := range g.model().count() {
		out[e] += n
	}
	for _, r := range g.runs {
		for _, c := range append(slices.Clone(r.counter), r.simLog...) {
			for e, n := range c {
				out[e] += n
			}
		}
	}
	return out
}

// endpointsOf is the sorted union of the maps' keys.
func endpointsOf(maps ...map[string]int) []string {
	seen := map[string]bool{}
	for _, m := range maps {
		for e := range m {
			seen[e] = true
		}
	}
	out := make([]string, 0, len(seen))
	for e := range seen {
		out = append(out, e)
	}
	slices.Sort(out)
	return out
}

// warmLog and coldLog are the simulator log's counts of endpoint e (all
// endpoints for ""), per warm scrape of every run, or per cold scrape;
// warmCounter the exporter's counter's.
func warmLog(g *v8Runs, e string) []int     { return scrapeCounts(g, e, true, true) }
func coldLog(g *v8Runs, e string) []int     { return scrapeCounts(g, e, true, false) }
func warmCounter(g *v8Runs, e string) []int { return scrapeCounts(g, e, false, true) }

func scrapeCounts(g *v8Runs, e string, log, warm bool) []int {
	var out []int
	for _, r := range g.runs {
		c := r.counter
		if log {
			c = r.simLog
		}
		if warm {
			c = c[1:]
		} else {
			c = c[:1]
		}
		for _, m := range c {
			if e == "" {
				out = append(out, sumCounts(m))
			} else {
				out = append(out, m[e])
			}
		}
	}
	return out
}

func medianInts(v []int) float64 {
	f := make([]float64, len(v))
	for i, x := range v {
		f[i] = float64(x)
	}
	return medianF(f)
}

// renderV8Pairs sets each scenario with workloads against its
// mailbox-only pair, when both ran: requests, wall time, CPU and memory
// side by side, then the requests by endpoint that differ.
func renderV8Pairs(o *options, p func(string, ...any), groups []*v8Runs, byName map[string]*v8Runs) {
	for _, all := range groups {
		mb := byName[all.sc.v8.pair]
		if mb == nil {
			continue
		}
		p("\n#### Every workload against mailbox only (%s vs %s)\n\n", all.sc.name, mb.sc.name)
		sp := all.sc.v8
		p("Tenant %s (the workload tenant: `--tenant.workloads --tenant.sites=%d --tenant.teams=%d`); the exporter's `workloads:` %s against %s. "+
			"Medians over the runs of each run's median; requests per scrape from the simulator's log (the exporter's counter agrees unless the targets say otherwise).\n\n",
			tenantText(sp), sp.sites, sp.teams, "`["+strings.Join(sp.workloads, ", ")+"]`", "`[]`")
		paired := o.interleave && len(mb.runs) == len(all.runs)
		cols := "| | %s | %s | difference | ratio | paired difference |\n|---|---:|---:|---:|---:|---:|\n"
		p(cols, mb.sc.name, all.sc.name)
		// row is one figure of each side; per, when given, is the same
		// figure of one run, for the paired difference: the median over
		// the rounds of (every workload − mailbox only) in the same round.
		row := func(name, format string, f func(*v8Runs) float64, per func(*v8Runs, *v8Result) float64) {
			a, b := f(mb), f(all)
			ratio, pd := "–", "–"
			if a != 0 {
				ratio = fmt.Sprintf("%.3f", b/a)
			}
			if per != nil && paired {
				d := make([]float64, len(all.runs))
				for i := range d {
					d[i] = per(all, all.runs[i]) - per(mb, mb.runs[i])
				}
				pd = fmt.Sprintf(format, medianF(d))
			}
			p("| %s | "+format+" | "+format+" | "+format+" | %s | %s |\n", name, a, b, b-a, ratio, pd)
		}
		// measured is row for a figure of each run, the median over runs.
		measured := func(name, format string, per func(*v8Runs, *v8Result) float64) {
			row(name, format, func(g *v8Runs) float64 { return g.med(func(r *v8Result) float64 { return per(g, r) }) }, per)
		}
		users := float64(all.model().orgUsers)
		row("needed requests, warm", "%.0f", func(g *v8Runs) float64 { return float64(len(g.model().needs)) }, nil)
		row("issued, warm (median)", "%.0f", func(g *v8Runs) float64 { return medianInts(warmLog(g, "")) }, nil)
		row("issued, cold (median)", "%.0f", func(g *v8Runs) float64 { return medianInts(coldLog(g, "")) }, nil)
		row("ideal s", "%.3f", func(g *v8Runs) float64 { return idealOf(o, g).Seconds() }, nil)
		measured("warm wall s", "%.3f", func(_ *v8Runs, r *v8Result) float64 { return r.wallMedian().Seconds() })
		measured("warm wall / ideal", "%.3f", func(g *v8Runs, r *v8Result) float64 { return r.wallMedian().Seconds() / idealOf(o, g).Seconds() })
		measured("cold wall s", "%.3f", func(_ *v8Runs, r *v8Result) float64 { return r.coldWall.Seconds() })
		measured("exporter CPU s / warm refresh", "%.3f", func(_ *v8Runs, r *v8Result) float64 { return r.cpuMedian() })
		measured("exporter CPU µs / user", "%.2f", func(_ *v8Runs, r *v8Result) float64 { return r.cpuMedian() / users * 1e6 })
		measured("simulator CPU µs / user", "%.2f", func(_ *v8Runs, r *v8Result) float64 { return medianF(r.simCPUs) / users * 1e6 })
		measured("VmHWM MiB", "%.1f", func(_ *v8Runs, r *v8Result) float64 { return float64(r.hwm) / mib })
		measured("VmHWM B / user", "%.1f", func(_ *v8Runs, r *v8Result) float64 { return float64(r.hwm) / users })
		mbBase, allBase := byName[mb.growthBase()], byName[all.growthBase()]
		if mbBase != nil && allBase != nil && mbBase != mb && allBase != all {
			row(fmt.Sprintf("HWM growth B / user (vs %s, %s)", mbBase.sc.name, allBase.sc.name), "%.1f", func(g *v8Runs) float64 {
				return v8Growth(g, byName[g.growthBase()])
			}, nil)
		}
		if paired {
			p("\nPaired difference: the runs were interleaved (`-interleave`), so run i of each ran in the same round; the median over the rounds of the difference within a round.\n")
		}

		p("\nRequests per warm refresh by endpoint where the two differ (needed: the model; issued: simulator log, all warm scrapes of all runs, and the exporter's counter):\n\n")
		p("| endpoint | lists (items) | needed, mailbox only | needed, every workload | extra needed | issued warm, mailbox only | issued warm, every workload (log) | (counter) | extra issued, warm | extra issued, cold |\n")
		p("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n")
		nm, na := mb.model().count(), all.model().count()
		var extraNeed int
		for _, e := range endpointsOf(mb.endpoints(), all.endpoints()) {
			wm, wa := warmLog(mb, e), warmLog(all, e)
			if nm[e] == na[e] && slices.Equal(spanBounds(wm), spanBounds(wa)) {
				continue
			}
			extraNeed += na[e] - nm[e]
			p("| `%s` | %s | %d | %d | %+d | %s | %s | %s | %+.0f | %+.0f |\n", e, listsOf(all.model(), e), nm[e], na[e], na[e]-nm[e],
				span(wm), span(wa), span(warmCounter(all, e)), medianInts(wa)-medianInts(wm), medianInts(coldLog(all, e))-medianInts(coldLog(mb, e)))
		}
		p("| all | | %d | %d | %+d | %s | %s | %s | %+.0f | %+.0f |\n", len(mb.model().needs), len(all.model().needs), extraNeed,
			span(warmLog(mb, "")), span(warmLog(all, "")), span(warmCounter(all, "")),
			medianInts(warmLog(all, ""))-medianInts(warmLog(mb, "")), medianInts(coldLog(all, ""))-medianInts(coldLog(mb, "")))
	}
}

// spanBounds is the least and greatest of v.
func spanBounds(v []int) []int {
	if len(v) == 0 {
		return nil
	}
	lo, hi := minMax64(v)
	return []int{lo, hi}
}

// idealOf is the warm latency-model bound of g's scenario.
func idealOf(o *options, g *v8Runs) time.Duration {
	i, _, _ := g.ideal(o, false)
	return i
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
