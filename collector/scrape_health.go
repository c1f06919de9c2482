package collector

import (
	"context"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/vbo365-exporter/vbo365_exporter/vboapi"
)

var (
	healthStatusDesc = newDesc("health_status",
		"v8: 1 for the server's overall health (Healthy or Unhealthy, GET /v8/Health), 0 for the other; an answer of HTTP 503 counts as Unhealthy.", serverLabels, "status")
	healthEntryStatusDesc = newDesc("health_entry_status",
		"v8: 1 for the health of each component the server checks (entry: NATS, PostgreSQL, ...), 0 for the other status; absent when the server answered HTTP 503.", serverLabels, "entry", "status")
)

var knownHealthStatuses = []string{"Healthy", "Unhealthy"}

// healthScraper reads the v8 health report: one anonymous request.
type healthScraper struct{}

func (healthScraper) Name() string { return "health" }

func (healthScraper) Help() string {
	return "v8 only: the server's overall health and that of each component it checks (its NATS server and PostgreSQL configuration database)."
}

func (healthScraper) Descs() []*prometheus.Desc {
	return []*prometheus.Desc{healthStatusDesc, healthEntryStatusDesc}
}

func (healthScraper) Scrape(ctx context.Context, t *Target) ([]prometheus.Metric, error) {
	h, err := t.Client.Health(ctx)
	var out metricList
	// ASP.NET health checks, which the endpoint is, answer 503 when
	// unhealthy; the client keeps no body then, so the entries are unknown.
	if vboapi.StatusCode(err) == http.StatusServiceUnavailable {
		out.oneHot(healthStatusDesc, knownHealthStatuses, "Unhealthy", t.Server)
		return out, nil
	}
	if err != nil {
		return nil, err
	}
	out.oneHot(healthStatusDesc, knownHealthStatuses, h.Status, t.Server)
	for _, e := range h.Entries {
		out.oneHot(healthEntryStatusDesc, knownHealthStatuses, e.Status, t.Server, e.Name)
	}
	return out, nil
}
