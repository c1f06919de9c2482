package collector

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/alecthomas/kingpin/v2"
	"github.com/go-kit/log"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	dto "github.com/prometheus/client_model/go"
	promconfig "github.com/prometheus/common/config"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/vbo365-exporter/vbo365_exporter/config"
	"github.com/vbo365-exporter/vbo365_exporter/contract"
	"github.com/vbo365-exporter/vbo365_exporter/internal/memnet"
	"github.com/vbo365-exporter/vbo365_exporter/simulator"
)

// opsExporter starts, inside a synctest bubble, a simulator serving the
// versions a server of newest serves and an exporter running c on it. With
// checked, every exchange is validated against Veeam's schema of its
// version when the test ends; tests that inject faults, which break the
// contract on purpose, pass false.
func opsExporter(t *testing.T, newest string, tenant simulator.TenantOptions, c Collectors, logger log.Logger, checked bool) (*Exporter, *simulator.Simulator) {
	t.Helper()
	return opsExporterRun(t, newest, tenant, c, logger, checked, opsRun{})
}

// opsRun is what opsExporterRun varies beyond opsExporter's arguments.
type opsRun struct {
	// release is the v8 minor release the simulator serves (its
	// V8Release) and the validator checks undeclared properties against;
	// "" is the simulator's default, 8.4.
	release string
	// server, if not nil, edits the server's configuration once the
	// simulator exists, say to pick jobs from its truth.
	server func(*config.Server, *simulator.Simulator)
}

// opsExporterRun is opsExporter with the settings of run.
func opsExporterRun(t *testing.T, newest string, tenant simulator.TenantOptions, c Collectors, logger log.Logger, checked bool,
	run opsRun) (*Exporter, *simulator.Simulator) {
	t.Helper()
	versions := v6PlusVersions[:slices.Index(v6PlusVersions, newest)+1]
	opts := simulator.Options{Username: "svc-monitor", Password: "sim-password-1", Versions: versions, Seed: 11, Tenant: tenant,
		V8Release: run.release}
	sim := simulator.New(opts)
	var n *memnet.Listener
	if checked {
		v := newReleaseValidator(t, run.release)
		// Cleanups run last in, first out: the exporter closes first,
		// then the server, then the check.
		t.Cleanup(func() { v.Check(t) })
		n = memnet.Serve(t, v.Handler(sim))
	} else {
		n = memnet.Serve(t, sim)
	}
	s := config.Server{
		Name: "east", URL: config.URL{URL: memnet.URL}, Username: opts.Username, Password: promconfig.Secret(opts.Password),
		RequestTimeout: model.Duration(5 * time.Second), MaxConcurrentRequests: 4, PageSize: 50,
		MaxResponseBytes: 64 << 20, APIVersion: "auto",
	}
	if run.server != nil {
		run.server(&s, sim)
	}
	return memExporter(t, n, logger, s, WithCollectors(c)), sim
}

// newReleaseValidator returns a contract validator whose strict check of
// /v8 uses the schema of release ("" and "8.4": the 8.4-era file).
func newReleaseValidator(t *testing.T, release string) *contract.Validator {
	t.Helper()
	v, err := contract.New()
	if err != nil {
		t.Fatal(err)
	}
	if release == simulator.V8Release80 {
		v.V8Schema = "v8.0"
	}
	return v
}

// textOf renders metrics as the text format, for CollectAndCompare:
// the expected series of a test, built from the simulator's truth with the
// collector's descriptors (so that HELP and TYPE match by construction).
func textOf(t *testing.T, ms []prometheus.Metric) string {
	t.Helper()
	reg := prometheus.NewRegistry()
	reg.MustRegister(constMetrics(ms))
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	for _, mf := range mfs {
		if _, err := expfmt.MetricFamilyToText(&b, mf); err != nil {
			t.Fatal(err)
		}
	}
	return b.String()
}

// constMetrics is an unchecked collector of fixed metrics.
type constMetrics []prometheus.Metric

func (constMetrics) Describe(chan<- *prometheus.Desc) {}

func (c constMetrics) Collect(ch chan<- prometheus.Metric) {
	for _, m := range c {
		ch <- m
	}
}

var fqNamePattern = regexp.MustCompile(`fqName: "([^"]+)"`)

// names are the metric names of descs.
func names(descs ...*prometheus.Desc) []string {
	var out []string
	for _, d := range descs {
		out = append(out, fqNamePattern.FindStringSubmatch(d.String())[1])
	}
	return out
}

// compareScraper fails t unless a scrape of e exports exactly want under
// the names of sc's descriptors, and sc succeeded.
func compareScraper(t *testing.T, e *Exporter, sc Scraper, want []prometheus.Metric) {
	t.Helper()
	c := e.Collector(context.Background())
	if err := testutil.CollectAndCompare(c, strings.NewReader(textOf(t, want)), names(sc.Descs()...)...); err != nil {
		t.Error(err)
	}
	res := e.LastResults()[0]
	if r := res.Collector(sc.Name()); r == nil || r.Err != nil || r.Skipped {
		t.Errorf("collector %s: %+v", sc.Name(), r)
	}
}

// successes maps each collector that exported vbo365_collector_success
// in a scrape of e to its value.
func successes(t *testing.T, e *Exporter) map[string]float64 {
	t.Helper()
	return successOf(gatherOnce(t, e))
}

func TestFlagDefaults(t *testing.T) {
	app := kingpin.New("test", "")
	c := RegisterFlags(app)
	if _, err := app.Parse(nil); err != nil {
		t.Fatal(err)
	}
	def := DefaultCollectors()
	for _, name := range Names() {
		if c.Enabled(name) != def.Enabled(name) {
			t.Errorf("collector %s: flag default %v, DefaultCollectors %v", name, c.Enabled(name), def.Enabled(name))
		}
	}
	if c.SessionLookback != DefaultSessionLookback || c.FailedObjects != 0 || c.ProxyExtendedView {
		t.Errorf("settings %+v", *c)
	}
	for _, name := range Names() {
		if !def.Enabled(name) {
			t.Errorf("collector %s is off by default; docs/collectors.md says every collector is on", name)
		}
	}
}

func TestFlags(t *testing.T) {
	for _, tc := range []struct {
		args    []string
		off     []string
		lookbak time.Duration
		failed  int
		ext     bool
		err     string
	}{
		{args: []string{"--no-collector.proxies", "--no-collector.sessions"}, off: []string{"proxies", "sessions"}, lookbak: 72 * time.Hour},
		{args: []string{"--no-collector.protection"}, off: []string{"protection"}, lookbak: 72 * time.Hour},
		// Protection is per job: off with jobs.
		{args: []string{"--no-collector.jobs"}, off: []string{"jobs", "protection"}, lookbak: 72 * time.Hour},
		{args: []string{"--collector.sessions.lookback=12h", "--collector.sessions.failed-objects=5", "--collector.proxies.extended-view"},
			lookbak: 12 * time.Hour, failed: 5, ext: true},
		{args: []string{"--collector.sessions.lookback=1w"}, lookbak: 7 * 24 * time.Hour},
		{args: []string{"--collector.sessions.lookback=0s"}, err: "must be positive"},
		{args: []string{"--collector.sessions.failed-objects=-1"}, err: "between 0 and"},
		{args: []string{"--collector.sessions.failed-objects=10001"}, err: "between 0 and"},
		{args: []string{"--collector.nosuch"}, err: "unknown long flag"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			app := kingpin.New("test", "")
			c := RegisterFlags(app)
			_, err := app.Parse(tc.args)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want one with %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for _, name := range Names() {
				if want := !slices.Contains(tc.off, name); c.Enabled(name) != want {
					t.Errorf("collector %s enabled %v, want %v", name, c.Enabled(name), want)
				}
			}
			if c.SessionLookback != tc.lookbak || c.FailedObjects != tc.failed || c.ProxyExtendedView != tc.ext {
				t.Errorf("settings %+v", *c)
			}
		})
	}
}

func TestOneHot(t *testing.T) {
	var l metricList
	labels := make([]string, 1, 8) // room to append in place: oneHot must not
	labels[0] = "east"
	l.oneHot(healthStatusDesc, knownHealthStatuses, "Unhealthy", labels...)
	l.oneHot(healthStatusDesc, knownHealthStatuses, "", labels...)
	want := `# HELP vbo365_health_status ` + help(healthStatusDesc) + `
# TYPE vbo365_health_status gauge
vbo365_health_status{server="east",status="Healthy"} 0
vbo365_health_status{server="east",status="Unhealthy"} 1
`
	if err := testutil.CollectAndCompare(constMetrics(l), strings.NewReader(want)); err != nil {
		t.Error(err)
	}
	l = nil
	l.oneHot(healthStatusDesc, knownHealthStatuses, "Degraded", "east")
	if len(l) != 3 {
		t.Errorf("an unknown value gives %d series, want the known two and its own", len(l))
	}
}

// TestCollectorsLint lints the whole output of every collector on each
// version, the archive repositories, an offline proxy and failed objects
// included.
func TestCollectorsLint(t *testing.T) {
	for _, v := range v6PlusVersions {
		t.Run(v, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				c := DefaultCollectors()
				c.FailedObjects, c.ProxyExtendedView = 3, true
				e, _ := opsExporter(t, v, simulator.TenantOptions{Users: 60, Ops: simulator.OpsOptions{ArchiveRepositories: 2, OfflineProxy: true}}, c, nil, true)
				if problems, err := testutil.CollectAndLint(e.Collector(context.Background())); err != nil || len(problems) > 0 {
					t.Fatalf("lint: %v %+v", err, problems)
				}
				for name, ok := range successes(t, e) {
					if ok != 1 {
						t.Errorf("collector %s failed: %v", name, e.LastResults()[0].Collector(name).Err)
					}
				}
			})
		})
	}
}

// TestSkippedCollectors: a collector that the server's API version lacks
// exports nothing, not even a success series, is not a failure, and is
// logged once, not in every poll.
func TestSkippedCollectors(t *testing.T) {
	for _, tc := range []struct {
		version string
		skipped []string
	}{
		{"v6", []string{"health"}},
		{"v7", []string{"health"}},
		{"v8", nil},
	} {
		t.Run(tc.version, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				var buf bytes.Buffer
				logger := log.NewLogfmtLogger(log.NewSyncWriter(&buf))
				e, _ := opsExporter(t, tc.version, simulator.TenantOptions{Users: 30}, DefaultCollectors(), logger, true)
				for range 3 {
					got := successes(t, e)
					for _, name := range Names() {
						v, present := got[name]
						if slices.Contains(tc.skipped, name) {
							if present {
								t.Errorf("skipped collector %s exports vbo365_collector_success %v", name, v)
							}
						} else if v != 1 {
							t.Errorf("collector %s: success %v (present %v)", name, v, present)
						}
					}
				}
				for _, name := range tc.skipped {
					line := fmt.Sprintf("collector=%s msg=\"collector skipped", name)
					if n := strings.Count(buf.String(), line); n != 1 {
						t.Errorf("%d log lines for skipping %s in 3 polls, want 1:\n%s", n, name, buf.String())
					}
				}
			})
		})
	}
}

// TestV1SkipsOperations: v1 has none of the operations resources; its
// polls send no request for them and report jobs and protection only.
func TestV1SkipsOperations(t *testing.T) {
	s, sim := simServer(t, "east", simulator.Options{Jobs: 2, MailboxesPerJob: []int{20}})
	e := newTestExporter(t, s)
	got := successes(t, e)
	if len(got) != 2 || got[jobsCollector] != 1 || got[protectionCollector] != 1 {
		t.Fatalf("successes %v, want jobs and protection only", got)
	}
	for _, ep := range simulator.Endpoints {
		if n := sim.Requests(ep); n > 0 && !slices.Contains([]string{simulator.EndpointToken, simulator.EndpointJobs, simulator.EndpointMailboxes}, ep) {
			t.Errorf("%d requests for %s: a skipped collector sent them", n, ep)
		}
	}
}

// gatherOnce scrapes e once through a pedantic registry, which also checks
// the descriptors the metrics carry.
func gatherOnce(t *testing.T, e *Exporter) []*dto.MetricFamily {
	t.Helper()
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(e.Collector(context.Background()))
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	return mfs
}
