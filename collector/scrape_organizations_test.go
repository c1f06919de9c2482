package collector

import (
	"bytes"
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/go-kit/log"
	"github.com/prometheus/client_golang/prometheus/testutil"
	promconfig "github.com/prometheus/common/config"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/vbo365-exporter/vbo365_exporter/config"
	"github.com/vbo365-exporter/vbo365_exporter/internal/memnet"
	"github.com/vbo365-exporter/vbo365_exporter/poll"
	"github.com/vbo365-exporter/vbo365_exporter/simulator"
	"github.com/vbo365-exporter/vbo365_exporter/vboapi"
)

// syncTenant has three organizations: contoso synchronized (and, on v8,
// has one queued), fabrikam's last synchronization failed, and northwind
// never finished one (and, on v8, runs its first).
var syncTenant = simulator.TenantOptions{Organizations: 3, Users: 20, Now: time.Date(2024, 5, 1, 22, 0, 0, 0, time.UTC),
	Ops: simulator.OpsOptions{Sync: simulator.SyncOptions{Queued: simulator.OrgsOf(0), Failed: simulator.OrgsOf(1),
		Never: simulator.OrgsOf(2), Running: simulator.OrgsOf(2), Error: "Access to Microsoft Graph was denied."}}}

// syncSeries are the sync state series, for comparisons.
var syncSeries = []string{"vbo365_organization_last_sync_success", "vbo365_organization_last_sync_end_timestamp_seconds",
	"vbo365_organization_sync_running"}

// syncExporter serves a simulator of the newest version v with tenant
// through wrap (nil: none) to an exporter running the organizations
// collector, logging to logger.
func syncExporter(t *testing.T, v string, tenant simulator.TenantOptions, wrap func(http.Handler) http.Handler, logger log.Logger) (*Exporter, *simulator.Simulator) {
	t.Helper()
	versions := v6PlusVersions[:slices.Index(v6PlusVersions, v)+1]
	opts := simulator.Options{Username: "svc-monitor", Password: "sim-password-1", Versions: versions, Seed: 11, Tenant: tenant}
	sim := simulator.New(opts)
	var h http.Handler = sim
	if wrap != nil {
		h = wrap(sim)
	}
	n := memnet.Serve(t, h)
	s := config.Server{
		Name: "east", URL: config.URL{URL: memnet.URL}, Username: opts.Username, Password: promconfig.Secret(opts.Password),
		RequestTimeout: model.Duration(5 * time.Second), MaxConcurrentRequests: 4, PageSize: 50,
		MaxResponseBytes: 64 << 20, APIVersion: "auto",
	}
	return memExporter(t, n, logger, s, WithCollectors(DefaultCollectors().Only("jobs", "organizations"))), sim
}

// The HELP and TYPE lines of the sync state series, as exported.
const (
	syncSuccessHead = `# HELP vbo365_organization_last_sync_success v7 and later: 1 if the organization's last finished synchronization with the server's organization cache succeeded, 0 if it failed; absent when none has finished or the result is one the API does not document. Job scopes are read from that cache: users added since the last successful synchronization are neither backed up nor counted.
# TYPE vbo365_organization_last_sync_success gauge
`
	syncEndHead = `# HELP vbo365_organization_last_sync_end_timestamp_seconds v7 and later: Unix time at which the organization's last synchronization with the organization cache finished, whatever its result (v7 lastSyncTime, v8 lastSyncState.endTime); absent when none has.
# TYPE vbo365_organization_last_sync_end_timestamp_seconds gauge
`
	syncRunningHead = `# HELP vbo365_organization_sync_running v8: 1 while a synchronization of the organization with the organization cache is queued or running, else 0; absent on v7, whose API does not say.
# TYPE vbo365_organization_sync_running gauge
`
	collectorSuccessHead = `# HELP vbo365_collector_success 1 if the collector read everything it exports in the last poll, else 0 (some or all of its series are then missing). Absent for a collector that is off, or that the server's REST API version lacks (docs/collectors.md).
# TYPE vbo365_collector_success gauge
`
)

// TestOrganizationSyncSeries: v8 says all three facts, v7 the last
// synchronization only, v6 nothing; an organization that never finished
// one has no success or end series.
func TestOrganizationSyncSeries(t *testing.T) {
	v7 := syncEndHead + `vbo365_organization_last_sync_end_timestamp_seconds{organization_id="1080704d-7d21-4daa-9b67-fe0e6c5941d5",organization_name="contoso.onmicrosoft.com",server="east"} 1.71459876e+09
vbo365_organization_last_sync_end_timestamp_seconds{organization_id="cd8ce5d5-c360-44bf-ab21-a6a594f853d7",organization_name="fabrikam.onmicrosoft.com",server="east"} 1.71459918e+09
` + syncSuccessHead + `vbo365_organization_last_sync_success{organization_id="1080704d-7d21-4daa-9b67-fe0e6c5941d5",organization_name="contoso.onmicrosoft.com",server="east"} 1
vbo365_organization_last_sync_success{organization_id="cd8ce5d5-c360-44bf-ab21-a6a594f853d7",organization_name="fabrikam.onmicrosoft.com",server="east"} 0
`
	v8 := v7 + syncRunningHead + `vbo365_organization_sync_running{organization_id="1080704d-7d21-4daa-9b67-fe0e6c5941d5",organization_name="contoso.onmicrosoft.com",server="east"} 1
vbo365_organization_sync_running{organization_id="47ae63d3-0709-42b8-b25e-f71e6837df3b",organization_name="northwind.onmicrosoft.com",server="east"} 1
vbo365_organization_sync_running{organization_id="cd8ce5d5-c360-44bf-ab21-a6a594f853d7",organization_name="fabrikam.onmicrosoft.com",server="east"} 0
`
	success := collectorSuccessHead + `vbo365_collector_success{collector="jobs",server="east"} 1
vbo365_collector_success{collector="organizations",server="east"} 1
`
	for _, tc := range []struct{ v, want string }{{"v6", ""}, {"v7", v7}, {"v8", v8}} {
		t.Run(tc.v, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				e, sim := syncExporter(t, tc.v, syncTenant, nil, nil)
				c := e.Collector(context.Background())
				if err := testutil.CollectAndCompare(c, strings.NewReader(tc.want+success), append(syncSeries, "vbo365_collector_success")...); err != nil {
					t.Error(err)
				}
				if problems, err := testutil.CollectAndLint(c); err != nil || len(problems) > 0 {
					t.Errorf("lint: %v %v", err, problems)
				}
				if got, n := e.LastResults()[0].OrganizationSync, len(sim.SyncTruth()); (tc.v == "v6") != (got == nil) || (got != nil && len(got) != n) {
					t.Errorf("the poll result keeps %d sync states, want %d", len(got), n)
				}
			})
		})
	}
}

// replaceSync answers the sync state paths with body, the rest as h does.
func replaceSync(body string) func(http.Handler) http.Handler {
	return func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !strings.HasSuffix(r.URL.Path, "/SyncState") {
				h.ServeHTTP(w, r)
				return
			}
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
			w.Write([]byte(body))
		})
	}
}

// TestOrganizationSyncUnknownValues: a result or status the API does not
// document is neither success nor failure, and an organization the list
// leaves out has no series; the collector still succeeds.
func TestOrganizationSyncUnknownValues(t *testing.T) {
	cases := []struct{ v, body, want string }{
		{"v7", `{"type":null,"status":"Warning","lastSyncTime":"2024-05-01T21:00:00Z","error":null}`,
			syncEndHead + `vbo365_organization_last_sync_end_timestamp_seconds{organization_id="1080704d-7d21-4daa-9b67-fe0e6c5941d5",organization_name="contoso.onmicrosoft.com",server="east"} 1.7145972e+09
vbo365_organization_last_sync_end_timestamp_seconds{organization_id="47ae63d3-0709-42b8-b25e-f71e6837df3b",organization_name="northwind.onmicrosoft.com",server="east"} 1.7145972e+09
vbo365_organization_last_sync_end_timestamp_seconds{organization_id="cd8ce5d5-c360-44bf-ab21-a6a594f853d7",organization_name="fabrikam.onmicrosoft.com",server="east"} 1.7145972e+09
`},
		{"v8", `[{"organizationId":"1080704D-7D21-4DAA-9B67-FE0E6C5941D5","lastSyncState":{"result":"Cancelled","endTime":"2024-05-01T21:00:00Z"},"currentSyncState":{"status":"Paused"}},
			{"organizationId":"cd8ce5d5-c360-44bf-ab21-a6a594f853d7","lastSyncState":null},{"organizationId":"00000000-0000-0000-0000-000000000000"}]`,
			syncEndHead + `vbo365_organization_last_sync_end_timestamp_seconds{organization_id="1080704d-7d21-4daa-9b67-fe0e6c5941d5",organization_name="contoso.onmicrosoft.com",server="east"} 1.7145972e+09
` + syncRunningHead + `vbo365_organization_sync_running{organization_id="1080704d-7d21-4daa-9b67-fe0e6c5941d5",organization_name="contoso.onmicrosoft.com",server="east"} 1
vbo365_organization_sync_running{organization_id="cd8ce5d5-c360-44bf-ab21-a6a594f853d7",organization_name="fabrikam.onmicrosoft.com",server="east"} 0
`},
	}
	for _, tc := range cases {
		t.Run(tc.v, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				var logs bytes.Buffer
				e, _ := syncExporter(t, tc.v, syncTenant, replaceSync(tc.body), log.NewLogfmtLogger(&logs))
				want := tc.want + collectorSuccessHead + `vbo365_collector_success{collector="jobs",server="east"} 1
vbo365_collector_success{collector="organizations",server="east"} 1
`
				if err := testutil.CollectAndCompare(e.Collector(context.Background()), strings.NewReader(want),
					append(syncSeries, "vbo365_collector_success")...); err != nil {
					t.Error(err)
				}
				if n := strings.Count(logs.String(), "a result the API does not document"); n != 3-2*b2i(tc.v == "v8") {
					t.Errorf("%d log lines for the undocumented results:\n%s", n, logs.String())
				}
			})
		})
	}
}

// TestOrganizationSyncReadFails: a sync state that cannot be read fails
// the collector, and leaves every series that was read: the
// organizations' own, and on v7 the other organizations' sync state.
func TestOrganizationSyncReadFails(t *testing.T) {
	const fabrikam = "cd8ce5d5-c360-44bf-ab21-a6a594f853d7"
	cases := []struct {
		v     string
		fault simulator.Fault
		want  map[string]int // series per family
	}{
		{"v8", simulator.Fault{Endpoint: simulator.EndpointOrganizationsSyncState, Kind: simulator.StatusError, Status: 500},
			map[string]int{"vbo365_organization_info": 3, "vbo365_organization_last_backup_timestamp_seconds": 3}},
		{"v7", simulator.Fault{Endpoint: simulator.EndpointOrganizationSyncState, JobID: fabrikam, Kind: simulator.StatusError, Status: 500},
			map[string]int{"vbo365_organization_info": 3, "vbo365_organization_last_backup_timestamp_seconds": 3,
				"vbo365_organization_last_sync_success": 1, "vbo365_organization_last_sync_end_timestamp_seconds": 1}},
	}
	for _, tc := range cases {
		t.Run(tc.v, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				e, sim := syncExporter(t, tc.v, syncTenant, nil, nil)
				sim.AddFault(tc.fault)
				got := seriesCounts(t, e)
				for _, name := range append(syncSeries, "vbo365_organization_info", "vbo365_organization_last_backup_timestamp_seconds") {
					if got[name] != tc.want[name] {
						t.Errorf("%s: %d series, want %d", name, got[name], tc.want[name])
					}
				}
				if s := successes(t, e); s["organizations"] != 0 || s["jobs"] != 1 {
					t.Errorf("successes %v, want organizations 0, jobs 1", s)
				}
				res := e.LastResults()[0]
				if err := res.Collector("organizations").Err; err == nil || !strings.Contains(err.Error(), "sync state") {
					t.Errorf("collector error %v, want one about the sync state", err)
				}
				if tc.v == "v7" && (len(res.OrganizationSync) != 2 || slices.ContainsFunc(res.OrganizationSync, func(o poll.OrganizationSync) bool { return o.ID == fabrikam })) {
					t.Errorf("the poll result keeps %+v, want the two other organizations", res.OrganizationSync)
				}
			})
		})
	}
}

// TestOrganizationSyncFailureLoggedOnce: a failed synchronization is
// logged with its message in the first poll that sees it, not in the
// next ones; the message never reaches a series.
func TestOrganizationSyncFailureLoggedOnce(t *testing.T) {
	for _, v := range []string{"v7", "v8"} {
		t.Run(v, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				var logs bytes.Buffer
				e, _ := syncExporter(t, v, syncTenant, nil, log.NewLogfmtLogger(&logs))
				for range 3 {
					e.Poll(context.Background())
				}
				if n := strings.Count(logs.String(), "Access to Microsoft Graph was denied."); n != 1 {
					t.Errorf("the sync error is in %d log lines over 3 polls, want 1:\n%s", n, logs.String())
				}
				if !strings.Contains(logs.String(), "organization=fabrikam.onmicrosoft.com") || !strings.Contains(logs.String(), "level=warn") {
					t.Errorf("the log line does not name the organization at warn:\n%s", logs.String())
				}
				if b, err := testutil.CollectAndFormat(e.Collector(context.Background()), expfmt.TypeTextPlain); err != nil || bytes.Contains(b, []byte("Microsoft Graph")) {
					t.Errorf("the sync error reached the exposition (%v)", err)
				}
			})
		})
	}
}

// TestSyncLog: a failure is logged again only when it is a new one (a
// later synchronization, or another message) or a success came between.
func TestSyncLog(t *testing.T) {
	at := func(m int) time.Time { return time.Date(2024, 5, 1, 21, m, 0, 0, time.UTC) }
	state := func(result string, end time.Time, msg string) []poll.OrganizationSync {
		return []poll.OrganizationSync{{ID: "o", Name: "contoso", State: vboapi.OrganizationSyncState{LastResult: result, LastEnd: end, LastError: msg}}}
	}
	steps := []struct {
		read []poll.OrganizationSync
		logs int // lines this step adds
	}{
		{state("Error", at(1), "denied"), 1},
		{state("Error", at(1), "denied"), 0},
		{state("Error", at(2), "denied"), 1}, // the next synchronization failed too
		{state("Error", at(2), "denied"), 0},
		{state("Success", at(3), ""), 0},
		{state("Error", at(2), "denied"), 1}, // after a success, even the same failure
		{state("", time.Time{}, ""), 0},
		{state("Cancelled", at(4), ""), 1},
		{state("Cancelled", at(4), ""), 0},
		{nil, 0},
	}
	l := &syncLog{seen: map[string]string{}}
	var buf bytes.Buffer
	logger := log.NewLogfmtLogger(&buf)
	before := 0
	for i, s := range steps {
		l.log(logger, s.read)
		n := strings.Count(buf.String(), "\n")
		if n-before != s.logs {
			t.Errorf("step %d: %d lines, want %d:\n%s", i, n-before, s.logs, buf.String())
		}
		before = n
	}
}

// TestOrganizationSyncFaultMatrix puts each fault the simulator has on
// the sync state endpoints: a retried one leaves every series exact; a
// lasting one fails the collector and leaves out what it spoiled, never a
// wrong value, and the organizations' own series stay.
func TestOrganizationSyncFaultMatrix(t *testing.T) {
	kinds := []struct {
		name    string
		fault   simulator.Fault
		retried bool
	}{
		{"503 once", simulator.Fault{Kind: simulator.StatusError, Status: 503, Requests: []int{1}}, true},
		{"429 once", simulator.Fault{Kind: simulator.TooManyRequests, RetryAfter: 10 * time.Millisecond, Requests: []int{1}}, true},
		{"reset mid-body once", simulator.Fault{Kind: simulator.ResetMidBody, Requests: []int{1}}, true},
		{"truncated once", simulator.Fault{Kind: simulator.Truncated, Requests: []int{1}}, true},
		{"revoked once", simulator.Fault{Kind: simulator.Revoked, Requests: []int{1}}, true},
		{"500 always", simulator.Fault{Kind: simulator.StatusError, Status: 500}, false},
		{"malformed JSON", simulator.Fault{Kind: simulator.MalformedJSON}, false},
		{"HTML error page", simulator.Fault{Kind: simulator.HTMLError}, false},
	}
	endpoints := map[string]string{"v7": simulator.EndpointOrganizationSyncState, "v8": simulator.EndpointOrganizationsSyncState}
	for _, v := range []string{"v7", "v8"} {
		for _, k := range kinds {
			t.Run(v+"/"+k.name, func(t *testing.T) {
				synctest.Test(t, func(t *testing.T) {
					e, sim := syncExporter(t, v, syncTenant, nil, nil)
					f := k.fault
					f.Endpoint = endpoints[v]
					sim.AddFault(f)
					got, want := syncValues(t, e), truthValues(v, sim.SyncTruth())
					for key, g := range got {
						if w, ok := want[key]; !ok || w != g {
							t.Errorf("%s = %v, want %v (present %v)", key, g, w, ok)
						}
					}
					s := successes(t, e)["organizations"]
					if k.retried && (len(got) != len(want) || s != 1) {
						t.Errorf("a retried fault left %d of %d series, success %v", len(got), len(want), s)
					}
					if !k.retried && (s != 0 || len(got) == len(want)) {
						t.Errorf("a lasting fault left %d of %d series, success %v", len(got), len(want), s)
					}
					if n := seriesCounts(t, e)["vbo365_organization_info"]; n != 3 {
						t.Errorf("%d vbo365_organization_info series, want 3", n)
					}
				})
			})
		}
	}
}

// syncValues are the sync state series of a scrape of e, by name and
// organization id.
func syncValues(t *testing.T, e *Exporter) map[string]float64 {
	t.Helper()
	mfs := gatherOnce(t, e)
	out := map[string]float64{}
	for _, mf := range mfs {
		if !slices.Contains(syncSeries, mf.GetName()) {
			continue
		}
		for _, m := range mf.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "organization_id" {
					out[mf.GetName()+" "+l.GetValue()] = m.GetGauge().GetValue()
				}
			}
		}
	}
	return out
}

// truthValues are the sync state series a server of version v serving
// truth must lead to.
func truthValues(v string, truth []simulator.SyncTruth) map[string]float64 {
	out := map[string]float64{}
	for _, st := range truth {
		if st.Finished {
			out["vbo365_organization_last_sync_success "+st.OrganizationID] = b2f(st.Result == "Success")
			out["vbo365_organization_last_sync_end_timestamp_seconds "+st.OrganizationID] = float64(st.End.Unix()) + float64(st.End.Nanosecond())/1e9
		}
		if v == "v8" {
			out["vbo365_organization_sync_running "+st.OrganizationID] = b2f(st.Current != "")
		}
	}
	return out
}
