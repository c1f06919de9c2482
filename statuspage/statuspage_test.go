package statuspage

import (
	"context"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/go-kit/log"
	"github.com/prometheus/client_golang/prometheus"
	promconfig "github.com/prometheus/common/config"
	"github.com/prometheus/common/model"
	"github.com/prometheus/exporter-toolkit/web"

	"github.com/vbo365-exporter/vbo365_exporter/collector"
	"github.com/vbo365-exporter/vbo365_exporter/config"
	"github.com/vbo365-exporter/vbo365_exporter/simulator"
	"github.com/vbo365-exporter/vbo365_exporter/vboapi"
)

const password = "status-page-password-7f3a"

// fixture is the status page of an exporter of two simulators: west, a v8
// server with a near-full repository, an immutable archive repository and
// an offline proxy, and whose organization's last synchronization failed;
// east, a v1 server (whose version has no licence,
// repositories or proxies) with one failing job. reg holds the exporter's
// own metrics.
type fixture struct {
	page   *httptest.Server
	v8, v1 *simulator.Simulator
	e      *collector.Exporter
	reg    *prometheus.Registry
}

// v8Tenant is west's: three jobs, and every state the operations tables
// show.
var v8Tenant = simulator.TenantOptions{Users: 30, GroupJobs: 1, UserJobs: 1, Workloads: true,
	Ops: simulator.OpsOptions{ArchiveRepositories: 1, NearFullRepository: true, OfflineProxy: true,
		Sync:     simulator.SyncOptions{Failed: simulator.OrgsOf(0)},
		Restores: simulator.RestoreOptions{PortalEnabled: true}}}

func pageUnderTest(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{}
	srv8, sim8 := simulator.NewServer(t, simulator.Options{Username: "svc", Password: password,
		Versions: []string{"v6", "v7", "v8"}, Tenant: v8Tenant})
	srv1, sim1 := simulator.NewServer(t, simulator.Options{Username: "svc", Password: password, Jobs: 3, MailboxesPerJob: []int{120, 0, 40}})
	f.v8, f.v1 = sim8, sim1
	truth := sim1.Truth()
	sim1.AddFault(simulator.Fault{Endpoint: "mailboxes", JobID: truth[2].ID, Kind: simulator.StatusError, Status: 500})
	server := func(name, raw string) config.Server {
		u, _ := url.Parse(raw)
		return config.Server{
			Name: name, URL: config.URL{URL: u}, Username: "svc", Password: promconfig.Secret(password),
			RequestTimeout: model.Duration(5 * time.Second), MaxConcurrentRequests: 2, PageSize: 50, MaxResponseBytes: 1 << 20,
			Workloads: config.Workloads,
		}
	}
	f.reg = prometheus.NewRegistry()
	f.e = collector.New(log.NewNopLogger(), vboapi.NewMetrics(f.reg), "test")
	t.Cleanup(f.e.Close)
	if err := f.e.ApplyConfig(&config.Config{Servers: []config.Server{server("west", srv8.URL), server("east", srv1.URL)}}); err != nil {
		t.Fatal(err)
	}
	// The landing config of web/web.go, so that the screenshot is the page.
	h, err := New(web.LandingConfig{
		Name: "VBO365 Exporter", Description: "Prometheus exporter for Veeam Backup for Microsoft 365 backup jobs",
		Profiling: "false", Links: []web.LandingLinks{{Address: "/metrics", Text: "Metrics"}},
	}, f.e.LastResults)
	if err != nil {
		t.Fatal(err)
	}
	f.page = httptest.NewServer(h)
	t.Cleanup(f.page.Close)
	return f
}

// simRequests is what both simulators received.
func (f *fixture) simRequests() int64 {
	var n int64
	for _, sim := range []*simulator.Simulator{f.v8, f.v1} {
		for _, e := range simulator.Endpoints {
			n += sim.Requests(e)
		}
	}
	return n
}

// apiRequests is the exporter's own count of the requests it has sent. Unlike
// the simulator's count it is final once Poll returns: a read-ahead request
// cancelled during the poll can still reach the simulator later.
func apiRequests(t *testing.T, reg *prometheus.Registry) float64 {
	t.Helper()
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var n float64
	for _, f := range families {
		if f.GetName() == "vbo365_api_requests_total" {
			for _, m := range f.GetMetric() {
				n += m.GetCounter().GetValue()
			}
		}
	}
	return n
}

func get(t *testing.T, u string) string {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d", u, resp.StatusCode)
	}
	return string(b)
}

var tagPattern = regexp.MustCompile(`<[^>]+>`)

// visible is the text of an HTML fragment, as one line.
func visible(fragment string) string {
	return strings.Join(strings.Fields(html.UnescapeString(tagPattern.ReplaceAllString(fragment, " "))), " ")
}

// rowText returns the visible text of the table row for a job.
func rowText(t *testing.T, page, jobID string) string {
	t.Helper()
	i := strings.Index(page, `data-job-id="`+jobID+`"`)
	if i < 0 {
		t.Fatalf("no row for job %s", jobID)
	}
	row, _, ok := strings.Cut(page[i+strings.Index(page[i:], ">")+1:], "</tr>")
	if !ok {
		t.Fatalf("the row for job %s does not end", jobID)
	}
	return visible(row)
}

func TestStatusPageNeverPolls(t *testing.T) {
	f := pageUnderTest(t)
	body := get(t, f.page.URL)
	if !strings.Contains(body, `id="no-poll"`) || !strings.Contains(body, `href="/metrics"`) {
		t.Fatal("before any scrape the page must say so and keep the toolkit links")
	}
	if n := f.simRequests(); n != 0 {
		t.Fatalf("rendering the page made %d API requests", n)
	}
	resp, err := http.Get(f.page.URL + "/nothing-here")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Fatalf("an unknown path got %d, want 404", resp.StatusCode)
	}
}

func TestStatusPageTable(t *testing.T) {
	f := pageUnderTest(t)
	f.runRestores(t)
	f.e.Poll(context.Background())
	before := apiRequests(t, f.reg)
	if before == 0 {
		t.Fatal("the poll sent no requests, or the exporter does not count them")
	}
	body := get(t, f.page.URL)
	if n := apiRequests(t, f.reg) - before; n != 0 {
		t.Fatalf("rendering the page made %v API requests", n)
	}
	checkTable(t, body, f.v1.Truth())
	checkWorkloads(t, body, f.v8)
	checkOps(t, body, f.v8)
	checkRestores(t, body, f.v8)
}

// checkWorkloads checks that each of west's job rows ends with the
// workloads beside the mailbox that the simulator's truth has objects not
// backed up of.
func checkWorkloads(t *testing.T, page string, sim *simulator.Simulator) {
	t.Helper()
	parts := map[string][]string{}
	var jobs []string
	for _, tr := range sim.WorkloadTruth() {
		if _, seen := parts[tr.JobID]; !seen {
			jobs = append(jobs, tr.JobID)
			parts[tr.JobID] = nil
		}
		if tr.Workload != "mailbox" && tr.InScope > tr.BackedUp {
			parts[tr.JobID] = append(parts[tr.JobID], fmt.Sprintf("%s %d of %d", tr.Workload, tr.InScope-tr.BackedUp, tr.InScope))
		}
	}
	some := false
	for _, id := range jobs {
		want := "none"
		if len(parts[id]) > 0 {
			want, some = strings.Join(parts[id], ", "), true
		}
		if row := rowText(t, page, id); !strings.HasSuffix(row, " "+want) {
			t.Errorf("west's row %q does not end with the other workloads %q", row, want)
		}
	}
	if !some {
		t.Error("no job of west has another workload not backed up: the check proves nothing")
	}
}

func checkTable(t *testing.T, html string, truth []simulator.JobTruth) {
	t.Helper()
	if strings.Contains(html, password) {
		t.Fatal("the page shows the password")
	}
	ok := truth[0]
	want := fmt.Sprintf("%s %s yes %d %d %.4f %d –", ok.Name, ok.ID, ok.Mailboxes, ok.BackedUp,
		float64(int(float64(ok.BackedUp)/float64(ok.Mailboxes)*1e4))/1e4, ok.Mailboxes-ok.BackedUp)
	if got := rowText(t, html, ok.ID); got != want {
		t.Errorf("row = %q\nwant  %q", got, want)
	}
	empty := truth[1]
	if got, want := rowText(t, html, empty.ID), fmt.Sprintf("%s %s yes 0 0 NaN (no mailboxes) 0 –", empty.Name, empty.ID); got != want {
		t.Errorf("row = %q\nwant  %q", got, want)
	}
	failed := rowText(t, html, truth[2].ID)
	if !strings.HasPrefix(failed, fmt.Sprintf("%s %s no – – – – – GET /v1/Jobs/{id}/SelectedMailboxes: HTTP 500", truth[2].Name, truth[2].ID)) {
		t.Errorf("failed job row = %q", failed)
	}
}

// TestStatusPageInChromium loads the page in headless Chromium and checks
// the table in the DOM the browser built. UPDATE_SCREENSHOT=1 also saves
// docs/status-page.png for the README.
func TestStatusPageInChromium(t *testing.T) {
	chromium, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("chromium is not installed; .ci/run installs Debian's chromium package")
		}
		t.Skip("chromium not installed")
	}
	f := pageUnderTest(t)
	f.runRestores(t)
	f.e.Poll(context.Background())
	dir := t.TempDir()
	args := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir=" + filepath.Join(dir, "profile")}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	dom, err := exec.CommandContext(ctx, chromium, append(args, "--dump-dom", f.page.URL)...).Output()
	if err != nil {
		t.Fatalf("chromium --dump-dom: %v", err)
	}
	checkTable(t, string(dom), f.v1.Truth())
	checkWorkloads(t, string(dom), f.v8)
	checkOps(t, string(dom), f.v8)
	checkRestores(t, string(dom), f.v8)

	if os.Getenv("UPDATE_SCREENSHOT") == "1" {
		shot, _ := filepath.Abs("../docs/status-page.png")
		out, err := exec.CommandContext(ctx, chromium, append(args, "--window-size=1200,1200", "--screenshot="+shot, f.page.URL)...).CombinedOutput()
		if err != nil {
			t.Fatalf("screenshot: %v\n%s", err, out)
		}
	}
}
