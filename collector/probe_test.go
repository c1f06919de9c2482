package collector

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/vbo365-exporter/vbo365_exporter/config"
	"github.com/vbo365-exporter/vbo365_exporter/internal/memnet"
	"github.com/vbo365-exporter/vbo365_exporter/simulator"
)

// probeText gathers c on a pedantic registry and renders, in the text
// format, the series whose server label keep accepts (every series when
// keep is nil). It returns an error rather than failing the test, so that
// it can run outside the test goroutine.
func probeText(c prometheus.Collector, keep func(server string) bool) (string, error) {
	reg := prometheus.NewPedanticRegistry()
	if err := reg.Register(c); err != nil {
		return "", err
	}
	families, err := reg.Gather()
	if err != nil {
		return "", err
	}
	var b bytes.Buffer
	for _, f := range families {
		var kept []*dto.Metric
		for _, m := range f.GetMetric() {
			if keep == nil || keep(probeServerLabel(m)) {
				kept = append(kept, m)
			}
		}
		if len(kept) == 0 {
			continue
		}
		f.Metric = kept
		if _, err := expfmt.MetricFamilyToText(&b, f); err != nil {
			return "", err
		}
	}
	return b.String(), nil
}

func probeServerLabel(m *dto.Metric) string {
	for _, l := range m.GetLabel() {
		if l.GetName() == "server" {
			return l.GetValue()
		}
	}
	return ""
}

func onlyServer(name string) func(string) bool { return func(s string) bool { return s == name } }

// TestProbeEmitsWhatMetricsEmitsForTheServer: a probe of one server gives
// exactly that server's part of a scrape of every server, names, labels,
// help texts and values alike. With min_interval both read the same poll,
// so even the timestamps and durations agree.
func TestProbeEmitsWhatMetricsEmitsForTheServer(t *testing.T) {
	east, _ := simServer(t, "east", simulator.Options{Jobs: 2, MailboxesPerJob: []int{40}, Seed: 3})
	west, westSim := simServer(t, "west", simulator.Options{Jobs: 3, MailboxesPerJob: []int{25, 0, 7}, Seed: 4})
	for _, s := range []*config.Server{&east, &west} {
		s.MinInterval = model.Duration(time.Hour)
		s.UnprotectedMailboxSeries = 2
	}
	e := newTestExporter(t, east, west)
	ctx := context.Background()

	all, err := probeText(e.Collector(ctx), onlyServer("west"))
	if err != nil {
		t.Fatal(err)
	}
	c, ok := e.ProbeCollector(ctx, "west")
	if !ok {
		t.Fatal("no probe collector for the configured server west")
	}
	probed, err := probeText(c, nil)
	if err != nil {
		t.Fatal(err)
	}
	if probed != all {
		t.Fatalf("the probe of west differs from west's part of /metrics:\n--- probe\n%s\n--- metrics\n%s", probed, all)
	}
	// The comparison must have had something to compare.
	for _, tr := range westSim.Truth() {
		want := fmt.Sprintf(`vbo365_job_mailboxes{job_id="%s",job_name="%s",server="west"} %d`, tr.ID, tr.Name, tr.Mailboxes)
		if !bytes.Contains([]byte(probed), []byte(want)) {
			t.Errorf("the probe lacks %s", want)
		}
	}
	if problems, err := testutil.CollectAndLint(c); err != nil || len(problems) > 0 {
		t.Fatalf("lint: %v %+v", err, problems)
	}
}

// TestProbeUnknownServer: a name that is not configured, or no longer is,
// gets no collector, so a caller can refuse it before anything is polled.
func TestProbeUnknownServer(t *testing.T) {
	east, eastSim := simServer(t, "east", simulator.Options{Jobs: 1})
	west, _ := simServer(t, "west", simulator.Options{Jobs: 1})
	e := newTestExporter(t, east, west)
	for _, name := range []string{"", "East", "east ", "nope", east.URL.String(), east.URL.Host} {
		if _, ok := e.ProbeCollector(context.Background(), name); ok {
			t.Errorf("ProbeCollector(%q) found a server; only configured names may be probed", name)
		}
	}
	if n := eastSim.Requests(simulator.EndpointToken) + eastSim.Requests(simulator.EndpointJobs); n != 0 {
		t.Errorf("refused probes sent %d requests", n)
	}
	if err := e.ApplyConfig(&config.Config{Servers: []config.Server{east}}); err != nil {
		t.Fatal(err)
	}
	if _, ok := e.ProbeCollector(context.Background(), "west"); ok {
		t.Error("west is still probed after a reload removed it")
	}
	if _, ok := e.ProbeCollector(context.Background(), "east"); !ok {
		t.Error("east is not probed after a reload that kept it")
	}
}

// TestProbeKeepsTheServersToken: probes and /metrics scrapes use one
// client per server, so the token of the first poll serves the later ones
// whichever endpoint they come from.
func TestProbeKeepsTheServersToken(t *testing.T) {
	east, eastSim := simServer(t, "east", simulator.Options{Jobs: 2, MailboxesPerJob: []int{10}})
	west, westSim := simServer(t, "west", simulator.Options{Jobs: 1})
	e := newTestExporter(t, east, west)
	ctx := context.Background()
	if _, err := probeText(e.Collector(ctx), nil); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		c, _ := e.ProbeCollector(ctx, "east")
		out, err := probeText(c, nil)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains([]byte(out), []byte(`vbo365_up{server="east"} 1`)) {
			t.Fatalf("probe of east not up:\n%s", out)
		}
	}
	if n := eastSim.Requests(simulator.EndpointToken); n != 1 {
		t.Errorf("east logged in %d times over a scrape and 3 probes, want 1", n)
	}
	// Without min_interval every probe polls afresh: 1 + 3 job lists.
	if n := eastSim.Requests(simulator.EndpointJobs); n != 4 {
		t.Errorf("east served %d job lists, want 4", n)
	}
	if n := westSim.Requests(simulator.EndpointJobs); n != 1 {
		t.Errorf("probes of east polled west too (%d job lists, want the scrape's 1)", n)
	}
}

// TestProbeOfAServerThatIsDown: the probe answers with the server's
// vbo365_up 0 and its failed jobs, never with another server's series.
func TestProbeOfAServerThatIsDown(t *testing.T) {
	good, _ := simServer(t, "good", simulator.Options{Jobs: 1})
	bad, _ := simServer(t, "bad", simulator.Options{Jobs: 1})
	bad.Password = "wrong"
	bad.Jobs = []config.Job{{ID: "00000000-0000-0000-0000-00000000beef", Name: "Payroll"}}
	e := newTestExporter(t, good, bad)
	c, ok := e.ProbeCollector(context.Background(), "bad")
	if !ok {
		t.Fatal("no probe collector for bad")
	}
	want := fmt.Sprintf(`
# HELP vbo365_up %s
# TYPE vbo365_up gauge
vbo365_up{server="bad"} 0
# HELP vbo365_job_scrape_success %s
# TYPE vbo365_job_scrape_success gauge
vbo365_job_scrape_success{job_id="00000000-0000-0000-0000-00000000beef",job_name="Payroll",server="bad"} 0
`, help(upDesc), help(jobSuccessDesc))
	if err := testutil.CollectAndCompare(c, bytes.NewBufferString(want), "vbo365_up", "vbo365_job_scrape_success", "vbo365_job_mailboxes"); err != nil {
		t.Fatal(err)
	}
}

// TestConcurrentProbesShareOnePoll runs in a synctest bubble, with the
// simulator on a memNet behind a gate that holds the job list request.
// Once every probe (and a /metrics scrape) is durably blocked, which
// synctest.Wait establishes without any timing, one is inside the poll
// and the others wait for it; releasing the gate must then cost exactly
// one poll's requests, and all of them must show the same numbers.
func TestConcurrentProbesShareOnePoll(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s, sim, _ := memSimServer(t, "east", simulator.Options{Jobs: 2, MailboxesPerJob: []int{30, 5}})
		release := make(chan struct{})
		n := memnet.Serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/v1/Jobs" {
				<-release
			}
			sim.ServeHTTP(w, r)
		}))
		e := memExporter(t, n, nil, s)

		ctx := context.Background()
		const probes = 6
		collectors := []prometheus.Collector{e.Collector(ctx)} // a /metrics scrape joins in too
		for range probes {
			c, ok := e.ProbeCollector(ctx, "east")
			if !ok {
				t.Fatal("no probe collector for east")
			}
			collectors = append(collectors, c)
		}
		outs := make([]string, len(collectors))
		errs := make([]error, len(collectors))
		var wg sync.WaitGroup
		for i, c := range collectors {
			wg.Go(func() { outs[i], errs[i] = probeText(c, nil) })
		}
		synctest.Wait()
		if got := sim.Requests(simulator.EndpointJobs); got != 0 {
			t.Fatalf("%d job lists served while the gate was shut", got)
		}
		close(release)
		wg.Wait()

		for i, err := range errs {
			if err != nil {
				t.Fatalf("collector %d: %v", i, err)
			}
		}
		if got := sim.Requests(simulator.EndpointJobs); got != 1 {
			t.Errorf("%d job list requests for %d concurrent probes and a scrape, want 1 (one shared poll)", got, probes)
		}
		if got := sim.Requests(simulator.EndpointToken); got != 1 {
			t.Errorf("%d logins, want 1", got)
		}
		for i := range outs {
			if outs[i] != outs[0] {
				t.Errorf("collector %d saw another poll than collector 0:\n%s\n---\n%s", i, outs[i], outs[0])
			}
		}
		if !bytes.Contains([]byte(outs[0]), []byte(`vbo365_up{server="east"} 1`)) {
			t.Errorf("the shared poll was not up:\n%s", outs[0])
		}
	})
}
