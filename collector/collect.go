package collector

import (
	"context"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/vbo365-exporter/vbo365_exporter/poll"
)

// scrape is the collector for one scrape: it polls under the scrape's
// context and turns the results into const metrics, so that a job or server
// that disappears leaves no stale series behind.
type scrape struct {
	e   *Exporter
	ctx context.Context
}

// Collector returns a prometheus.Collector that polls every server under ctx
// when it is collected. Register it on a registry made for this scrape.
func (e *Exporter) Collector(ctx context.Context) prometheus.Collector {
	return &scrape{e: e, ctx: ctx}
}

// Describe implements prometheus.Collector.
func (s *scrape) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range serverDescs {
		ch <- d
	}
	for _, sc := range scrapers {
		for _, d := range sc.new(Collectors{}).Descs() {
			ch <- d
		}
	}
}

// Collect implements prometheus.Collector.
func (s *scrape) Collect(ch chan<- prometheus.Metric) {
	for _, r := range s.e.Poll(s.ctx) {
		emitServer(ch, r)
	}
}

func gauge(ch chan<- prometheus.Metric, d *prometheus.Desc, v float64, labels ...string) {
	ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...)
}

// emitServer exports the server's own series, then each collector's
// outcome and series; a skipped collector exports nothing.
func emitServer(ch chan<- prometheus.Metric, r *poll.ServerResult) {
	gauge(ch, upDesc, boolValue(r.Up), r.Server)
	gauge(ch, scrapeDurationDesc, r.Duration.Seconds(), r.Server)
	if r.APIVersion != "" {
		gauge(ch, serverInfoDesc, 1, r.Server, string(r.APIVersion), r.Service.Version, r.Service.InstallationID)
	}
	gauge(ch, lastPollDesc, unixSeconds(r.Start), r.Server)
	if r.Up {
		gauge(ch, unidentifiedJobsDesc, float64(r.UnidentifiedJobs), r.Server)
	}
	for _, c := range r.Collectors {
		if c.Skipped {
			continue
		}
		gauge(ch, collectorSuccessDesc, boolValue(c.Err == nil), r.Server, c.Name)
		gauge(ch, collectorDurationDesc, c.Duration.Seconds(), r.Server, c.Name)
		for _, m := range c.Metrics {
			ch <- m
		}
	}
}
