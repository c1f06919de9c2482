//go:build linux

package main

import (
	"fmt"
	"strings"
	"time"
)

// renderRestores is the restores scenarios' section of the report:
// requests per poll, cold and steady (medians over every run's polls),
// by endpoint.
func renderRestores(o *options, all []*restoreRuns) string {
	if len(all) == 0 {
		return ""
	}
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	var groups []*restoreRuns
	for _, g := range all {
		if g.failed != "" {
			p("**%s failed** after %d complete run(s): %s\n\n", g.sc.name, len(g.runs), g.failed)
		}
		if len(g.runs) > 0 {
			groups = append(groups, g)
		}
	}
	p("\n### Restores: requests per poll at 10,000 sessions a day\n\n")
	p("Simulator `--ops.restore-sessions=%d --ops.restores-per-minute=%d --ops.restore-duration=1ms`, the newest version v8 or v7, "+
		"latency base %s and per item %s; the exporter with `jobs` and `restores` only, page_size %d, `--collector.restores.overlap=%s`. "+
		"Time runs %d× fast: a poll every %s at %d sessions a minute ending is a poll a minute at %d (%d a day), with the default overlap of %s. "+
		"Each added session has 1 to 90 item events (`RestoreRunSpec`) and ends at the next one's start. The simulator runs one overlap before the exporter starts, "+
		"so the first poll's window is full. Each run: a fresh exporter, one cold poll, %d steady ones; %d run(s) per scenario; medians over every run's polls. "+
		"The first poll fails the scenario if it asks a list from before the exporter's start less the overlap, or without a time filter, or reads a history session's events.\n\n",
		restoreHistory, restorePerMinute*restoreScale, o.Base, o.PerItem, restorePageSize, restoreOverlap, restoreScale, restoreInterval,
		restorePerMinute*restoreScale, restorePerMinute, restorePerMinute*24*60, restoreOverlap*restoreScale, restoreWarmPolls, o.repeat)
	if len(groups) == 0 {
		return b.String()
	}
	p("| scenario | cold requests (counter / simulator) | steady requests (counter / simulator) | sessions counted a steady poll | events lists read (pages) a steady poll | steady requests other than events pages | first poll's earliest filter − (start − overlap) |\n")
	p("|---|---:|---:|---:|---:|---:|---:|\n")
	for _, g := range groups {
		pick := func(f func(restoreScrape) int, warm bool) string {
			var v []int
			for _, r := range g.runs {
				if !warm {
					v = append(v, f(r.scrapes[0]))
					continue
				}
				for _, s := range r.warm() {
					v = append(v, f(s))
				}
			}
			return fmt.Sprintf("%g", medianInts(v))
		}
		total := func(s restoreScrape) int { return sumCounts(s.counter) }
		logged := func(s restoreScrape) int { return sumCounts(s.simLog) }
		var margin []time.Duration
		for _, r := range g.runs {
			margin = append(margin, r.oldest.Sub(r.floor))
		}
		p("| %s | **%s** / %s | **%s** / %s | %s | %s (%s) | %s | %s |\n", g.sc.name, pick(total, false), pick(logged, false),
			pick(total, true), pick(logged, true), pick(func(s restoreScrape) int { return s.ended }, true),
			pick(func(s restoreScrape) int { return s.events }, true), pick(func(s restoreScrape) int { return s.pages }, true),
			pick(func(s restoreScrape) int { return sumCounts(s.counter) - s.pages }, true), median(margin).Round(10*time.Millisecond))
	}
	renderRestoreEndpoints(p, groups)
	return b.String()
}

// renderRestoreEndpoints is the exporter's counter by endpoint, medians.
func renderRestoreEndpoints(p func(string, ...any), groups []*restoreRuns) {
	p("\n| endpoint |")
	for _, g := range groups {
		p(" %s cold | %s steady |", g.sc.name, g.sc.name)
	}
	p("\n|---|")
	for range groups {
		p("---:|---:|")
	}
	p("\n")
	for _, e := range restoreEndpoints(groups) {
		p("| `%s` |", e)
		for _, g := range groups {
			var cold, warm []int
			for _, r := range g.runs {
				cold = append(cold, r.scrapes[0].counter[e])
				for _, s := range r.warm() {
					warm = append(warm, s.counter[e])
				}
			}
			p(" %g | %g |", medianInts(cold), medianInts(warm))
		}
		p("\n")
	}
}
