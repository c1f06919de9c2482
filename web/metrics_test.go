package web

import (
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/go-kit/log"
	"github.com/prometheus/client_golang/prometheus"
	promconfig "github.com/prometheus/common/config"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/vbo365-exporter/vbo365_exporter/collector"
	"github.com/vbo365-exporter/vbo365_exporter/config"
	"github.com/vbo365-exporter/vbo365_exporter/simulator"
	"github.com/vbo365-exporter/vbo365_exporter/vboapi"
)

// TestMetricsCountThisScrapesRequests: the exporter's own request counter in
// a /metrics answer includes the requests that answer's poll made, rather
// than lagging one scrape behind.
func TestMetricsCountThisScrapesRequests(t *testing.T) {
	srv, sim := simulator.NewServer(t, simulator.Options{Jobs: 2, MailboxesPerJob: []int{30}})
	u, _ := url.Parse(srv.URL)
	own := prometheus.NewRegistry()
	e := collector.New(log.NewNopLogger(), vboapi.NewMetrics(own), "test")
	t.Cleanup(e.Close)
	opts := sim.Options()
	err := e.ApplyConfig(&config.Config{Servers: []config.Server{{
		Name: "east", URL: config.URL{URL: u}, Username: opts.Username, Password: promconfig.Secret(opts.Password),
		RequestTimeout: model.Duration(5 * time.Second), MaxConcurrentRequests: 2, PageSize: 10, MaxResponseBytes: 1 << 20,
	}}})
	if err != nil {
		t.Fatal(err)
	}
	h := metricsHandler(Options{Exporter: e, Own: own, Logger: log.NewNopLogger(), DefaultTimeout: 10 * time.Second})
	for scrape := 1; scrape <= 2; scrape++ {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
		parser := expfmt.NewTextParser(model.UTF8Validation)
		families, err := parser.TextToMetricFamilies(strings.NewReader(rec.Body.String()))
		if err != nil {
			t.Fatal(err)
		}
		shown := 0.0
		for _, m := range families["vbo365_api_requests_total"].GetMetric() {
			shown += m.GetCounter().GetValue()
		}
		gathered, err := own.Gather()
		if err != nil {
			t.Fatal(err)
		}
		sent := 0.0
		for _, f := range gathered {
			if f.GetName() == "vbo365_api_requests_total" {
				for _, m := range f.GetMetric() {
					sent += m.GetCounter().GetValue()
				}
			}
		}
		if shown == 0 || shown != sent {
			t.Fatalf("scrape %d shows %v requests, the exporter has sent %v", scrape, shown, sent)
		}
	}
}
