//go:build linux

package main

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// renderOps is the operations scenarios' section of the report.
func renderOps(o *options, all []*opsRuns) string {
	if len(all) == 0 {
		return ""
	}
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	var groups []*opsRuns
	for _, g := range all {
		if g.failed != "" {
			p("**%s failed** after %d complete run(s): %s\n\n", g.sc.name, len(g.runs), g.failed)
		}
		if len(g.runs) > 0 {
			groups = append(groups, g)
		}
	}
	p("\n### v8: operations collectors, requests of a default scrape\n\n")
	p("Tenant: 1 organization of 200 users; %d backup jobs (one entire-organization job, user jobs of 5 users each; "+
		"a third of them run every 4 hours, the others daily); 2 repositories, 2 proxies, no copy jobs; each job's history "+
		"holds the given number of scheduled runs (`TenantOptions.Ops.Sessions`), a failed run sometimes followed by a retry. "+
		"Simulator `--api-versions=v6,v7,v8 --ops.sessions-per-job=N`, "+
		"latency base %s and per item %s, unlimited (`--max-concurrent 0`). The exporter is the binary, default collectors (protection off "+
		"where said), its server entry only url, username and password_file: page_size %d, max_concurrent_requests %d, "+
		"api_version auto, `--collector.sessions.lookback` 3d unless said. The simulator spreads the jobs' last runs over the week before it started, and 20 jobs never ran, so the default lookback sees the last session of fewer than half the jobs; the `-lookback7d` scenarios see every job that ran. Each scrape sends X-Prometheus-Scrape-Timeout-Seconds: %.0f "+
		"(Prometheus' default scrape_timeout), so the exporter's deadline is %.1fs. Each run: a fresh exporter, one cold scrape "+
		"(version detection, login, the sessions' first window, each job's last session's processed objects), then %d warm "+
		"scrapes, each a full poll (min_interval 0). %d run(s) per scenario; requests are the exporter's `vbo365_api_requests_total` "+
		"delta and, independently, the simulator's request log; a span a–b covers every scrape of every run.\n\n",
		groupsJobs(groups), o.Base, o.PerItem, all[0].sc.pageSize, all[0].sc.concurrency, opsScrapeTimeout.Seconds(),
		(opsScrapeTimeout - 500*time.Millisecond).Seconds(), o.runs, o.repeat)
	if len(groups) == 0 {
		return b.String()
	}

	renderOpsSummary(p, groups)
	renderOpsEndpoints(p, groups)
	renderOpsNon200(p, groups)
	renderOpsDurations(p, groups)
	return b.String()
}

// renderOpsSummary is one row per scenario: the history, the requests and
// the wall times of its cold and warm scrapes.
func renderOpsSummary(p func(string, ...any), groups []*opsRuns) {
	p("| scenario | protection | lookback | runs per job | backup sessions held | in the first window | cold requests (counter / simulator) | warm requests (counter / simulator) | cold wall s | warm wall s (median, max) | deadline s | jobs with a last session (series / truth) |\n")
	p("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, g := range groups {
		var cold, coldLog, warm, warmLog []int
		var coldWall, warmWall []time.Duration
		history, window, last, covered := []int{}, []int{}, []int{}, []int{}
		for _, r := range g.runs {
			history, window = append(history, r.history), append(window, r.window)
			covered = append(covered, r.covered)
			cold, coldLog = append(cold, sumCounts(r.scrapes[0].counter)), append(coldLog, sumCounts(r.scrapes[0].simLog))
			coldWall = append(coldWall, r.scrapes[0].wall)
			for _, s := range r.scrapes {
				last = append(last, s.sessions)
			}
			for _, s := range r.warm() {
				warm, warmLog = append(warm, sumCounts(s.counter)), append(warmLog, sumCounts(s.simLog))
				warmWall = append(warmWall, s.wall)
			}
		}
		_, hi := minMax(warmWall)
		p("| %s | %s | %s | %d | %s | %s | **%s** / %s | **%s** / %s | %.3f | %.3f, %.3f | %.1f | %s / %s |\n",
			g.sc.name, map[bool]string{false: "on", true: "off"}[g.sc.ops.noProt], days(g.sc.ops.lookback), g.sc.ops.sessions,
			intsSpan(history), intsSpan(window), intsSpan(cold), intsSpan(coldLog), intsSpan(warm), intsSpan(warmLog),
			median(coldWall).Seconds(), median(warmWall).Seconds(), hi.Seconds(), (opsScrapeTimeout - 500*time.Millisecond).Seconds(),
			intsSpan(last), intsSpan(covered))
	}
	p("\nIndependent of the history: %s.\n", historyVerdict(groups))

}

// renderOpsEndpoints is the requests per scrape by endpoint.
func renderOpsEndpoints(p func(string, ...any), groups []*opsRuns) {
	p("\n#### Requests per scrape by endpoint\n\n")
	p("The exporter's counter; where the simulator's count differs, it follows in brackets.\n\n")
	p("| endpoint |")
	for _, g := range groups {
		p(" %s cold | %s warm |", g.sc.name, g.sc.name)
	}
	p("\n|---|")
	for range groups {
		p("---:|---:|")
	}
	p("\n")
	eps := endpoints(groups)
	for _, e := range append(eps, "all") {
		p("| %s |", map[bool]string{true: "all", false: "`" + e + "`"}[e == "all"])
		for _, g := range groups {
			var cold, coldLog, warm, warmLog []int
			pick := func(c map[string]int) int {
				if e == "all" {
					return sumCounts(c)
				}
				return count(c, e)
			}
			for _, r := range g.runs {
				cold, coldLog = append(cold, pick(r.scrapes[0].counter)), append(coldLog, pick(r.scrapes[0].simLog))
				for _, s := range r.warm() {
					warm, warmLog = append(warm, pick(s.counter)), append(warmLog, pick(s.simLog))
				}
			}
			p(" %s | %s |", withLog(cold, coldLog), withLog(warm, warmLog))
		}
		p("\n")
	}
}

// renderOpsNon200 notes the answers other than 200, by the scrapes they
// came in.
func renderOpsNon200(p func(string, ...any), groups []*opsRuns) {
	type seen struct{ cold, warm int }
	non200 := map[string]*seen{}
	var coldN, warmN int
	for _, g := range groups {
		for _, r := range g.runs {
			for i, s := range r.scrapes {
				if i == 0 {
					coldN++
				} else {
					warmN++
				}
				for _, e := range s.non200 {
					if non200[e] == nil {
						non200[e] = &seen{}
					}
					if i == 0 {
						non200[e].cold++
					} else {
						non200[e].warm++
					}
				}
			}
		}
	}
	for _, e := range slices.Sorted(maps.Keys(non200)) {
		note := ""
		if strings.HasSuffix(e, "401 /v8/ServiceInstance") {
			note = ": the version detection's probe, which asks without a token and takes 401 as \"v8 is served\""
		}
		p("\nAnswers other than 200: %s in %d of %d cold and %d of %d warm scrapes%s.\n", e, non200[e].cold, coldN, non200[e].warm, warmN, note)
	}

}

// renderOpsDurations is the collectors' own durations, medians.
func renderOpsDurations(p func(string, ...any), groups []*opsRuns) {
	p("\n#### Collector durations (vbo365_collector_duration_seconds, medians)\n\n")
	var names []string
	for _, g := range groups {
		for _, r := range g.runs {
			for n := range r.scrapes[0].took {
				if !slices.Contains(names, n) {
					names = append(names, n)
				}
			}
		}
	}
	slices.Sort(names)
	p("| collector |")
	for _, g := range groups {
		p(" %s cold s | %s warm s |", g.sc.name, g.sc.name)
	}
	p("\n|---|")
	for range groups {
		p("---:|---:|")
	}
	p("\n")
	for _, n := range names {
		p("| %s |", n)
		for _, g := range groups {
			var cold, warm []float64
			for _, r := range g.runs {
				if v, ok := r.scrapes[0].took[n]; ok {
					cold = append(cold, v)
				}
				for _, s := range r.warm() {
					if v, ok := s.took[n]; ok {
						warm = append(warm, v)
					}
				}
			}
			p(" %s | %s |", secondsOrDash(cold), secondsOrDash(warm))
		}
		p("\n")
	}
}

// historyVerdict compares each scenario's requests with those of the
// scenario that differs from it in the history only.
func historyVerdict(groups []*opsRuns) string {
	totals := func(g *opsRuns) (cold, warm []int) {
		for _, r := range g.runs {
			cold = append(cold, sumCounts(r.scrapes[0].counter))
			for _, s := range r.warm() {
				warm = append(warm, sumCounts(s.counter))
			}
		}
		return cold, warm
	}
	var out []string
	for i, a := range groups {
		for _, b := range groups[i+1:] {
			if a.sc.ops.noProt != b.sc.ops.noProt || a.sc.ops.lookback != b.sc.ops.lookback || a.sc.ops.sessions == b.sc.ops.sessions {
				continue
			}
			ac, aw := totals(a)
			bc, bw := totals(b)
			same := intsSpan(ac) == intsSpan(bc) && intsSpan(aw) == intsSpan(bw)
			out = append(out, fmt.Sprintf("%s vs %s: cold %s vs %s, warm %s vs %s, %s", a.sc.name, b.sc.name,
				intsSpan(ac), intsSpan(bc), intsSpan(aw), intsSpan(bw), map[bool]string{true: "the same", false: "**different**"}[same]))
		}
	}
	if len(out) == 0 {
		return "no pair of scenarios to compare"
	}
	return strings.Join(out, "; ")
}

func withLog(counter, simLog []int) string {
	if len(counter) == 0 {
		return "–"
	}
	s := intsSpan(counter)
	if l := intsSpan(simLog); l != s {
		s += " (" + l + ")"
	}
	if s == "0" {
		return "·"
	}
	return s
}

func secondsOrDash(v []float64) string {
	if len(v) == 0 {
		return "–"
	}
	return fmt.Sprintf("%.3f", medianF(v))
}

func groupsJobs(gs []*opsRuns) int {
	for _, g := range gs {
		return g.runs[0].jobs
	}
	return 0
}

func days(d time.Duration) string { return fmt.Sprintf("%dd", d/(24*time.Hour)) }
