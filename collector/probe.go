package collector

import (
	"context"

	"github.com/prometheus/client_golang/prometheus"
)

// probe is the collector for one /probe scrape: one server's poll, turned
// into the same series a /metrics scrape emits for that server.
type probe struct {
	scrape // Describe: the same descriptors as a scrape of every server
	p      *server
}

// ProbeCollector returns a prometheus.Collector that polls the configured
// server called name under ctx when it is collected, and emits that
// server's series only, exactly as Collector does for each server. ok is
// false when no configured server has that name; nothing is polled then.
//
// The poll goes through the poller that Collector uses, so the server's
// token, paging hints and cached figures (min_interval,
// protection_interval) are shared between /probe and /metrics, and probes
// that arrive while a poll of the server is under way share that poll.
func (e *Exporter) ProbeCollector(ctx context.Context, name string) (c prometheus.Collector, ok bool) {
	p := e.pollerNamed(name)
	if p == nil {
		return nil, false
	}
	return &probe{scrape: scrape{e: e, ctx: ctx}, p: p}, true
}

// Collect implements prometheus.Collector.
func (s *probe) Collect(ch chan<- prometheus.Metric) {
	emitServer(ch, s.p.Poll(s.ctx))
}

// pollerNamed is the poller of the server called name, or nil. A linear
// search: it runs once per probe, and even a fleet of a few hundred servers
// makes it cheaper than a map that ApplyConfig would have to keep in step.
func (e *Exporter) pollerNamed(name string) *server {
	e.mu.RLock()
	defer e.mu.RUnlock()
	for _, p := range e.pollers {
		if p.Config().Name == name {
			return p
		}
	}
	return nil
}
