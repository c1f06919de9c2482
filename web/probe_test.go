package web

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-kit/log"
	"github.com/prometheus/client_golang/prometheus"
	promconfig "github.com/prometheus/common/config"
	"github.com/prometheus/common/model"

	"github.com/vbo365-exporter/vbo365_exporter/collector"
	"github.com/vbo365-exporter/vbo365_exporter/config"
	"github.com/vbo365-exporter/vbo365_exporter/simulator"
	"github.com/vbo365-exporter/vbo365_exporter/test/exportertest"
	"github.com/vbo365-exporter/vbo365_exporter/vboapi"
)

func TestProbeTarget(t *testing.T) {
	for _, c := range []struct {
		query, want, err string
	}{
		{query: "target=east", want: "east"},
		{query: "target=west%202", want: "west 2"},
		{query: "target=n%C3%B6rth&module=x", want: "nörth"},
		{query: "target=", want: ""}, // an empty name, which no server has
		{query: "", err: "missing target"},
		{query: "server=east", err: "missing target"},
		{query: "target=a&target=b", err: "2 target parameters"},
		{query: "target=%zz", err: "malformed query"},
	} {
		got, err := probeTarget(c.query)
		switch {
		case c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)):
			t.Errorf("probeTarget(%q): %q, %v; want an error with %q", c.query, got, err, c.err)
		case c.err == "" && (err != nil || got != c.want):
			t.Errorf("probeTarget(%q): %q, %v; want %q", c.query, got, err, c.want)
		}
	}
}

// probeFixture is an exporter of two simulated servers, east and west,
// with its own registry as main builds it.
type probeFixture struct {
	exporter *collector.Exporter
	own      *prometheus.Registry
	sims     map[string]*simulator.Simulator
	servers  map[string]config.Server
	password string
}

func newProbeFixture(t *testing.T, extra ...config.Server) *probeFixture {
	t.Helper()
	f := &probeFixture{own: prometheus.NewRegistry(), sims: map[string]*simulator.Simulator{},
		servers: map[string]config.Server{}, password: "probe-password-" + exportertest.RandomHex(t, 8)}
	var servers []config.Server
	for i, name := range []string{"east", "west"} {
		srv, sim := simulator.NewServer(t, simulator.Options{Username: "svc", Password: f.password, Jobs: 2, MailboxesPerJob: []int{20 + i}, Seed: int64(i + 1)})
		u, err := url.Parse(srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		s := testServer(name, u)
		s.Password = promconfig.Secret(f.password)
		f.sims[name], f.servers[name] = sim, s
		servers = append(servers, s)
	}
	f.exporter = collector.New(log.NewNopLogger(), vboapi.NewMetrics(f.own), "test")
	t.Cleanup(f.exporter.Close)
	if err := f.exporter.ApplyConfig(&config.Config{Servers: append(servers, extra...)}); err != nil {
		t.Fatal(err)
	}
	return f
}

func testServer(name string, u *url.URL) config.Server {
	return config.Server{
		Name: name, URL: config.URL{URL: u}, Username: "svc", Password: "unused",
		RequestTimeout: model.Duration(5 * time.Second), MaxConcurrentRequests: 2, PageSize: 10,
		MaxResponseBytes: 1 << 20, APIVersion: "v1",
	}
}

// serve builds the endpoints as main does.
func (f *probeFixture) serve(t *testing.T, servers bool, fallback time.Duration) http.Handler {
	t.Helper()
	h, err := New(Options{Exporter: f.exporter, Own: f.own, Logger: log.NewNopLogger(), MetricsPath: "/metrics", Servers: servers,
		Config: func() *config.Config { return nil }, TimeoutOffset: 0, DefaultTimeout: fallback})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func get(h http.Handler, target string, header http.Header) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodGet, target, nil)
	for k, v := range header {
		req.Header[k] = v
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func (f *probeFixture) requests() int64 {
	var n int64
	for _, sim := range f.sims {
		n += sim.Requests(simulator.EndpointToken) + sim.Requests(simulator.EndpointJobs)
	}
	return n
}

// TestProbeAnswersOneServer: /probe?target=west has west's series, none of
// east's and none of the exporter's own metrics, which stay on /metrics.
func TestProbeAnswersOneServer(t *testing.T) {
	f := newProbeFixture(t)
	h := f.serve(t, true, 10*time.Second)
	rec := get(h, "/probe?target=west", nil)
	if rec.Code != http.StatusOK {
		t.Fatalf("probe of west: %d %s", rec.Code, rec.Body)
	}
	s := exportertest.ParseMetrics(t, rec.Body.String())
	if v, ok := s.Value(t, "vbo365_up", map[string]string{"server": "west"}); !ok || v != 1 {
		t.Errorf("vbo365_up{server=\"west\"} = %v (present %v), want 1", v, ok)
	}
	exportertest.CheckJobs(t, s, "west", f.sims["west"].Truth())
	for name, fam := range s.Families {
		if !strings.HasPrefix(name, "vbo365_") || strings.HasPrefix(name, "vbo365_api_") || strings.HasPrefix(name, "vbo365_exporter_") {
			t.Errorf("the probe answer has %s, which belongs on /metrics", name)
		}
		for _, m := range fam.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "server" && l.GetValue() != "west" {
					t.Errorf("the probe of west has a series of server %q: %s", l.GetValue(), name)
				}
			}
		}
	}
	if n := f.sims["east"].Requests(simulator.EndpointJobs); n != 0 {
		t.Errorf("the probe of west polled east (%d job lists)", n)
	}
	exportertest.AssertNoSecrets(t, "the probe answer", rec.Body.String(), []string{f.password})
}

// TestProbeRefusesWhatIsNotAServerName: a missing, unknown or URL target
// is a 400 that says why, and nothing is connected to: not the configured
// servers, and above all not an address the request names, which would
// otherwise receive the configured credentials.
func TestProbeRefusesWhatIsNotAServerName(t *testing.T) {
	var trapped atomic.Int64
	trap := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { trapped.Add(1) }))
	t.Cleanup(trap.Close)
	f := newProbeFixture(t)
	h := f.serve(t, true, 10*time.Second)
	east := f.servers["east"].URL.String()
	for _, c := range []struct{ path, want string }{
		{"/probe", "missing target parameter"},
		{"/probe?module=east", "missing target parameter"},
		{"/probe?target=east&target=west", "exactly one"},
		{"/probe?target=nope", `unknown target "nope"`},
		{"/probe?target=East", `unknown target "East"`},
		{"/probe?target=" + url.QueryEscape(trap.URL), "not an address"},
		{"/probe?target=" + url.QueryEscape(east), "not an address"},
		{"/probe?target=" + url.QueryEscape(strings.TrimPrefix(trap.URL, "http://")), "unknown target"},
		{"/probe?target=" + url.QueryEscape("x\ny=1\x1b[2J"), `unknown target "x\ny=1\x1b[2J"`},
		{"/probe?target=" + strings.Repeat("a", 1000), "(1000 bytes)"},
	} {
		rec := get(h, c.path, nil)
		body := rec.Body.String()
		if rec.Code != http.StatusBadRequest || !strings.Contains(body, c.want) {
			t.Errorf("GET %.80s: %d %q, want 400 with %q", c.path, rec.Code, body, c.want)
		}
		if strings.ContainsAny(body, "\x1b") || strings.Count(body, "\n") > 1 {
			t.Errorf("GET %.80s: the answer repeats control characters: %q", c.path, body)
		}
		exportertest.AssertNoSecrets(t, "a refused probe's answer", body, []string{f.password})
	}
	if n := trapped.Load(); n != 0 {
		t.Errorf("the exporter sent %d requests to an address a probe named", n)
	}
	if n := f.requests(); n != 0 {
		t.Errorf("refused probes sent %d requests to the configured servers", n)
	}
}

// TestProbeHonoursTheScrapeTimeout: a probe of a server that never
// answers ends at the deadline Prometheus' header sets. The request
// timeout and the fallback are an hour, so only the header can end it;
// without it the test would hang rather than pass.
func TestProbeHonoursTheScrapeTimeout(t *testing.T) {
	hole := exportertest.SilentServer(t)
	silent := testServer("silent", &url.URL{Scheme: "http", Host: hole})
	silent.RequestTimeout = model.Duration(time.Hour)
	f := newProbeFixture(t, silent)
	rec := get(f.serve(t, true, time.Hour), "/probe?target=silent", http.Header{"X-Prometheus-Scrape-Timeout-Seconds": {"0.3"}})
	if rec.Code != http.StatusOK {
		t.Fatalf("probe of silent: %d %s", rec.Code, rec.Body)
	}
	s := exportertest.ParseMetrics(t, rec.Body.String())
	if v, ok := s.Value(t, "vbo365_up", map[string]string{"server": "silent"}); !ok || v != 0 {
		t.Errorf("vbo365_up{server=\"silent\"} = %v (present %v), want 0", v, ok)
	}
	// The other servers are no part of it.
	if got := s.Samples("vbo365_up", nil); len(got) != 1 {
		t.Errorf("vbo365_up series: %v, want silent's only", got)
	}
}

// TestMetricsWithoutServers: --no-metrics.servers leaves /metrics with the
// exporter's own metrics, the API request counters of earlier probes
// included, and polls nothing.
func TestMetricsWithoutServers(t *testing.T) {
	f := newProbeFixture(t)
	h := f.serve(t, false, 10*time.Second)
	if rec := get(h, "/probe?target=east", nil); rec.Code != http.StatusOK {
		t.Fatalf("probe of east: %d %s", rec.Code, rec.Body)
	}
	before := f.requests()
	rec := get(h, "/metrics", nil)
	if rec.Code != http.StatusOK {
		t.Fatalf("/metrics: %d %s", rec.Code, rec.Body)
	}
	if n := f.requests(); n != before {
		t.Errorf("/metrics without servers sent %d requests", n-before)
	}
	s := exportertest.ParseMetrics(t, rec.Body.String())
	if got := s.Samples("vbo365_up", nil); len(got) != 0 {
		t.Errorf("/metrics without servers has vbo365_up: %v", got)
	}
	if got := s.Samples("vbo365_api_requests_total", map[string]string{"server": "east"}); len(got) == 0 {
		t.Errorf("/metrics without servers lacks the probe's vbo365_api_requests_total")
	}

	// The default serves every server, as before.
	s = exportertest.ParseMetrics(t, get(f.serve(t, true, 10*time.Second), "/metrics", nil).Body.String())
	if got := s.Samples("vbo365_up", nil); len(got) != 2 {
		t.Errorf("/metrics with servers: vbo365_up %v, want east and west", got)
	}
}

// TestScrapePathsDoNotCollide: a --web.telemetry-path on /probe or /sd is
// refused with an error instead of the panic ServeMux raises.
func TestScrapePathsDoNotCollide(t *testing.T) {
	for _, path := range []string{probePath, sdPath} {
		_, err := New(Options{MetricsPath: path, Logger: log.NewNopLogger(), Config: func() *config.Config { return nil }})
		if err == nil || !strings.Contains(err.Error(), path) || !errors.Is(err, ErrPathTaken) {
			t.Errorf("--web.telemetry-path=%s: %v, want ErrPathTaken naming it", path, err)
		}
	}
}
