package collector

import (
	"context"
	"fmt"
	"math"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/go-kit/log"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	promconfig "github.com/prometheus/common/config"
	"github.com/prometheus/common/model"

	"github.com/vbo365-exporter/vbo365_exporter/config"
	"github.com/vbo365-exporter/vbo365_exporter/poll"
	"github.com/vbo365-exporter/vbo365_exporter/simulator"
)

// simServer returns a config entry for a simulator started with opts.
func simServer(t *testing.T, name string, opts simulator.Options) (config.Server, *simulator.Simulator) {
	t.Helper()
	opts.Username, opts.Password = "svc-monitor", "sim-password-1"
	srv, sim := simulator.NewServer(t, opts)
	u, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	return config.Server{
		Name: name, URL: config.URL{URL: u}, Username: opts.Username, Password: promconfig.Secret(opts.Password),
		RequestTimeout: model.Duration(5 * time.Second), MaxConcurrentRequests: 4, PageSize: 1000,
		MaxResponseBytes: 64 << 20, APIVersion: "v1",
	}, sim
}

func newTestExporter(t *testing.T, servers ...config.Server) *Exporter {
	t.Helper()
	e := New(log.NewNopLogger(), nil, "test")
	if err := e.ApplyConfig(&config.Config{Servers: servers}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.Close)
	return e
}

// countMetrics are the series whose values do not depend on timing.
var countMetrics = []string{
	"vbo365_up", "vbo365_job_scrape_success", "vbo365_job_mailboxes", "vbo365_job_mailboxes_backed_up",
	"vbo365_job_backed_up_ratio", "vbo365_job_enabled", "vbo365_job_last_status", "vbo365_job_info",
	"vbo365_server_info",
}

// TestCollectAgainstSimulator compares the exposition with a fixture written
// from the simulator's seeded data set (seed 1, 4 jobs), and cross-checks
// the counts with the simulator's own ground truth.
func TestCollectAgainstSimulator(t *testing.T) {
	for _, conc := range []int{1, 16} {
		t.Run(fmt.Sprintf("concurrency=%d", conc), func(t *testing.T) {
			s, sim := simServer(t, "east", simulator.Options{Jobs: 4, MailboxesPerJob: []int{2500, 30, 0, 999}, BackedUpFraction: 0.9, Seed: 1})
			s.MaxConcurrentRequests, s.PageSize = conc, 100
			e := newTestExporter(t, s)
			c := e.Collector(context.Background())

			want := goldenSimulator(t, sim)
			if err := testutil.CollectAndCompare(c, strings.NewReader(want), countMetrics...); err != nil {
				t.Fatal(err)
			}
			if problems, err := testutil.CollectAndLint(c); err != nil || len(problems) > 0 {
				t.Fatalf("lint: %v %+v", err, problems)
			}
		})
	}
}

// goldenSimulator renders the expected count series for the simulator's
// jobs. The per-job numbers are fixed by the seed; the truth check below
// guards against the fixture and the simulator drifting apart.
func goldenSimulator(t *testing.T, sim *simulator.Simulator) string {
	t.Helper()
	truth := sim.Truth()
	fixed := []struct{ mailboxes, backedUp int }{{2500, 2271}, {30, 30}, {0, 0}, {999, 916}}
	if len(truth) != len(fixed) {
		t.Fatalf("simulator has %d jobs", len(truth))
	}
	var b strings.Builder
	section := func(name, typ, help string, rows func(i int, tr simulator.JobTruth) string) {
		fmt.Fprintf(&b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, typ)
		var lines []string
		for i, tr := range truth {
			lines = append(lines, strings.Split(strings.TrimSuffix(rows(i, tr), "\n"), "\n")...)
		}
		sort.Strings(lines) // the exposition sorts series by label values
		b.WriteString(strings.Join(lines, "\n") + "\n")
	}
	labels := func(tr simulator.JobTruth) string {
		return fmt.Sprintf(`job_id="%s",job_name="%s",server="east"`, tr.ID, tr.Name)
	}
	for i, tr := range truth {
		if tr.Mailboxes != fixed[i].mailboxes || tr.BackedUp != fixed[i].backedUp {
			t.Fatalf("simulator job %d: %d/%d, fixture says %d/%d", i, tr.BackedUp, tr.Mailboxes, fixed[i].backedUp, fixed[i].mailboxes)
		}
	}
	fmt.Fprintf(&b, "# HELP vbo365_up %s\n# TYPE vbo365_up gauge\nvbo365_up{server=\"east\"} 1\n", help(upDesc))
	fmt.Fprintf(&b, "# HELP vbo365_server_info %s\n# TYPE vbo365_server_info gauge\n"+
		"vbo365_server_info{api_version=\"v1\",installation_id=\"\",product_version=\"\",server=\"east\"} 1\n", help(serverInfoDesc))
	section("vbo365_job_scrape_success", "gauge", help(jobSuccessDesc), func(_ int, tr simulator.JobTruth) string {
		return fmt.Sprintf("vbo365_job_scrape_success{%s} 1\n", labels(tr))
	})
	section("vbo365_job_mailboxes", "gauge", help(jobMailboxesDesc), func(i int, tr simulator.JobTruth) string {
		return fmt.Sprintf("vbo365_job_mailboxes{%s} %d\n", labels(tr), fixed[i].mailboxes)
	})
	section("vbo365_job_mailboxes_backed_up", "gauge", help(jobBackedUpDesc), func(i int, tr simulator.JobTruth) string {
		return fmt.Sprintf("vbo365_job_mailboxes_backed_up{%s} %d\n", labels(tr), fixed[i].backedUp)
	})
	section("vbo365_job_backed_up_ratio", "gauge", help(jobRatioDesc), func(i int, tr simulator.JobTruth) string {
		ratio := math.NaN()
		if fixed[i].mailboxes > 0 {
			ratio = float64(fixed[i].backedUp) / float64(fixed[i].mailboxes)
		}
		return fmt.Sprintf("vbo365_job_backed_up_ratio{%s} %v\n", labels(tr), ratio)
	})
	section("vbo365_job_enabled", "gauge", help(jobEnabledDesc), func(_ int, tr simulator.JobTruth) string {
		return fmt.Sprintf("vbo365_job_enabled{%s} %d\n", labels(tr), b2i(tr.Enabled))
	})
	section("vbo365_job_last_status", "gauge", help(jobLastStatusDesc), func(_ int, tr simulator.JobTruth) string {
		var rows strings.Builder
		for _, st := range knownStatuses {
			fmt.Fprintf(&rows, "vbo365_job_last_status{%s,status=%q} %d\n", labels(tr), st, b2i(st == tr.LastStatus))
		}
		return rows.String()
	})
	section("vbo365_job_info", "gauge", help(jobInfoDesc), func(_ int, tr simulator.JobTruth) string {
		return fmt.Sprintf("vbo365_job_info{all_mailboxes=%q,backup_type=\"\",job_id=%q,job_name=%q,organization_id=%q,repository_id=\"\",server=\"east\"} 1\n", fmt.Sprint(tr.AllMailboxes), tr.ID, tr.Name, tr.OrganizationID)
	})
	return b.String()
}

var helpPattern = regexp.MustCompile(`help: "(.*?)", (unit|constLabels):`)

func help(d *prometheus.Desc) string {
	return strings.ReplaceAll(helpPattern.FindStringSubmatch(d.String())[1], `\"`, `"`)
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func TestJobTimestampsMatchTheAPI(t *testing.T) {
	s, sim := simServer(t, "east", simulator.Options{Jobs: 4, MailboxesPerJob: []int{5}})
	e := newTestExporter(t, s)
	res := e.Poll(context.Background())[0]
	truth := sim.Truth()
	for i, j := range res.Jobs {
		if !j.Job.LastRun.Equal(truth[i].LastRun) || !j.Job.NextRun.Equal(truth[i].NextRun) {
			t.Errorf("job %d: last %v next %v, want %v %v", i, j.Job.LastRun, j.Job.NextRun, truth[i].LastRun, truth[i].NextRun)
		}
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(e.Collector(context.Background()))
	n, err := testutil.GatherAndCount(reg, "vbo365_job_last_run_timestamp_seconds")
	if err != nil {
		t.Fatal(err)
	}
	ran := 0
	for _, tr := range truth {
		if !tr.LastRun.IsZero() {
			ran++
		}
	}
	if n != ran {
		t.Fatalf("%d last-run series, want %d (absent for jobs that never ran)", n, ran)
	}
}

// TestFailuresStayLocal checks that a failing server, a failing job and a
// configured job the server does not know each show up as failures while
// everything else is still exported.
func TestFailuresStayLocal(t *testing.T) {
	good, goodSim := simServer(t, "good", simulator.Options{Jobs: 3, MailboxesPerJob: []int{40}})
	bad, _ := simServer(t, "badcreds", simulator.Options{Jobs: 1})
	bad.Password = "wrong"
	bad.Jobs = []config.Job{{ID: "00000000-0000-0000-0000-00000000beef", Name: "Payroll"}}
	truth := goodSim.Truth()
	goodSim.AddFault(simulator.Fault{Endpoint: "mailboxes", JobID: truth[1].ID, Kind: simulator.StatusError, Status: 500})
	good.Jobs = []config.Job{{ID: truth[0].ID}, {ID: truth[1].ID, Name: "Renamed"}, {ID: "11111111-2222-3333-4444-555555555555", Name: "Gone"}}
	good.PageSize = 7

	e := newTestExporter(t, good, bad)
	want := fmt.Sprintf(`
# HELP vbo365_up %s
# TYPE vbo365_up gauge
vbo365_up{server="badcreds"} 0
vbo365_up{server="good"} 1
# HELP vbo365_job_scrape_success %s
# TYPE vbo365_job_scrape_success gauge
vbo365_job_scrape_success{job_id="%s",job_name="%s",server="good"} 1
vbo365_job_scrape_success{job_id="%s",job_name="Renamed",server="good"} 0
vbo365_job_scrape_success{job_id="11111111-2222-3333-4444-555555555555",job_name="Gone",server="good"} 0
vbo365_job_scrape_success{job_id="00000000-0000-0000-0000-00000000beef",job_name="Payroll",server="badcreds"} 0
# HELP vbo365_job_mailboxes %s
# TYPE vbo365_job_mailboxes gauge
vbo365_job_mailboxes{job_id="%s",job_name="%s",server="good"} 40
`, help(upDesc), help(jobSuccessDesc), truth[0].ID, truth[0].Name, truth[1].ID, help(jobMailboxesDesc), truth[0].ID, truth[0].Name)
	err := testutil.CollectAndCompare(e.Collector(context.Background()), strings.NewReader(want),
		"vbo365_up", "vbo365_job_scrape_success", "vbo365_job_mailboxes")
	if err != nil {
		t.Fatal(err)
	}
}

func TestUnprotectedMailboxSeries(t *testing.T) {
	s, _ := simServer(t, "east", simulator.Options{Jobs: 1, MailboxesPerJob: []int{200}, BackedUpFraction: 0.5})
	s.UnprotectedMailboxSeries = 3
	s.PageSize = 50
	e := newTestExporter(t, s)
	reg := prometheus.NewRegistry()
	reg.MustRegister(e.Collector(context.Background()))
	n, err := testutil.GatherAndCount(reg, "vbo365_mailbox_not_backed_up")
	if err != nil || n != 3 {
		t.Fatalf("%d series (%v), want 3", n, err)
	}
	s.UnprotectedMailboxSeries = 0
	e = newTestExporter(t, s)
	reg = prometheus.NewRegistry()
	reg.MustRegister(e.Collector(context.Background()))
	if n, _ := testutil.GatherAndCount(reg, "vbo365_mailbox_not_backed_up"); n != 0 {
		t.Fatalf("%d series with the option off", n)
	}
}

// TestConcurrentScrapesShareOnePoll is the HA-pair case: two scrapes at once
// cause one set of upstream requests, and both see the same numbers.
func TestConcurrentScrapesShareOnePoll(t *testing.T) {
	s, sim := simServer(t, "east", simulator.Options{Jobs: 2, MailboxesPerJob: []int{300}, BaseDelay: 50 * time.Millisecond})
	s.PageSize = 100
	e := newTestExporter(t, s)
	// Log in first so that both scrapes start on equal terms.
	e.Poll(context.Background())
	sim.ResetCounters()

	var wg sync.WaitGroup
	results := make([]*poll.ServerResult, 2)
	for i := range results {
		wg.Go(func() { results[i] = e.Poll(context.Background())[0] })
	}
	wg.Wait()
	if results[0] != results[1] {
		t.Fatal("the two scrapes got different polls")
	}
	// One job list and, per job, the 4 pages up to the first empty one, the
	// second read of the first page, and at most 3 read ahead (4 in
	// flight): one poll's worth, where two polls would need at least 20.
	if got := sim.Requests("jobs"); got != 1 {
		t.Fatalf("%d job list requests, want 1", got)
	}
	if got := sim.Requests("mailboxes"); got < 10 || got > 16 {
		t.Fatalf("%d page requests, want one poll's 10 to 16", got)
	}
	if got := sim.Requests("token"); got != 0 {
		t.Fatalf("%d logins, want none: the token is shared", got)
	}
}

func TestMinIntervalReusesThePoll(t *testing.T) {
	s, sim := simServer(t, "east", simulator.Options{Jobs: 1, MailboxesPerJob: []int{10}})
	s.MinInterval = model.Duration(time.Hour)
	e := newTestExporter(t, s)
	first := e.Poll(context.Background())[0]
	second := e.Poll(context.Background())[0]
	if first != second || sim.Requests("jobs") != 1 {
		t.Fatalf("the second scrape within min_interval polled again (%d job list requests)", sim.Requests("jobs"))
	}
}

func TestReloadKeepsUnchangedServers(t *testing.T) {
	a, simA := simServer(t, "a", simulator.Options{Jobs: 1, MailboxesPerJob: []int{1}})
	b, _ := simServer(t, "b", simulator.Options{Jobs: 1, MailboxesPerJob: []int{1}})
	e := newTestExporter(t, a, b)
	e.Poll(context.Background())
	b.PageSize = 2
	if err := e.ApplyConfig(&config.Config{Servers: []config.Server{a, b}}); err != nil {
		t.Fatal(err)
	}
	e.Poll(context.Background())
	if n := simA.Requests("token"); n != 1 {
		t.Fatalf("server a logged in %d times; an unchanged server must keep its token", n)
	}
}

// TestScrapeDeadlineFailsJobs runs on the fake clock of a synctest bubble,
// with the simulator on a memNet: its delays and the deadline pass at once.
func TestScrapeDeadlineFailsJobs(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s, _, n := memSimServer(t, "east", simulator.Options{Jobs: 1, MailboxesPerJob: []int{500}, BaseDelay: 100 * time.Millisecond})
		s.PageSize = 10
		s.MaxConcurrentRequests = 1
		e := memExporter(t, n, nil, s)
		ctx, cancel := context.WithTimeout(context.Background(), 700*time.Millisecond)
		defer cancel()
		start := time.Now()
		res := e.Poll(ctx)[0]
		if took := time.Since(start); took > 2*time.Second {
			t.Fatalf("poll ran %v past a 700ms deadline", took)
		}
		if !res.Up || len(res.Jobs) != 1 || res.Jobs[0].Success {
			t.Fatalf("want the server up and the job failed, got up=%v jobs=%+v", res.Up, res.Jobs)
		}
	})
}
