//go:build linux

package main

import (
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strings"
	"time"
)

// window is the steady state: from the first reading one interval after
// the start (every server polled once: logins, connections and first
// polls are behind) to the last reading before the bursts.
type window struct {
	first, last sample
	probes      []result
}

func (res *fleetResult) steady(o *options) (window, bool) {
	var w window
	found := false
	for _, s := range res.samples {
		if !found && s.at.Sub(res.started) >= o.interval {
			w.first, found = s, true
		}
	}
	if !found || len(res.samples) < 2 {
		return w, false
	}
	w.last = res.samples[len(res.samples)-1]
	if !w.last.at.After(w.first.at) {
		return w, false
	}
	for _, r := range res.probes {
		if !r.start.Before(w.first.at) && r.start.Before(w.last.at) {
			w.probes = append(w.probes, r)
		}
	}
	return w, true
}

func (w window) seconds() float64 { return w.last.at.Sub(w.first.at).Seconds() }

func renderReport(o *options, f *fleet, res *fleetResult) string {
	var b strings.Builder
	n := len(f.servers)
	v1, v8, jobs, mailboxes := f.counts()
	host, _ := os.Hostname()
	fmt.Fprintf(&b, "# Fleet benchmark: %d servers probed every %s\n\n", n, o.interval)
	fmt.Fprintf(&b, "Command: `%s`  \nRun: %s UTC, %s in all, on %s (%d CPUs, %s, %s/%s), exporter %s.\n\n",
		commandLine(), res.started.UTC().Format("2006-01-02 15:04"), res.wall.Round(time.Second), host,
		runtime.NumCPU(), runtime.Version(), runtime.GOOS, runtime.GOARCH, o.revision)
	spread := "each on an address of its own in 127.0.0.0/8"
	if !f.loopbackSpread {
		spread = "all on 127.0.0.1 (the kernel refused other loopback addresses)"
	}
	fmt.Fprintf(&b, "Fleet: %d simulated servers in the harness process, %s: %d on REST API v1 (%d jobs, %d mailboxes each), %d on v6–v8 (%d users, the simulator's job mix); %d jobs and %d mailboxes in all. Simulator latency %s per request plus %s per item. One exporter, `--no-metrics.servers`, every server configured; each probed every %s with a %s timeout, spread over the interval as Prometheus spreads its targets.\n\n",
		n, spread, v1, o.jobs, o.mailboxes, v8, o.users, jobs, mailboxes, o.Base, o.PerItem, o.interval, o.timeout)

	w, ok := res.steady(o)
	if !ok {
		b.WriteString("The run was too short for a steady state (it needs a reading one interval after the start and one later).\n")
		return b.String()
	}
	renderPerServer(&b, n, res, w)
	renderLatency(&b, w)
	renderBursts(&b, n, res)
	renderSamples(&b, res)
	renderOutcome(&b, res, w)
	return b.String()
}

func renderPerServer(b *strings.Builder, n int, res *fleetResult, w window) {
	secs := w.seconds()
	cpu := (w.last.cpu - w.first.cpu) / secs
	self := (w.last.self - w.first.self) / secs
	machine := (w.last.machine - w.first.machine) / secs
	probes := float64(len(w.probes))
	base := res.baseline
	per := func(end, start float64) float64 { return (end - start) / float64(n-1) }
	fmt.Fprintf(b, "## Per configured server\n\n")
	fmt.Fprintf(b, "Steady state: %.0f s from %s to %s after the start, %d probes (%.2f per second).\n\n",
		secs, w.first.at.Sub(res.started).Round(time.Second), w.last.at.Sub(res.started).Round(time.Second), len(w.probes), probes/secs)
	b.WriteString("| | whole exporter | per configured server |\n| --- | --- | --- |\n")
	fmt.Fprintf(b, "| CPU | %.3f cores (%.1f%% of one) | %.2f millicores; %.2f ms per probe |\n",
		cpu, 100*cpu, 1000*cpu/float64(n), 1000*(w.last.cpu-w.first.cpu)/probes)
	fmt.Fprintf(b, "| RSS (VmRSS) at the end | %.1f MiB (one-server exporter: %.1f MiB) | %.1f KiB |\n",
		mib(w.last.rss), mib(base.rss), per(float64(w.last.rss), float64(base.rss))/1024)
	fmt.Fprintf(b, "| peak RSS (VmHWM) | %.1f MiB | %.1f KiB |\n", mib(w.last.hwm), per(float64(w.last.hwm), float64(base.hwm))/1024)
	fmt.Fprintf(b, "| Go heap in use | %.1f MiB (one server: %.1f MiB) | %.1f KiB |\n",
		w.last.heap/(1<<20), base.heap/(1<<20), per(w.last.heap, base.heap)/1024)
	fmt.Fprintf(b, "| goroutines | %.0f (one server: %.0f) | %.1f |\n", w.last.goroutines, base.goroutines, per(w.last.goroutines, base.goroutines))
	fmt.Fprintf(b, "| open files | %d (one server: %d) | %.1f |\n", w.last.fds, base.fds, per(float64(w.last.fds), float64(base.fds)))
	fmt.Fprintf(b, "| own `/metrics` | %d samples, %.0f KiB | %.0f samples |\n", w.last.series, float64(w.last.metricsLen)/1024, per(float64(w.last.series), float64(base.series)))
	fmt.Fprintf(b, "| API requests | %.1f per probe | |\n\n", (w.last.requests-w.first.requests)/probes)
	fmt.Fprintf(b, "Beside the exporter, the harness (the %d simulators and the probes) used %.2f cores and the rest of the machine %.2f, of %d.\n\n",
		n, self, max(0, machine-cpu-self), runtime.NumCPU())

	b.WriteString("Growth over the steady state: the first and the last reading, and the least-squares slope over the whole steady state and over its second half (the first minutes include the heap and the runtime's page cache settling):\n\n")
	b.WriteString("| | first | last | slope per minute | second half |\n| --- | --- | --- | --- | --- |\n")
	in := res.samplesIn(w)
	late := in[len(in)/2:]
	growth := func(name string, first, last string, v func(sample) float64, unit float64, format string) {
		fmt.Fprintf(b, "| %s | %s | %s | "+format+" | "+format+" |\n", name, first, last, slope(in, v)/unit, slope(late, v)/unit)
	}
	growth("RSS", fmt.Sprintf("%.1f MiB", mib(w.first.rss)), fmt.Sprintf("%.1f MiB", mib(w.last.rss)),
		func(s sample) float64 { return float64(s.rss) }, 1<<20, "%+.2f MiB")
	growth("Go heap in use", fmt.Sprintf("%.1f MiB", w.first.heap/(1<<20)), fmt.Sprintf("%.1f MiB", w.last.heap/(1<<20)),
		func(s sample) float64 { return s.heap }, 1<<20, "%+.2f MiB")
	growth("goroutines", fmt.Sprintf("%.0f", w.first.goroutines), fmt.Sprintf("%.0f", w.last.goroutines),
		func(s sample) float64 { return s.goroutines }, 1, "%+.1f")
	growth("open files", fmt.Sprint(w.first.fds), fmt.Sprint(w.last.fds),
		func(s sample) float64 { return float64(s.fds) }, 1, "%+.1f")
	fmt.Fprintf(b, "| CPU per probe | %s | %s | | |\n\n", cpuPerProbe(in, 0), cpuPerProbe(in, len(in)-2))
}

// revision says what the exporter was built from: the repository's
// commit, marked -dirty when the tree has changes, as of the start.
func revision(built bool) string {
	if !built {
		return "given by -exporter"
	}
	out, err := exec.Command("git", "describe", "--always", "--dirty").Output()
	if err != nil {
		return "built from this tree"
	}
	return "built from `" + strings.TrimSpace(string(out)) + "`"
}

func mib(v int64) float64 { return float64(v) / (1 << 20) }

func (res *fleetResult) samplesIn(w window) []sample {
	var out []sample
	for _, s := range res.samples {
		if !s.at.Before(w.first.at) && !s.at.After(w.last.at) {
			out = append(out, s)
		}
	}
	return out
}

// cpuPerProbe is the exporter's CPU per probe between readings i and i+1.
func cpuPerProbe(in []sample, i int) string {
	if i < 0 || i+1 >= len(in) || in[i+1].probes == in[i].probes {
		return "–"
	}
	return fmt.Sprintf("%.2f ms", 1000*(in[i+1].cpu-in[i].cpu)/float64(in[i+1].probes-in[i].probes))
}

// slope is the least-squares slope of v over the samples, per minute.
func slope(in []sample, v func(sample) float64) float64 {
	if len(in) < 2 {
		return 0
	}
	var sx, sy, sxx, sxy float64
	t0 := in[0].at
	for _, s := range in {
		x, y := s.at.Sub(t0).Minutes(), v(s)
		sx, sy, sxx, sxy = sx+x, sy+y, sxx+x*x, sxy+x*y
	}
	k := float64(len(in))
	d := k*sxx - sx*sx
	if d == 0 {
		return 0
	}
	return (k*sxy - sx*sy) / d
}

func renderLatency(b *strings.Builder, w window) {
	b.WriteString("## Time to answer a probe, steady state\n\n")
	b.WriteString("From sending the request to the last byte of the answer, as Prometheus' `scrape_duration_seconds` counts it.\n\n")
	b.WriteString("| servers | probes | median | p90 | p99 | max |\n| --- | --- | --- | --- | --- | --- |\n")
	all, v1, v8 := latencies(w.probes, nil), latencies(w.probes, ptr(false)), latencies(w.probes, ptr(true))
	for _, row := range []struct {
		name string
		d    []time.Duration
	}{{"all", all}, {"v1", v1}, {"v6–v8", v8}} {
		if len(row.d) > 0 {
			fmt.Fprintf(b, "| %s | %d | %s | %s | %s | %s |\n", row.name, len(row.d), ms(pct(row.d, 50)), ms(pct(row.d, 90)), ms(pct(row.d, 99)), ms(pct(row.d, 100)))
		}
	}
	busy := 0.0
	for _, d := range all {
		busy += d.Seconds()
	}
	fmt.Fprintf(b, "\nOn average %.2f probes were under way at once (the sum of their durations over the %.0f s).\n\n", busy/w.seconds(), w.seconds())
}

func ptr(b bool) *bool { return &b }

// latencies are the durations of the probes that were answered, of the v8
// or v1 servers only when v8 is set.
func latencies(rs []result, v8 *bool) []time.Duration {
	var out []time.Duration
	for _, r := range rs {
		if r.err == nil && (v8 == nil || r.server.v8 == *v8) {
			out = append(out, r.took)
		}
	}
	slices.Sort(out)
	return out
}

// pct is the p-th percentile of sorted durations (nearest rank).
func pct(d []time.Duration, p float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	i := int(float64(len(d))*p/100+0.5) - 1
	return d[min(max(i, 0), len(d)-1)]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.0f ms", float64(d)/float64(time.Millisecond)) }

func renderBursts(b *strings.Builder, n int, res *fleetResult) {
	if len(res.bursts) == 0 {
		return
	}
	fmt.Fprintf(b, "## One probe while all the others are under way\n\n")
	api := "v1"
	if res.canaries[0].server.v8 {
		api = "v6–v8"
	}
	fmt.Fprintf(b, "Each burst sends the probes of %d servers at once, then one more of the remaining server, %s on %s (the canary), while they are under way: the worst case, which Prometheus' spreading of targets avoids in steady state.\n\n", n-1, res.canaries[0].server.name, api)
	b.WriteString("| burst | all answered after | median | p90 | max | canary |\n| --- | --- | --- | --- | --- | --- |\n")
	for i, rs := range res.bursts {
		d := latencies(rs, nil)
		fmt.Fprintf(b, "| %d | %s | %s | %s | %s | %s |\n", i+1, ms(pct(d, 100)), ms(pct(d, 50)), ms(pct(d, 90)), ms(pct(d, 100)), ms(res.canaries[i].took))
	}
	b.WriteString("\n")
}

func renderSamples(b *strings.Builder, res *fleetResult) {
	b.WriteString("## Readings\n\n")
	b.WriteString("| after | probes | exporter CPU since the last reading | RSS | Go heap in use | goroutines | open files |\n| --- | --- | --- | --- | --- | --- | --- |\n")
	for i, s := range res.samples {
		cpu := "–"
		if i > 0 {
			prev := res.samples[i-1]
			cpu = fmt.Sprintf("%.1f%%", 100*(s.cpu-prev.cpu)/s.at.Sub(prev.at).Seconds())
		}
		fmt.Fprintf(b, "| %s | %d | %s | %.1f MiB | %.1f MiB | %.0f | %d |\n",
			s.at.Sub(res.started).Round(time.Second), s.probes, cpu, mib(s.rss), s.heap/(1<<20), s.goroutines, s.fds)
	}
	a := res.afterBursts
	fmt.Fprintf(b, "| after the bursts | %d | | %.1f MiB (peak %.1f MiB) | %.1f MiB | %.0f | %d |\n\n", a.probes, mib(a.rss), mib(a.hwm), a.heap/(1<<20), a.goroutines, a.fds)
}

func renderOutcome(b *strings.Builder, res *fleetResult, w window) {
	var errs, failed int
	for _, r := range res.probes {
		switch {
		case r.err != nil:
			errs++
		case r.failed:
			failed++
		}
	}
	fmt.Fprintf(b, "## Outcome\n\n%d probes in all (%d in the steady state), plus %d in the bursts: %d without an answer, %d with the server or a job not read, %d WRONG.\n",
		len(res.probes), len(w.probes), burstCount(res), errs, failed, res.wrong)
	for _, e := range res.errors {
		fmt.Fprintf(b, "- %s\n", e)
	}
	b.WriteString("\n")
}

func burstCount(res *fleetResult) int {
	n := 0
	for _, rs := range res.bursts {
		n += len(rs) + 1
	}
	return n
}
