package collector

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	dto "github.com/prometheus/client_model/go"
	promconfig "github.com/prometheus/common/config"
	"github.com/prometheus/common/model"

	"github.com/vbo365-exporter/vbo365_exporter/config"
	"github.com/vbo365-exporter/vbo365_exporter/internal/memnet"
	"github.com/vbo365-exporter/vbo365_exporter/simulator"
	"github.com/vbo365-exporter/vbo365_exporter/vboapi"
)

// restoreTenant has two organizations, a history of finished restore
// sessions (which ended before any exporter started, so none may be
// counted) and the Restore Portal on.
var restoreTenant = simulator.TenantOptions{Organizations: 2, Users: 40,
	Ops: simulator.OpsOptions{Restores: simulator.RestoreOptions{Sessions: 8, Events: 20, PortalEnabled: true}}}

// restoreRig is a simulator and the server entry of exporters on it, so
// that a test can start a second exporter (a restart) on the same data.
type restoreRig struct {
	sim *simulator.Simulator
	n   *memnet.Listener
	s   config.Server
	c   Collectors
}

// newRestoreRig starts, inside a synctest bubble, a simulator of run
// serving restoreTenant; with checked, every exchange is validated against
// the schema of its version when the test ends.
func newRestoreRig(t *testing.T, run versionRun, conc int, c Collectors, checked bool) *restoreRig {
	t.Helper()
	return newRestoreRigOf(t, run, conc, c, checked, restoreTenant)
}

// newRestoreRigOf is newRestoreRig on a tenant of its own.
func newRestoreRigOf(t *testing.T, run versionRun, conc int, c Collectors, checked bool, tenant simulator.TenantOptions) *restoreRig {
	t.Helper()
	versions := v6PlusVersions[:slices.Index(v6PlusVersions, run.version)+1]
	opts := simulator.Options{Username: "svc-monitor", Password: "sim-password-1", Versions: versions, Seed: 5,
		Tenant: tenant, V8Release: run.release}
	r := &restoreRig{sim: simulator.New(opts), c: c}
	if checked {
		v := newReleaseValidator(t, run.release)
		t.Cleanup(func() { v.Check(t) })
		r.n = memnet.Serve(t, v.Handler(r.sim))
	} else {
		r.n = memnet.Serve(t, r.sim)
	}
	r.s = config.Server{
		Name: "east", URL: config.URL{URL: memnet.URL}, Username: opts.Username, Password: promconfig.Secret(opts.Password),
		RequestTimeout: model.Duration(5 * time.Second), MaxConcurrentRequests: conc, PageSize: 50,
		MaxResponseBytes: 64 << 20, APIVersion: "auto",
	}
	return r
}

// exporter starts an exporter on the rig; its start is now.
func (r *restoreRig) exporter(t *testing.T) *Exporter {
	t.Helper()
	return memExporter(t, r.n, nil, r.s, WithCollectors(r.c))
}

// restoreWant computes, from the simulator's truth, what an exporter that
// started at start exports: the sessions that ended at or after start,
// the first maxInit initiators in the order their sessions ended keeping
// their name; the sessions working that it can see (created at or after
// its start less the overlap), with 0 for the organizations and types of
// runKeys, which it adds to.
type restoreWant struct {
	start   time.Time
	overlap time.Duration
	maxInit int
	runKeys map[[2]string]bool
}

func (w *restoreWant) metrics(sim *simulator.Simulator, server string) metricList {
	tr := sim.RestoreTruth()
	var ended []simulator.RestoreSessionTruth
	running := map[[2]string]float64{}
	for _, s := range tr.Sessions {
		switch {
		case s.Ended.IsZero():
			if !s.Created.Before(w.start.Add(-w.overlap)) {
				running[[2]string{s.Organization, s.Type}]++
				w.runKeys[[2]string{s.Organization, s.Type}] = true
			}
		case !s.Ended.Before(w.start):
			ended = append(ended, s)
		}
	}
	slices.SortFunc(ended, func(a, b simulator.RestoreSessionTruth) int {
		return cmp.Or(a.Ended.Compare(b.Ended), cmp.Compare(strings.ToLower(a.ID), strings.ToLower(b.ID)))
	})
	named := map[string]bool{}
	folded := 0.0
	sessions := map[[5]string]float64{}
	items, bytes := map[[5]string]float64{}, map[[5]string]float64{}
	for _, s := range ended {
		who := s.InitiatedBy
		if !named[who] && len(named) < w.maxInit {
			named[who] = true
		}
		if !named[who] {
			who, folded = "other", folded+1
		}
		portal := strconv.FormatBool(s.Portal)
		sessions[[5]string{s.Organization, s.Type, s.Result, who, portal}]++
		for _, e := range s.Events {
			if e.Type != "None" {
				k := [5]string{s.Organization, e.Type, e.Status, who, portal}
				items[k]++
				bytes[k] += float64(e.SizeBytes)
			}
		}
	}
	out := metricList{prometheus.MustNewConstMetric(restoreFoldedDesc, prometheus.CounterValue, folded, server)}
	for k, n := range sessions {
		out = append(out, prometheus.MustNewConstMetric(restoreSessionsDesc, prometheus.CounterValue, n, server, k[0], k[1], k[2], k[3], k[4]))
	}
	for k, n := range items {
		out = append(out, prometheus.MustNewConstMetric(restoreItemsDesc, prometheus.CounterValue, n, server, k[0], k[1], k[2], k[3], k[4]),
			prometheus.MustNewConstMetric(restoreBytesDesc, prometheus.CounterValue, bytes[k], server, k[0], k[1], k[2], k[3], k[4]))
	}
	for k := range w.runKeys {
		out.gauge(restoreRunningDesc, running[k], server, k[0], k[1])
	}
	out.gauge(restorePortalDesc, b2f(tr.PortalEnabled), server)
	for _, r := range tr.Roles {
		out.gauge(rbacRoleInfoDesc, 1, server, r.ID, r.Name, r.Type, r.OrganizationID)
		out.gauge(rbacRoleOperatorsDesc, float64(r.Operators), server, r.ID)
	}
	return out
}

func newRestoreWant(c Collectors) *restoreWant {
	return &restoreWant{start: time.Now(), overlap: c.RestoreOverlap, maxInit: c.RestoreInitiators, runKeys: map[[2]string]bool{}}
}

// TestRestoresMatchTruth follows restore sessions on every version at one
// request in flight and at sixteen: sessions that end between polls, one
// that works across several polls and leaves the reading window before it
// ends (v6 and v7 then read it by id), events over several pages,
// initiators beyond the cap, the portal switched off, and a restart: a
// new exporter counts from zero what ends after its start, while the old
// one goes on.
func TestRestoresMatchTruth(t *testing.T) {
	for _, run := range versionRuns() {
		for _, conc := range []int{1, 16} {
			t.Run(fmt.Sprintf("%s/concurrency=%d", run, conc), func(t *testing.T) {
				synctest.Test(t, func(t *testing.T) { restoreScenario(t, run, conc) })
			})
		}
	}
}

func restoreScenario(t *testing.T, run versionRun, conc int) {
	c := DefaultCollectors().Only("restores")
	c.RestoreInitiators = 3
	rig := newRestoreRig(t, run, conc, c, true)
	sim := rig.sim
	e, want := rig.exporter(t), newRestoreWant(c)
	check := func(step string, e *Exporter, w *restoreWant) {
		t.Helper()
		got := textOf(t, w.metrics(sim, "east"))
		if err := testutil.CollectAndCompare(e.Collector(context.Background()), strings.NewReader(got),
			names((&restoresScraper{}).Descs()...)...); err != nil {
			t.Errorf("%s: %v", step, err)
		}
		if r := e.LastResults()[0].Collector("restores"); r == nil || r.Err != nil {
			t.Errorf("%s: collector %+v", step, r)
		}
	}
	long := sim.AddRestoreSession(simulator.RestoreSpec{Type: "Vex", InitiatedBy: `CORP\alice`, Events: 120, Working: true})
	sim.AddRestoreSession(simulator.RestoreSpec{Organization: 1, Type: "Veod", InitiatedBy: `CORP\bob`, Events: 7, Result: "Failed"})
	portal := sim.AddRestoreSession(simulator.RestoreSpec{Organization: 1, Type: "Vesp", Portal: true, Events: 3, Working: true})
	check("first poll", e, want)
	time.Sleep(time.Minute)
	check("nothing new", e, want)
	time.Sleep(time.Minute)
	sim.EndRestoreSession(portal)
	sim.AddRestoreSession(simulator.RestoreSpec{Type: "Vet", InitiatedBy: `CORP\carol`, Events: 55, Result: "Warning"})
	check("ended between polls", e, want)
	time.Sleep(25 * time.Minute)
	sim.AddRestoreSession(simulator.RestoreSpec{Type: "Vex", InitiatedBy: `CORP\dave`, Events: 2})
	check("the long session out of the window", e, want)
	time.Sleep(time.Minute)
	sim.EndRestoreSession(long)
	sim.AddRestoreSession(simulator.RestoreSpec{Organization: 1, InitiatedBy: `CORP\erin`, Events: 1})
	sim.SetRestorePortal(false)
	check("the long session ended", e, want)
	check("read again", e, want)

	time.Sleep(time.Minute)
	e2, want2 := rig.exporter(t), newRestoreWant(c)
	check("restart: nothing ended since", e2, want2)
	time.Sleep(time.Minute)
	sim.AddRestoreSession(simulator.RestoreSpec{Type: "Veod", InitiatedBy: `CORP\frank`, Events: 4})
	check("restart: one ended since", e2, want2)
	check("the first exporter goes on", e, want)
	if err := lintRestores(e); err != nil {
		t.Error(err)
	}
}

// lintRestores reports what promlint finds in the restores series.
func lintRestores(e *Exporter) error {
	problems, err := testutil.CollectAndLint(e.Collector(context.Background()), names((&restoresScraper{}).Descs()...)...)
	if err != nil || len(problems) > 0 {
		return fmt.Errorf("lint: %v %v", problems, err)
	}
	return nil
}

// TestRestoreCounting checks the series of a few sessions the scraper took
// in: labels as the API spells them, the portal label, the items of each
// event type and status with their bytes, and initiators past the cap
// folded into "other" and counted.
func TestRestoreCounting(t *testing.T) {
	st := newRestoresScraper(Collectors{RestoreInitiators: 1}).(*restoresScraper).st
	size := func(n int64) map[[2]string]float64 { return map[[2]string]float64{{"Export", "Success"}: float64(n)} }
	st.count(&vboapi.RestoreSession{ID: "a", Organization: "contoso.onmicrosoft.com", Type: "Vex", Result: "Success",
		InitiatedBy: `CORP\alice`}, sessionEvents{items: size(2), bytes: size(3000)}, 1)
	st.count(&vboapi.RestoreSession{ID: "b", Organization: "contoso.onmicrosoft.com", Type: "Vex", Result: "Success",
		InitiatedBy: "bob@contoso.com", ScopeName: "bob@contoso.com"}, sessionEvents{items: size(1), bytes: size(500)}, 1)
	st.count(&vboapi.RestoreSession{ID: "c", Organization: "fabrikam.onmicrosoft.com", Type: "Paused", Result: "Failed",
		InitiatedBy: "carol@fabrikam.com"}, sessionEvents{items: map[[2]string]float64{}, bytes: map[[2]string]float64{}}, 1)
	want := `
# HELP vbo365_restore_bytes_total v6 and later: itemSizeBytes of the items counted in vbo365_restore_items_total.
# TYPE vbo365_restore_bytes_total counter
vbo365_restore_bytes_total{event_type="Export",initiated_by="CORP\\alice",organization="contoso.onmicrosoft.com",portal="false",server="east",status="Success"} 3000
vbo365_restore_bytes_total{event_type="Export",initiated_by="other",organization="contoso.onmicrosoft.com",portal="true",server="east",status="Success"} 500
# HELP vbo365_restore_initiators_folded_total v6 and later: restore sessions counted with initiated_by="other" because --collector.restores.initiators distinct initiators had been seen.
# TYPE vbo365_restore_initiators_folded_total counter
vbo365_restore_initiators_folded_total{server="east"} 2
# HELP vbo365_restore_items_total v6 and later: items the restore sessions counted in vbo365_restore_sessions_total saved, exported, sent, restored or viewed (their events other than None), by event type and status.
# TYPE vbo365_restore_items_total counter
vbo365_restore_items_total{event_type="Export",initiated_by="CORP\\alice",organization="contoso.onmicrosoft.com",portal="false",server="east",status="Success"} 2
vbo365_restore_items_total{event_type="Export",initiated_by="other",organization="contoso.onmicrosoft.com",portal="true",server="east",status="Success"} 1
# HELP vbo365_restore_sessions_total v6 and later: restore sessions that ended since the exporter started (sessions that ended before it are not counted, so a restart is a counter reset); portal is true for sessions made in the Restore Portal.
# TYPE vbo365_restore_sessions_total counter
vbo365_restore_sessions_total{initiated_by="CORP\\alice",organization="contoso.onmicrosoft.com",portal="false",result="Success",server="east",type="Vex"} 1
vbo365_restore_sessions_total{initiated_by="other",organization="contoso.onmicrosoft.com",portal="true",result="Success",server="east",type="Vex"} 1
vbo365_restore_sessions_total{initiated_by="other",organization="fabrikam.onmicrosoft.com",portal="false",result="Failed",server="east",type="Paused"} 1
`
	if err := testutil.CollectAndCompare(constMetrics(st.counters("east")), strings.NewReader(want)); err != nil {
		t.Error(err)
	}
}

// restoreFaults are the faults on the restore endpoints: each fails a
// read, or spoils what it reads.
func restoreFaults() []simulator.Fault {
	var out []simulator.Fault
	for _, ep := range []string{simulator.EndpointRestoreSessions, simulator.EndpointRestoreSession,
		simulator.EndpointRestoreSessionEvents, simulator.EndpointRbacRoles, simulator.EndpointRbacRoleOperators,
		simulator.EndpointRestorePortalSettings} {
		for _, k := range []simulator.FaultKind{simulator.StatusError, simulator.TooManyRequests, simulator.MalformedJSON,
			simulator.Truncated, simulator.HTMLError, simulator.NullStorm, simulator.IgnoreOffset, simulator.DuplicateIDs} {
			out = append(out, simulator.Fault{Endpoint: ep, Kind: k})
		}
	}
	return out
}

// restoreSeries flattens the restore and RBAC series of families, and the
// counters alone, by name and labels.
func restoreSeries(mfs []*dto.MetricFamily) (all, counters map[string]float64) {
	all, counters = map[string]float64{}, map[string]float64{}
	for _, mf := range mfs {
		name := mf.GetName()
		if !strings.HasPrefix(name, "vbo365_restore_") && !strings.HasPrefix(name, "vbo365_rbac_") {
			continue
		}
		for _, m := range mf.GetMetric() {
			k := name + fmt.Sprint(m.GetLabel())
			v := m.GetGauge().GetValue()
			if mf.GetType() == dto.MetricType_COUNTER {
				v = m.GetCounter().GetValue()
				counters[k] = v
			}
			all[k] = v
		}
	}
	return all, counters
}

// gatherWant gathers ms as a registry would.
func gatherWant(t *testing.T, ms []prometheus.Metric) []*dto.MetricFamily {
	t.Helper()
	reg := prometheus.NewRegistry()
	reg.MustRegister(constMetrics(ms))
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	return mfs
}

// TestRestoresUnderFaults: under every fault on the restore endpoints, the
// other collector (license) keeps its series and succeeds, and the restore
// counters are either exact or flagged (success 0) and as they were before
// the poll, never in between and never counted twice; once the fault is
// gone, the next poll is exact.
func TestRestoresUnderFaults(t *testing.T) {
	for _, v := range v6PlusVersions {
		for _, f := range restoreFaults() {
			for _, conc := range []int{1, 16} {
				t.Run(fmt.Sprintf("%s/%s/%s/concurrency=%d", v, f.Endpoint, f.Kind, conc), func(t *testing.T) {
					t.Parallel()
					synctest.Test(t, func(t *testing.T) { restoreFaultCase(t, v, f, conc) })
				})
			}
		}
	}
}

func restoreFaultCase(t *testing.T, v string, f simulator.Fault, conc int) {
	c := DefaultCollectors().Only("restores", "license")
	rig := newRestoreRig(t, versionRun{version: v}, conc, c, false)
	rig.s.RequestTimeout = model.Duration(2 * time.Second)
	sim := rig.sim
	e, want := rig.exporter(t), newRestoreWant(c)
	long := sim.AddRestoreSession(simulator.RestoreSpec{InitiatedBy: `CORP\alice`, Events: 60, Working: true})
	sim.AddRestoreSession(simulator.RestoreSpec{Organization: 1, InitiatedBy: `CORP\bob`, Events: 7})
	gatherOnce(t, e)
	// A newer session moves the window past the long one, which v6 and
	// v7 then read by id.
	time.Sleep(25 * time.Minute)
	sim.AddRestoreSession(simulator.RestoreSpec{InitiatedBy: `CORP\dave`, Events: 2})
	wantAll, _ := restoreSeries(gatherWant(t, want.metrics(sim, "east")))
	got, before := restoreSeries(gatherOnce(t, e))
	if !maps.Equal(got, wantAll) {
		t.Fatalf("without a fault: got %v, want %v", got, wantAll)
	}

	// Under the fault the long session ends, and another with events
	// over two pages.
	time.Sleep(time.Minute)
	sim.AddRestoreSession(simulator.RestoreSpec{Type: "Vet", InitiatedBy: `CORP\carol`, Events: 55})
	sim.EndRestoreSession(long)
	sim.AddFault(f)
	mfs := gatherOnce(t, e)
	wantAll, wantCounters := restoreSeries(gatherWant(t, want.metrics(sim, "east")))
	got, gotCounters := restoreSeries(mfs)
	ok := successOf(mfs)
	if ok["license"] != 1 || !hasFamily(mfs, "vbo365_license_units") {
		t.Errorf("the license collector suffered: success %v", ok["license"])
	}
	switch {
	case ok["restores"] == 1 && !maps.Equal(got, wantAll):
		t.Errorf("succeeded with wrong series:\n got %v\nwant %v", got, wantAll)
	case ok["restores"] == 0 && !maps.Equal(gotCounters, wantCounters) && !maps.Equal(gotCounters, before):
		t.Errorf("failed with counters neither as they were nor exact:\n got %v\nwas %v\nwant %v", gotCounters, before, wantCounters)
	}

	sim.ClearFaults()
	time.Sleep(time.Minute)
	mfs = gatherOnce(t, e)
	wantAll, _ = restoreSeries(gatherWant(t, want.metrics(sim, "east")))
	if got, _ := restoreSeries(mfs); successOf(mfs)["restores"] != 1 || !maps.Equal(got, wantAll) {
		t.Errorf("after the fault: success %v\n got %v\nwant %v", successOf(mfs)["restores"], got, wantAll)
	}
}

// successOf maps each collector to its vbo365_collector_success in mfs.
func successOf(mfs []*dto.MetricFamily) map[string]float64 {
	out := map[string]float64{}
	for _, mf := range mfs {
		if mf.GetName() != "vbo365_collector_success" {
			continue
		}
		for _, m := range mf.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "collector" {
					out[l.GetValue()] = m.GetGauge().GetValue()
				}
			}
		}
	}
	return out
}

func hasFamily(mfs []*dto.MetricFamily, name string) bool {
	return slices.ContainsFunc(mfs, func(mf *dto.MetricFamily) bool { return mf.GetName() == name && len(mf.GetMetric()) > 0 })
}

// TestRestoreRequestsPerPoll counts the requests of the restores collector:
// the first poll reads no session of the history (all ended more than the
// overlap before the start) and no events; at steady state a poll sends
// one list (v8: two, by start and by end), the portal settings, the roles
// and each role's operators; a session that ended adds its events' pages;
// on v6 and v7 a session working outside the window adds one read by id.
func TestRestoreRequestsPerPoll(t *testing.T) {
	for _, v := range v6PlusVersions {
		t.Run(v, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				rig := newRestoreRig(t, versionRun{version: v}, 4, DefaultCollectors().Only("restores"), true)
				sim, e := rig.sim, rig.exporter(t)
				lists, roles := int64(1), int64(len(sim.RestoreTruth().Roles))
				if v == "v8" {
					lists = 2
				}
				poll := func() map[string]int64 {
					sim.ResetCounters()
					gatherOnce(t, e)
					out := map[string]int64{}
					for _, ep := range []string{simulator.EndpointRestoreSessions, simulator.EndpointRestoreSession,
						simulator.EndpointRestoreSessionEvents, simulator.EndpointRestorePortalSettings,
						simulator.EndpointRbacRoles, simulator.EndpointRbacRoleOperators} {
						out[ep] = sim.Requests(ep)
					}
					return out
				}
				want := func(perID, events int64) map[string]int64 {
					return map[string]int64{simulator.EndpointRestoreSessions: lists, simulator.EndpointRestoreSession: perID,
						simulator.EndpointRestoreSessionEvents: events, simulator.EndpointRestorePortalSettings: 1,
						simulator.EndpointRbacRoles: 1, simulator.EndpointRbacRoleOperators: roles}
				}
				check := func(step string, got, want map[string]int64) {
					t.Helper()
					if !maps.Equal(got, want) {
						t.Errorf("%s: requests %v, want %v", step, got, want)
					}
				}
				check("first poll", poll(), want(0, 0))
				long := sim.AddRestoreSession(simulator.RestoreSpec{Working: true, InitiatedBy: "a"})
				check("a session working", poll(), want(0, 0))
				time.Sleep(30 * time.Minute)
				sim.AddRestoreSession(simulator.RestoreSpec{InitiatedBy: "b", Events: 120})
				// Three pages of 50; v8's pages have no totalCount, and the
				// reader asks for up to two pages past the end of a list
				// it has not read before.
				got := poll()
				if v == "v8" && got[simulator.EndpointRestoreSessionEvents] <= 5 {
					got[simulator.EndpointRestoreSessionEvents] = min(got[simulator.EndpointRestoreSessionEvents], 3)
				}
				check("a session ended with 121 events", got, want(0, 3))
				perID := int64(b2i(v != "v8"))
				check("steady, one working outside the window", poll(), want(perID, 0))
				sim.EndRestoreSession(long)
				check("it ended", poll(), want(perID, 1))
				check("steady", poll(), want(0, 0))
			})
		})
	}
}

// TestRestoreCostAtTenThousandADay measures the restores collector's
// requests on a server with a history of 10,000 restore sessions, where 7
// sessions of 20 items end every minute (10,080 a day) and the exporter
// polls every minute: the first poll reads no session of the history, and
// a steady poll reads two pages of the window per list (about 77 sessions
// at page_size 50), each ended session's events once (one page each), the
// portal settings, the roles and their operators. go test -v prints the
// figures.
func TestRestoreCostAtTenThousandADay(t *testing.T) {
	for _, v := range v6PlusVersions {
		t.Run(v, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) { restoreCost(t, v) })
		})
	}
}

func restoreCost(t *testing.T, v string) {
	tenant := restoreTenant
	tenant.Ops.Restores = simulator.RestoreOptions{Sessions: 10000, Events: 20}
	rig := newRestoreRigOf(t, versionRun{version: v}, 4, DefaultCollectors().Only("restores"), false, tenant)
	sim, e := rig.sim, rig.exporter(t)
	eps := []string{simulator.EndpointRestoreSessions, simulator.EndpointRestoreSession, simulator.EndpointRestoreSessionEvents,
		simulator.EndpointRestorePortalSettings, simulator.EndpointRbacRoles, simulator.EndpointRbacRoleOperators}
	poll := func() (map[string]int64, int64) {
		sim.ResetCounters()
		gatherOnce(t, e)
		out, total := map[string]int64{}, int64(0)
		for _, ep := range eps {
			out[ep] = sim.Requests(ep)
			total += out[ep]
		}
		return out, total
	}
	if first, _ := poll(); first[simulator.EndpointRestoreSessions] != int64(1+b2i(v == "v8")) || first[simulator.EndpointRestoreSessionEvents] != 0 {
		t.Errorf("the first poll read %v", first)
	}
	var steady []int64
	for minute := range 30 {
		time.Sleep(time.Minute)
		for k := range 7 {
			sim.AddRestoreSession(simulator.RestoreSpec{Organization: k % 2, InitiatedBy: fmt.Sprintf(`CORP\op%d`, k), Events: 20})
		}
		got, total := poll()
		if got[simulator.EndpointRestoreSessionEvents] != 7 {
			t.Errorf("minute %d: events of %d sessions read, want the 7 that ended", minute, got[simulator.EndpointRestoreSessionEvents])
		}
		if minute >= 15 {
			steady = append(steady, total)
			if got[simulator.EndpointRestoreSessions] > int64(3*(1+b2i(v == "v8"))) {
				t.Errorf("minute %d: %d session pages", minute, got[simulator.EndpointRestoreSessions])
			}
		}
	}
	t.Logf("%s: requests per steady poll %v (history 10,000 sessions, 7 ended a minute)", v, steady)
}

// TestRestoreStartedBeforeTheExporter pins what README "Restores and
// access" says of a session that started two hours before the exporter and
// ends while it runs: v8 counts it when it ends (its list by end time
// holds it), v6 and v7 never list it; no version shows it running.
func TestRestoreStartedBeforeTheExporter(t *testing.T) {
	for _, v := range v6PlusVersions {
		t.Run(v, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				tenant := restoreTenant
				tenant.Ops.Restores.Working = 1
				rig := newRestoreRigOf(t, versionRun{version: v}, 4, DefaultCollectors().Only("restores"), true, tenant)
				sim, e := rig.sim, rig.exporter(t)
				var old string
				for _, s := range sim.RestoreTruth().Sessions {
					if s.Ended.IsZero() {
						old = s.ID
					}
				}
				count := func() (sessions, running int) {
					for _, mf := range gatherOnce(t, e) {
						for _, m := range mf.GetMetric() {
							switch mf.GetName() {
							case "vbo365_restore_sessions_total":
								sessions += int(m.GetCounter().GetValue())
							case "vbo365_restore_sessions_running":
								running += int(m.GetGauge().GetValue())
							}
						}
					}
					return sessions, running
				}
				if s, r := count(); s != 0 || r != 0 {
					t.Errorf("before it ends: %d counted, %d running; want none", s, r)
				}
				time.Sleep(time.Minute)
				if old == "" || !sim.EndRestoreSession(old) {
					t.Fatal("the history has no working session")
				}
				want := b2i(v == "v8")
				if s, r := count(); s != want || r != 0 {
					t.Errorf("once it ended: %d counted, %d running; want %d and none", s, r, want)
				}
			})
		})
	}
}
