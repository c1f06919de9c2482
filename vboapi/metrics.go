package vboapi

import (
	"github.com/prometheus/client_golang/prometheus"
)

// Metrics instruments the client's own requests. They live on the exporter's
// registry, not on the per-scrape one, because they count across scrapes.
type Metrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	retries  *prometheus.CounterVec
}

// NewMetrics creates the request metrics and registers them with reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "vbo365_api_requests_total",
			Help: "Requests sent to the VBO365 REST API, by server, route template and HTTP status code (\"error\" when no response arrived).",
		}, []string{"server", "endpoint", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "vbo365_api_request_duration_seconds",
			Help:    "Time from sending a VBO365 REST API request to having read its whole response body.",
			Buckets: []float64{.01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}, []string{"server", "endpoint"}),
		retries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "vbo365_api_retries_total",
			Help: "VBO365 REST API requests sent again, by server, route template and reason (the status code, \"connection\" or \"unauthorized\").",
		}, []string{"server", "endpoint", "reason"}),
	}
	if reg != nil {
		reg.MustRegister(m.requests, m.duration, m.retries)
	}
	return m
}

// Forget removes the series of a server that is no longer configured.
func (m *Metrics) Forget(server string) {
	if m == nil {
		return
	}
	labels := prometheus.Labels{"server": server}
	m.requests.DeletePartialMatch(labels)
	m.duration.DeletePartialMatch(labels)
	m.retries.DeletePartialMatch(labels)
}

func (m *Metrics) observe(server, endpoint, code string, seconds float64) {
	if m == nil {
		return
	}
	m.requests.WithLabelValues(server, endpoint, code).Inc()
	m.duration.WithLabelValues(server, endpoint).Observe(seconds)
}

func (m *Metrics) retried(server, endpoint, reason string) {
	if m == nil {
		return
	}
	m.retries.WithLabelValues(server, endpoint, reason).Inc()
}
