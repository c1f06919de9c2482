//go:build linux

package main

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"net/url"
	"sync"
	"time"

	dto "github.com/prometheus/client_model/go"

	"github.com/vbo365-exporter/vbo365_exporter/tools/internal/harness"
)

// prober sends probes as Prometheus does: one keep-alive client for the
// whole job, the scrape timeout in a header, gzip accepted.
type prober struct {
	client  *http.Client
	base    string
	timeout time.Duration
}

func newProber(base string, timeout time.Duration) *prober {
	return &prober{base: base, timeout: timeout, client: &http.Client{
		Timeout:   timeout + 5*time.Second,
		Transport: &http.Transport{Proxy: nil, MaxIdleConnsPerHost: 64, IdleConnTimeout: 5 * time.Minute},
	}}
}

// result is one probe.
type result struct {
	server *server
	start  time.Time
	took   time.Duration
	err    error  // no answer, or not a 200
	wrong  string // an answer whose numbers are not the truth
	failed bool   // the server or a job was not read: correct, but no success
}

func (p *prober) probe(ctx context.Context, s *server) result {
	r := result{server: s, start: time.Now()}
	body, err := harness.GetMetrics(ctx, p.client, p.base+"/probe?target="+url.QueryEscape(s.name), p.timeout)
	if err != nil {
		r.err, r.took = err, time.Since(r.start)
		return r
	}
	fams, err := harness.ParseMetrics(body)
	r.took = time.Since(r.start)
	if err != nil {
		r.err = err
		return r
	}
	r.failed, r.wrong = judge(fams, s)
	return r
}

// judge compares a probe's answer with the server's truth: up, every job
// read, the mailboxes summed over the jobs, and no other server's series.
func judge(fams map[string]*dto.MetricFamily, s *server) (failed bool, wrong string) {
	for name, f := range fams {
		for _, m := range f.GetMetric() {
			if v := label(m, "server"); v != s.name {
				return false, fmt.Sprintf("%s of server %q in the probe of %s", name, v, s.name)
			}
		}
	}
	if gaugeSum(fams["vbo365_up"]) != 1 {
		return true, ""
	}
	jobs := fams["vbo365_job_scrape_success"].GetMetric()
	for _, m := range jobs {
		if m.GetGauge().GetValue() != 1 {
			return true, ""
		}
	}
	if len(jobs) != s.jobs {
		return false, fmt.Sprintf("%s: %d jobs, truth %d", s.name, len(jobs), s.jobs)
	}
	if got := gaugeSum(fams["vbo365_job_mailboxes"]); int(got) != s.mailboxes {
		return false, fmt.Sprintf("%s: %v mailboxes, truth %d", s.name, got, s.mailboxes)
	}
	return false, ""
}

func label(m *dto.Metric, name string) string {
	for _, l := range m.GetLabel() {
		if l.GetName() == name {
			return l.GetValue()
		}
	}
	return ""
}

// gaugeSum adds the values of a family's gauges, counters or untyped
// samples.
func gaugeSum(f *dto.MetricFamily) float64 {
	sum := 0.0
	for _, m := range f.GetMetric() {
		switch {
		case m.Gauge != nil:
			sum += m.GetGauge().GetValue()
		case m.Counter != nil:
			sum += m.GetCounter().GetValue()
		case m.Untyped != nil:
			sum += m.GetUntyped().GetValue()
		}
	}
	return sum
}

// baseline is a one-server exporter after a few probes: what the
// exporter costs before it holds a fleet.
type baseline struct {
	sample
	probes []result
}

func measureBaseline(ctx context.Context, o *options, f *fleet, dir string) (*baseline, error) {
	log.Printf("baseline: an exporter with 1 configured server, %d probes", o.baseline)
	p, err := startExporter(o, f, 1, dir, "baseline")
	if err != nil {
		return nil, err
	}
	defer p.Stop()
	pr := newProber(p.base, o.timeout)
	b := &baseline{}
	for range o.baseline {
		r := pr.probe(ctx, f.servers[0])
		if r.err != nil || r.wrong != "" || r.failed {
			return nil, fmt.Errorf("probe of %s: %v %s (failed %v)", f.servers[0].name, r.err, r.wrong, r.failed)
		}
		b.probes = append(b.probes, r)
	}
	if b.sample, err = takeSample(ctx, p); err != nil {
		return nil, err
	}
	log.Printf("baseline: RSS %.1f MiB, %v goroutines", float64(b.rss)/(1<<20), b.goroutines)
	return b, nil
}

// fleetResult is everything the main run measured.
type fleetResult struct {
	baseline *baseline
	started  time.Time // the exporter was ready
	samples  []sample  // every -sample while the fleet is probed
	probes   []result  // steady state
	// afterBursts is a reading once the bursts are over.
	afterBursts sample
	bursts      [][]result
	canaries    []result // per burst: the probe started after all others of its burst
	wrong       int
	errors      []string // the first few probe errors, for the report
	wall        time.Duration
}

func runFleet(ctx context.Context, o *options, f *fleet, dir string) (*fleetResult, error) {
	log.Printf("fleet: an exporter with %d configured servers, each probed every %s for %s", len(f.servers), o.interval, o.duration)
	p, err := startExporter(o, f, len(f.servers), dir, "fleet")
	if err != nil {
		return nil, err
	}
	defer p.Stop()
	res := &fleetResult{started: time.Now()}
	pr := newProber(p.base, o.timeout)
	results := make(chan result, len(f.servers))
	collected := make(chan struct{})
	var mu sync.Mutex // guards res.probes and res.wrong while the run lasts
	go func() {
		defer close(collected)
		for r := range results {
			mu.Lock()
			res.add(r)
			mu.Unlock()
		}
	}()
	end := res.started.Add(o.duration)
	var wg sync.WaitGroup
	for i, s := range f.servers {
		// Spread over the interval, as Prometheus offsets its targets.
		first := res.started.Add(time.Duration(i) * o.interval / time.Duration(len(f.servers)))
		wg.Go(func() { probeEvery(ctx, pr, s, first, o.interval, end, results) })
	}
	sampleErr := res.sampleUntil(ctx, p, o.sample, end, func() int { mu.Lock(); defer mu.Unlock(); return len(res.probes) })
	wg.Wait()
	close(results)
	<-collected
	if sampleErr != nil {
		return nil, sampleErr
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for b := range o.bursts {
		log.Printf("burst %d of %d: every server at once", b+1, o.bursts)
		res.burst(ctx, pr, f)
	}
	final, err := takeSample(ctx, p)
	if err != nil {
		return nil, err
	}
	final.probes = len(res.probes)
	res.afterBursts = final
	return res, nil
}

func (res *fleetResult) add(r result) {
	res.probes = append(res.probes, r)
	switch {
	case r.wrong != "":
		res.wrong++
		res.noteError("WRONG: " + r.wrong)
	case r.err != nil:
		res.noteError(fmt.Sprintf("%s: %v", r.server.name, r.err))
	}
}

func (res *fleetResult) noteError(e string) {
	if len(res.errors) < 10 {
		res.errors = append(res.errors, e)
		log.Print(e)
	}
}

// probeEvery probes s at first and then every interval until end. A probe
// that outlasts the interval makes the next one wait for the next tick, as
// Prometheus skips a scrape rather than run two of one target at once.
func probeEvery(ctx context.Context, pr *prober, s *server, first time.Time, interval time.Duration, end time.Time, out chan<- result) {
	next := first
	for next.Before(end) {
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Until(next)):
		}
		out <- pr.probe(ctx, s)
		for !next.After(time.Now()) {
			next = next.Add(interval)
		}
	}
}

// sampleUntil reads the exporter's resources now and every period until
// end, logging each reading.
func (res *fleetResult) sampleUntil(ctx context.Context, p *exporterProc, period time.Duration, end time.Time, probes func() int) error {
	tick := time.NewTicker(period)
	defer tick.Stop()
	for {
		s, err := takeSample(ctx, p)
		if err != nil {
			return fmt.Errorf("reading the exporter: %w", err)
		}
		s.probes = probes()
		res.samples = append(res.samples, s)
		log.Printf("%6s: %d probes, RSS %.1f MiB, heap %.1f MiB, %v goroutines, %d fds, CPU %.2fs",
			s.at.Sub(res.started).Round(time.Second), s.probes, float64(s.rss)/(1<<20), s.heap/(1<<20), s.goroutines, s.fds, s.cpu)
		if !time.Now().Before(end) {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
		}
	}
}

// burst probes every server but the first at once; the canary, the
// first server, starts once every other probe of the burst has been let
// go, so it is one probe answered while all the others are under way (and
// shares no poll with them).
func (res *fleetResult) burst(ctx context.Context, pr *prober, f *fleet) {
	others := f.servers[1:]
	out := make([]result, len(others))
	var ready, done sync.WaitGroup
	start := make(chan struct{})
	for i, s := range others {
		ready.Add(1)
		done.Go(func() {
			ready.Done()
			<-start
			out[i] = pr.probe(ctx, s)
		})
	}
	ready.Wait()
	close(start)
	canary := pr.probe(ctx, f.servers[0])
	done.Wait()
	for _, r := range append(out, canary) {
		if r.wrong != "" {
			res.wrong++
			res.noteError("WRONG: " + r.wrong)
		} else if r.err != nil {
			res.noteError(fmt.Sprintf("burst: %s: %v", r.server.name, r.err))
		}
	}
	res.bursts = append(res.bursts, out)
	res.canaries = append(res.canaries, canary)
}
