package collector

import (
	"slices"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

const namespace = "vbo365"

var (
	serverLabels = []string{"server"}
	jobLabels    = []string{"server", "job_id", "job_name"}
)

func newDesc(name, help string, labels []string, extra ...string) *prometheus.Desc {
	return prometheus.NewDesc(prometheus.BuildFQName(namespace, "", name), help, append(append([]string(nil), labels...), extra...), nil)
}

var (
	upDesc = newDesc("up",
		"1 if the exporter logged in to the VBO365 server and read its job list in the last poll, else 0.", serverLabels)
	scrapeDurationDesc = newDesc("scrape_duration_seconds",
		"Time the last poll of the VBO365 server took, all jobs included.", serverLabels)
	serverInfoDesc = newDesc("server_info",
		"The REST API version the exporter uses with the server, and the product version and installation id from /vN/ServiceInstance (empty on v1); the value is always 1.", serverLabels, "api_version", "product_version", "installation_id")
	unidentifiedJobsDesc = newDesc("jobs_unidentified",
		"Jobs the server's job list gave without an id in the last poll. They are left out of every per-job series, and their mailboxes are counted nowhere; absent when the job list could not be read.", serverLabels)
	lastPollDesc = newDesc("last_poll_timestamp_seconds",
		"Unix time at which the poll these metrics come from started. With min_interval set, scrapes within that interval reuse an earlier poll, so this can lag the scrape time.", serverLabels)
	collectorSuccessDesc = newDesc("collector_success",
		"1 if the collector read everything it exports in the last poll, else 0 (some or all of its series are then missing). Absent for a collector that is off, or that the server's REST API version lacks (docs/collectors.md).", serverLabels, "collector")
	collectorDurationDesc = newDesc("collector_duration_seconds",
		"Time the collector took in the last poll; collectors run concurrently and share the server's request slots.", serverLabels, "collector")
)

// serverDescs are the series of the server and of its collectors'
// outcomes, which every poll has; the collectors describe their own.
var serverDescs = []*prometheus.Desc{
	upDesc, scrapeDurationDesc, serverInfoDesc, lastPollDesc, unidentifiedJobsDesc,
	collectorSuccessDesc, collectorDurationDesc,
}

// metricList collects const metrics, leaving out values the API did not
// give rather than exporting them as 0.
type metricList []prometheus.Metric

func (l *metricList) gauge(d *prometheus.Desc, v float64, labels ...string) {
	*l = append(*l, prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...))
}

// timestamp adds t in Unix seconds, unless it is zero (unknown).
func (l *metricList) timestamp(d *prometheus.Desc, t time.Time, labels ...string) {
	if !t.IsZero() {
		l.gauge(d, unixSeconds(t), labels...)
	}
}

// unixSeconds is t in Unix seconds, as exact as a float64 holds it:
// UnixNano()/1e9 would turn .25 s into .2499998.
func unixSeconds(t time.Time) float64 {
	return float64(t.Unix()) + float64(t.Nanosecond())/1e9
}

// flag adds 1 or 0, unless b is nil (unknown).
func (l *metricList) flag(d *prometheus.Desc, b *bool, labels ...string) {
	if b != nil {
		l.gauge(d, boolValue(*b), labels...)
	}
}

// number adds *n, unless n is nil (unknown).
func (l *metricList) number(d *prometheus.Desc, n *int64, labels ...string) {
	if n != nil {
		l.gauge(d, float64(*n), labels...)
	}
}

// oneHot adds a series per known value, 1 for value and 0 for the others,
// so that an alert on a value that is 0 now still has data; a value the
// API documents nowhere gets a series of its own. Nothing is added for an
// empty value. The enum label is the last of d's.
func (l *metricList) oneHot(d *prometheus.Desc, known []string, value string, labels ...string) {
	if value == "" {
		return
	}
	for _, k := range known {
		l.gauge(d, boolValue(k == value), with(labels, k)...)
	}
	if !slices.Contains(known, value) {
		l.gauge(d, 1, with(labels, value)...)
	}
}

// with returns labels followed by extra, in a new slice: appending to
// labels itself could overwrite a caller's values.
func with(labels []string, extra ...string) []string {
	return append(append(make([]string, 0, len(labels)+len(extra)), labels...), extra...)
}

func boolValue(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
