package collector

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"testing/synctest"

	"github.com/go-kit/log"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/vbo365-exporter/vbo365_exporter/config"
	"github.com/vbo365-exporter/vbo365_exporter/poll"
	"github.com/vbo365-exporter/vbo365_exporter/protection"
	"github.com/vbo365-exporter/vbo365_exporter/simulator"
)

// nullStormLists are the v6–v8 lists a poll reads for the mailbox figures.
var nullStormLists = []string{
	simulator.EndpointJobs, simulator.EndpointServiceInstance, simulator.EndpointOrganizations,
	simulator.EndpointOrganizationJobs, simulator.EndpointSelectedItems, simulator.EndpointExcludedItems,
	simulator.EndpointUsers, simulator.EndpointGroups, simulator.EndpointGroupMembers, simulator.EndpointUserData,
}

// TestNullStormMatrix: with every member the schema does not require null
// or absent (and some required ones null) on one list, or on every list
// at once, each job is exact or flagged, never a count that hides a
// mailbox, on v6, v7 and v8 at one request in flight and at sixteen.
func TestNullStormMatrix(t *testing.T) {
	for _, v := range v6PlusVersions {
		for _, ep := range append(nullStormLists, "") {
			if ep == simulator.EndpointOrganizationJobs && v == "v8" {
				continue // v8 has no such path
			}
			for _, conc := range []int{1, 16} {
				name := ep
				if name == "" {
					name = "all"
				}
				t.Run(fmt.Sprintf("%s/%s/concurrency=%d", v, name, conc), func(t *testing.T) {
					t.Parallel()
					synctest.Test(t, func(t *testing.T) {
						f := simulator.Fault{Endpoint: ep, Kind: simulator.NullStorm}
						res, sim := pollUnderFault(t, v, simulator.TenantOptions{Users: 80, Organizations: 2}, f, conc, nil)
						checkExactOrFlagged(t, res, sim)
						// A job id is not required: the storm takes every one.
						if ep == simulator.EndpointJobs || ep == "" {
							if res.UnidentifiedJobs == 0 || len(res.Jobs) != 0 {
								t.Errorf("%d jobs without id and %d with one, want every job without", res.UnidentifiedJobs, len(res.Jobs))
							}
						}
					})
				})
			}
		}
	}
}

// checkExactOrFlagged fails t for a job whose figures hide a mailbox: a
// job that succeeds has the truth's figures, or no more backed up and no
// fewer mailboxes and mailboxes not backed up than the truth; a job that
// fails has an error and no counts; a job sent without an id is counted in
// UnidentifiedJobs. A null never takes the server down: the job list is
// read whatever its members.
func checkExactOrFlagged(t *testing.T, res *poll.ServerResult, sim *simulator.Simulator) {
	t.Helper()
	if !res.Up {
		t.Fatalf("server down: %v", res.Err)
	}
	truth := map[string]simulator.ProtectionTruth{}
	for _, tr := range sim.ProtectionTruth() {
		truth[tr.JobID] = tr
	}
	if len(res.Jobs)+res.UnidentifiedJobs != len(truth) {
		t.Fatalf("%d jobs reported and %d without id, the server has %d", len(res.Jobs), res.UnidentifiedJobs, len(truth))
	}
	for _, j := range res.Jobs {
		tr, ok := truth[j.ID]
		c := j.Figures
		switch {
		case !ok:
			t.Errorf("job %q is not the server's", j.ID)
		case !j.Success && j.Err == nil:
			t.Errorf("job %q failed without an error", tr.JobName)
		case !j.Success && (c.Mailboxes != 0 || c.BackedUp != 0):
			t.Errorf("job %q failed but carries counts %+v", tr.JobName, c)
		case j.Success && j.Err != nil:
			t.Errorf("job %q succeeded with an error: %v", tr.JobName, j.Err)
		case j.Success && (c.BackedUp > tr.BackedUp || c.Mailboxes < tr.Mailboxes ||
			c.Mailboxes-c.BackedUp < tr.Mailboxes-tr.BackedUp):
			t.Errorf("WRONG figures for job %q: %d mailboxes, %d backed up, %d unresolved; truth %d, %d, %d",
				tr.JobName, c.Mailboxes, c.BackedUp, j.Figures.Unresolved, tr.Mailboxes, tr.BackedUp, tr.Unresolved)
		}
		if j.Err != nil && strings.Contains(j.Err.Error(), "sim-password-1") {
			t.Errorf("job %q: the error shows the password", tr.JobName)
		}
	}
}

// TestNullStormOperations: with a null storm on the list an operations
// collector reads, the collector still succeeds where the list can be
// read, and every series it reports is one the same server reports
// without the storm, with the same value: a null member leaves its series
// out, it never turns into a zero, an empty label or a default.
func TestNullStormOperations(t *testing.T) {
	for _, tc := range append(slices.Clone(operationsLists),
		operationsList{simulator.EndpointOrganizations, "organizations", v6PlusVersions}) {
		for _, v := range tc.versions {
			t.Run(tc.endpoint+"/"+v, func(t *testing.T) {
				synctest.Test(t, func(t *testing.T) {
					clean, _ := opsExporter(t, v, opsTenant, DefaultCollectors(), nil, false)
					want := seriesValues(t, clean)
					e, sim := opsExporter(t, v, opsTenant, DefaultCollectors(), nil, false)
					sim.AddFault(simulator.Fault{Endpoint: tc.endpoint, Kind: simulator.NullStorm})
					got := seriesValues(t, e)
					res := e.LastResults()[0]
					if !res.Up {
						t.Fatalf("server down: %v", res.Err)
					}
					for _, c := range res.Collectors {
						if c.Err != nil {
							t.Errorf("collector %s: %v", c.Name, c.Err)
						}
					}
					for s, val := range got {
						w, ok := want[s]
						switch {
						case ok && (w == val || math.IsNaN(w) && math.IsNaN(val)):
						case !ok && val == 1 && infoWithUnknowns(s, want):
						default:
							t.Errorf("%s = %v under the storm; without it: %v (present %v)", s, val, w, ok)
						}
					}
				})
			})
		}
	}
}

// seriesValues is every series of a scrape of e, by name and labels,
// but for the ones of the exporter's own bookkeeping.
func seriesValues(t *testing.T, e *Exporter) map[string]float64 {
	t.Helper()
	mfs := gatherOnce(t, e)
	out := map[string]float64{}
	for _, mf := range mfs {
		switch name := mf.GetName(); {
		case strings.HasPrefix(name, "vbo365_exporter_"), strings.HasPrefix(name, "vbo365_api_"),
			strings.HasSuffix(name, "_duration_seconds"), strings.HasSuffix(name, "_timestamp_seconds") && strings.Contains(name, "scrape"):
			continue
		}
		for _, m := range mf.GetMetric() {
			var b strings.Builder
			b.WriteString(mf.GetName())
			for _, l := range m.GetLabel() {
				fmt.Fprintf(&b, ",%s=%q", l.GetName(), l.GetValue())
			}
			val := m.GetGauge().GetValue() + m.GetCounter().GetValue() + m.GetUntyped().GetValue()
			out[b.String()] = val
		}
	}
	return out
}

// infoWithUnknowns reports whether s is an _info series of want with some
// descriptive labels empty: a null fact shows as unknown there. Labels
// that name the object (*_id) must be there and equal.
func infoWithUnknowns(s string, want map[string]float64) bool {
	name, labels, _ := strings.Cut(s, ",")
	if !strings.HasSuffix(name, "_info") {
		return false
	}
	got := strings.Split(labels, ",")
	for w := range want {
		wname, wlabels, _ := strings.Cut(w, ",")
		if wname != name {
			continue
		}
		ws := strings.Split(wlabels, ",")
		if len(ws) != len(got) {
			continue
		}
		match := true
		for k := range ws {
			key, val, _ := strings.Cut(got[k], "=")
			if got[k] != ws[k] && (val != `""` || strings.HasSuffix(key, "_id")) {
				match = false
				break
			}
		}
		if match {
			return true
		}
	}
	return false
}

// TestNullFlagsAreLogged: the simulator's tenant has a group selected with
// memberMailbox null and a user excluded with mailbox null; those jobs log
// it once per poll, the others not at all.
func TestNullFlagsAreLogged(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var buf bytes.Buffer
		logger := log.NewLogfmtLogger(log.NewSyncWriter(&buf))
		s, sim, n := memV6PlusServer(t, "v8", 3, simulator.TenantOptions{Users: 80})
		e := memExporter(t, n, logger, s)
		res := e.Poll(context.Background())[0]
		hc := sim.HardCases()
		want := map[string]bool{hc.CycleJob: true, hc.PartialOrgJob: true}
		for _, j := range res.Jobs {
			logged := strings.Contains(lineOf(buf.String(), j.ID, "flag sent as null"), "items=1")
			if logged != want[j.ID] || (j.Figures.NullFlagItems > 0) != want[j.ID] {
				t.Errorf("job %q: %d items with null flags, logged %v; want %v", j.Name, j.Figures.NullFlagItems, logged, want[j.ID])
			}
		}
	})
}

// lineOf is the log line about job id that contains msg, or "".
func lineOf(logs, id, msg string) string {
	for _, l := range strings.Split(logs, "\n") {
		if strings.Contains(l, "job_id="+id) && strings.Contains(l, msg) {
			return l
		}
	}
	return ""
}

// TestNullStormWorkloads: with every workload on, a null storm on any list
// a workload reads (and on the users, members and user data they share
// with the mailboxes) leaves each workload of each job exact or flagged:
// failed with an error and no figures, or no more backed up and no fewer
// objects in scope and not backed up than the truth.
func TestNullStormWorkloads(t *testing.T) {
	for _, v := range v6PlusVersions {
		for _, ep := range []string{simulator.EndpointSites, simulator.EndpointTeams, simulator.EndpointSiteData,
			simulator.EndpointTeamData, simulator.EndpointUsers, simulator.EndpointUserData, simulator.EndpointSelectedItems} {
			for _, conc := range []int{1, 16} {
				t.Run(fmt.Sprintf("%s/%s/concurrency=%d", v, ep, conc), func(t *testing.T) {
					t.Parallel()
					synctest.Test(t, func(t *testing.T) {
						tenant := simulator.TenantOptions{Workloads: true, Users: 70, Organizations: 2}
						f := simulator.Fault{Endpoint: ep, Kind: simulator.NullStorm}
						res, sim := pollUnderFault(t, v, tenant, f, conc, func(s *config.Server) { *s = everyWorkload(*s) })
						checkExactOrFlagged(t, res, sim)
						// The selected items' storm fails every job (their
						// items have no type); the others leave figures.
						if n := checkWorkloadsExactOrFlagged(t, res, sim); n == 0 && ep != simulator.EndpointSelectedItems {
							t.Error("no workload of any job was checked")
						}
					})
				})
			}
		}
	}
}

// checkWorkloadsExactOrFlagged is checkExactOrFlagged for every workload
// of every job that reports figures; it returns how many had figures.
func checkWorkloadsExactOrFlagged(t *testing.T, res *poll.ServerResult, sim *simulator.Simulator) (checked int) {
	t.Helper()
	truth := map[string]simulator.WorkloadTruth{}
	for _, tr := range sim.WorkloadTruth() {
		truth[tr.JobID+"/"+tr.Workload] = tr
	}
	for _, j := range res.Jobs {
		if !j.Success {
			continue // checked by checkExactOrFlagged
		}
		for w := range protection.Workload(protection.NumWorkloads) {
			f, tr := j.Figures.Workloads[w], truth[j.ID+"/"+w.String()]
			if f.Err == nil && f.InScope > 0 && w != protection.WorkloadMailbox {
				checked++
			}
			switch {
			case f.Err != nil && (f.InScope != 0 || f.BackedUp != 0):
				t.Errorf("job %q, %s failed but carries figures %+v", j.Name, w, f)
			case f.Err != nil:
			case f.BackedUp > tr.BackedUp || f.InScope < tr.InScope || f.InScope-f.BackedUp < tr.InScope-tr.BackedUp:
				t.Errorf("WRONG figures for job %q, %s: %d in scope, %d backed up, %d unresolved; truth %d, %d, %d",
					j.Name, w, f.InScope, f.BackedUp, f.Unresolved, tr.InScope, tr.BackedUp, tr.Unresolved)
			}
		}
	}
	return checked
}

// TestJobsWithoutIDAreCounted: jobs sent without an id are left out, the
// rest of the list is read, vbo365_jobs_unidentified counts them and the
// log names them; a server whose jobs all have one reports 0.
func TestJobsWithoutIDAreCounted(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s, sim, n := memV6PlusServer(t, "v8", 3, simulator.TenantOptions{Users: 30})
		var logs bytes.Buffer
		e := memExporter(t, n, log.NewLogfmtLogger(&logs), s)
		expo := func(jobs int) string {
			return fmt.Sprintf(`
# HELP vbo365_jobs_unidentified %s
# TYPE vbo365_jobs_unidentified gauge
vbo365_jobs_unidentified{server="east"} %d
# HELP vbo365_up %s
# TYPE vbo365_up gauge
vbo365_up{server="east"} 1
`, help(unidentifiedJobsDesc), jobs, help(upDesc))
		}
		if err := testutil.CollectAndCompare(e.Collector(context.Background()), strings.NewReader(expo(0)),
			"vbo365_jobs_unidentified", "vbo365_up"); err != nil {
			t.Fatal(err)
		}
		sim.AddFault(simulator.Fault{Endpoint: simulator.EndpointJobs, Kind: simulator.NullStorm})
		jobs := len(sim.ProtectionTruth())
		if err := testutil.CollectAndCompare(e.Collector(context.Background()), strings.NewReader(expo(jobs)),
			"vbo365_jobs_unidentified", "vbo365_up"); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(logs.String(), "jobs sent without an id are left out") ||
			!strings.Contains(logs.String(), fmt.Sprintf("jobs=%d", jobs)) {
			t.Errorf("the log does not say it:\n%s", logs.String())
		}
	})
}
