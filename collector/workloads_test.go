package collector

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/prometheus/common/model"

	"github.com/vbo365-exporter/vbo365_exporter/config"
	"github.com/vbo365-exporter/vbo365_exporter/poll"
	"github.com/vbo365-exporter/vbo365_exporter/protection"
	"github.com/vbo365-exporter/vbo365_exporter/simulator"
)

// everyWorkload turns every workload on in s, each with its whole list of
// objects not backed up.
func everyWorkload(s config.Server) config.Server {
	s.Workloads = config.Workloads
	s.UnprotectedObjectSeries = config.MaxUnprotectedMailboxSeries
	return s
}

func workloadFigures(inScope, backedUp, unresolved int, oldest time.Time, notBackedUp []string) string {
	return fmt.Sprintf("%d in scope, %d backed up, %d unresolved, oldest %v, not backed up %v",
		inScope, backedUp, unresolved, oldest.UTC(), notBackedUp)
}

// checkWorkloads fails t unless every job of res has exactly the
// simulator's figures for every workload of on; a workload of a job may
// have failed only when mayFail says so, and then has no figures.
func checkWorkloads(t *testing.T, res *poll.ServerResult, sim *simulator.Simulator, on protection.WorkloadSet, mayFail func(protection.Workload) bool) {
	t.Helper()
	truth := map[string]simulator.WorkloadTruth{}
	for _, tr := range sim.WorkloadTruth() {
		truth[tr.JobID+"/"+tr.Workload] = tr
	}
	for _, j := range res.Jobs {
		if !j.Success {
			continue // the job's own failure; checked by the mailbox checks
		}
		if j.WorkloadsOn != on {
			t.Fatalf("job %q: workloads %b, want %b", j.Name, j.WorkloadsOn, on)
		}
		for w := range protection.Workload(protection.NumWorkloads) {
			if !on.Has(w) {
				continue
			}
			f, tr := j.Figures.Workloads[w], truth[j.ID+"/"+w.String()]
			if f.Err != nil {
				if !mayFail(w) {
					t.Errorf("job %q, %s: %v", j.Name, w, f.Err)
				}
				if f.InScope != 0 || f.BackedUp != 0 || len(f.NotBackedUp) != 0 {
					t.Errorf("job %q, %s failed but carries figures %+v", j.Name, w, f)
				}
				continue
			}
			var notBackedUp []string
			for _, o := range f.NotBackedUp {
				notBackedUp = append(notBackedUp, o.Address)
			}
			got := workloadFigures(f.InScope, f.BackedUp, f.Unresolved, f.OldestBackup, notBackedUp)
			want := workloadFigures(tr.InScope, tr.BackedUp, tr.Unresolved, tr.OldestBackup, tr.NotBackedUp)
			if got != want {
				t.Errorf("WRONG figures for job %q, %s:\n got %s\nwant %s", j.Name, w, got, want)
			}
			if at := j.WorkloadsAt[w]; !at.Equal(j.FiguresAt) {
				t.Errorf("job %q, %s: figures of %v, the job's of %v", j.Name, w, at, j.FiguresAt)
			}
		}
	}
}

func never(protection.Workload) bool { return false }

// TestWorkloadsMatchTruth compares every workload of every job with the
// simulator's truth over randomized tenants with sites and teams, on each
// version (v8 of both minor releases), at one request in flight and at sixteen; the mailbox series
// stay exactly what they are without workloads.
func TestWorkloadsMatchTruth(t *testing.T) {
	tenants := []simulator.TenantOptions{
		{Workloads: true},
		{Workloads: true, Organizations: 2, Users: 90, Repositories: 3, Sites: 25, Teams: 8},
		{Workloads: true, Users: 40, NoEntireOrgJob: true, GroupSize: 4, BackedUpFraction: 0.5},
	}
	for _, run := range versionRuns() {
		for k, tenant := range tenants {
			for _, conc := range []int{1, 16} {
				seed := int64(40*k + conc)
				t.Run(fmt.Sprintf("%s/tenant=%d/seed=%d/concurrency=%d", run, k, seed, conc), func(t *testing.T) {
					s, sim := v6PlusServerRun(t, run, seed, tenant)
					s = everyWorkload(s)
					s.MaxConcurrentRequests = conc
					res := newTestExporter(t, s).Poll(context.Background())[0]
					checkTruth(t, res, sim)
					checkWorkloads(t, res, sim, protection.AllWorkloads, never)
				})
			}
		}
	}
}

// TestWorkloadSeries renders the simulator's truth as the exposition of
// the per-workload series and compares it with a scrape, which must also
// pass the linter; the capped lists are cut to the configured length.
func TestWorkloadSeries(t *testing.T) {
	s, sim := v6PlusServer(t, "v8", 9, simulator.TenantOptions{Workloads: true, Users: 60})
	s = everyWorkload(s)
	s.UnprotectedObjectSeries = 2
	c := newTestExporter(t, s).Collector(context.Background())

	names := map[string]string{
		"vbo365_job_workload_scrape_success": help(workloadSuccessDesc),
		"vbo365_job_objects":                 help(objectsDesc),
		"vbo365_job_objects_backed_up":       help(objectsBackedUpDesc),
		"vbo365_job_objects_unresolved":      help(objectsUnresolvedDesc),
	}
	rows := map[string][]string{}
	listed := map[string]int{} // per job and workload
	for _, tr := range sim.WorkloadTruth() {
		l := fmt.Sprintf(`job_id="%s",job_name="%s",server="east",workload="%s"`, tr.JobID, tr.JobName, tr.Workload)
		rows["vbo365_job_workload_scrape_success"] = append(rows["vbo365_job_workload_scrape_success"], fmt.Sprintf("vbo365_job_workload_scrape_success{%s} 1", l))
		rows["vbo365_job_objects"] = append(rows["vbo365_job_objects"], fmt.Sprintf("vbo365_job_objects{%s} %d", l, tr.InScope))
		rows["vbo365_job_objects_backed_up"] = append(rows["vbo365_job_objects_backed_up"], fmt.Sprintf("vbo365_job_objects_backed_up{%s} %d", l, tr.BackedUp))
		rows["vbo365_job_objects_unresolved"] = append(rows["vbo365_job_objects_unresolved"], fmt.Sprintf("vbo365_job_objects_unresolved{%s} %d", l, tr.Unresolved))
		if tr.Workload != "mailbox" {
			listed[tr.JobID+"/"+tr.Workload] = min(len(tr.NotBackedUp), 2)
		}
	}
	var want strings.Builder
	var compared []string
	for name, h := range names {
		sort.Strings(rows[name])
		fmt.Fprintf(&want, "# HELP %s %s\n# TYPE %s gauge\n%s\n", name, h, name, strings.Join(rows[name], "\n"))
		compared = append(compared, name)
	}
	if err := testutil.CollectAndCompare(c, strings.NewReader(want.String()), compared...); err != nil {
		t.Fatal(err)
	}
	if problems, err := testutil.CollectAndLint(c); err != nil || len(problems) > 0 {
		t.Fatalf("lint: %v %+v", err, problems)
	}
	total := 0
	for _, n := range listed {
		total += n
	}
	if n := testutil.CollectAndCount(c, "vbo365_object_not_backed_up"); n != total || total == 0 {
		t.Errorf("%d vbo365_object_not_backed_up series, want %d (at most 2 per job and workload)", n, total)
	}
}

// TestWorkloadsSetting: only the configured workloads are exported, and
// with neither sites nor teams among them no site or team list is read;
// the mailbox series do not depend on the setting.
func TestWorkloadsSetting(t *testing.T) {
	for _, names := range [][]string{{}, {"archive", "onedrive"}, {"mailbox", "team"}} {
		t.Run(strings.Join(names, ","), func(t *testing.T) {
			s, sim := v6PlusServer(t, "v7", 4, simulator.TenantOptions{Workloads: true, Users: 50})
			s = everyWorkload(s)
			s.Workloads = names
			res := newTestExporter(t, s).Poll(context.Background())[0]
			checkTruth(t, res, sim)
			on := protection.WorkloadsNamed(names)
			checkWorkloads(t, res, sim, on, never)
			sites := sim.Requests(simulator.EndpointSites) + sim.Requests(simulator.EndpointSiteData)
			if sites != 0 {
				t.Errorf("%d site requests with workloads %v", sites, names)
			}
			teams := sim.Requests(simulator.EndpointTeams) + sim.Requests(simulator.EndpointTeamData)
			if (teams != 0) != on.Has(protection.WorkloadTeam) {
				t.Errorf("%d team requests with workloads %v", teams, names)
			}
		})
	}
}

// workloadFaults are the fault matrix's rows for the lists only sites and
// teams need, plus the shared lists they also depend on.
func workloadFaults() []v6PlusFault {
	var out []v6PlusFault
	for _, fc := range v6PlusFaults() {
		switch fc.fault.Endpoint {
		case simulator.EndpointUsers, simulator.EndpointGroupMembers, simulator.EndpointUserData:
			out = append(out, fc)
		}
	}
	for _, ep := range []string{simulator.EndpointSites, simulator.EndpointTeams, simulator.EndpointSiteData, simulator.EndpointTeamData} {
		for _, fc := range v6PlusFaults() {
			if fc.fault.Endpoint != simulator.EndpointUsers {
				continue
			}
			fc.fault.Endpoint = ep
			fc.name = ep + strings.TrimPrefix(fc.name, simulator.EndpointUsers)
			out = append(out, fc)
		}
	}
	return out
}

// siteOrTeamList reports whether the endpoint is a list only the sites or
// the teams need, whose failure is the workload's alone.
func siteOrTeamList(ep string) (protection.Workload, bool) {
	switch ep {
	case simulator.EndpointSites, simulator.EndpointSiteData:
		return protection.WorkloadSite, true
	case simulator.EndpointTeams, simulator.EndpointTeamData:
		return protection.WorkloadTeam, true
	}
	return 0, false
}

// TestWorkloadFaultMatrix: under every fault, each workload of each job is
// exact or flagged, on v6, v7 and v8, at one request in flight and at
// sixteen; a fault on a site or team list never costs a job its mailbox
// figures, nor any other workload's.
func TestWorkloadFaultMatrix(t *testing.T) {
	for _, v := range v6PlusVersions {
		for _, fc := range workloadFaults() {
			for _, conc := range []int{1, 16} {
				t.Run(fmt.Sprintf("%s/%s/concurrency=%d", v, fc.name, conc), func(t *testing.T) {
					t.Parallel()
					synctest.Test(t, func(t *testing.T) {
						tenant := simulator.TenantOptions{Workloads: true, Users: 70, Organizations: 2}
						res, sim := pollUnderFault(t, v, tenant, fc.fault, conc, func(s *config.Server) { *s = everyWorkload(*s) })
						only, local := siteOrTeamList(fc.fault.Endpoint)
						want := fc.want
						if local {
							want = allExact // for the mailboxes
						}
						checkV6PlusNeverWrong(t, res, sim, want)
						checkWorkloads(t, res, sim, protection.AllWorkloads, func(w protection.Workload) bool {
							return fc.want != allExact && (!local || w == only)
						})
					})
				})
			}
		}
	}
}

// TestFailedRefreshKeepsWorkloadFigures: with protection_interval, a
// refresh whose site list fails keeps the sites' earlier complete figures,
// with their time, and takes everything else from the new refresh.
func TestFailedRefreshKeepsWorkloadFigures(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s, sim, n := memV6PlusServer(t, "v8", 5, simulator.TenantOptions{Workloads: true, Users: 60})
		s = everyWorkload(s)
		s.ProtectionInterval = model.Duration(10 * time.Minute)
		e := memExporter(t, n, nil, s)
		ctx := context.Background()
		first := e.Poll(ctx)[0]
		checkWorkloads(t, first, sim, protection.AllWorkloads, never)
		t0 := figuresTimes(t, first)

		sim.AddFault(simulator.Fault{Endpoint: simulator.EndpointSiteData, Kind: simulator.StatusError, Status: 500})
		time.Sleep(11 * time.Minute)
		e.Poll(ctx)
		synctest.Wait() // the refresh read everything but the site data
		kept := e.Poll(ctx)[0]
		checkTruth(t, kept, sim)
		sites := 0
		for _, j := range kept.Jobs {
			if !j.FiguresAt.After(t0[j.ID]) {
				t.Errorf("job %q: figures of %v, want the new refresh's", j.Name, j.FiguresAt)
			}
			f := j.Figures.Workloads[protection.WorkloadSite]
			if f.Err != nil {
				t.Errorf("job %q: the sites lost their figures: %v", j.Name, f.Err)
			}
			if at := j.WorkloadsAt[protection.WorkloadSite]; !at.Equal(t0[j.ID]) && f.InScope > 0 {
				t.Errorf("job %q: site figures of %v, want the first refresh's %v", j.Name, at, t0[j.ID])
			}
			sites += f.InScope
		}
		if sites == 0 {
			t.Fatal("no job has sites in scope: the test proves nothing")
		}
	})
}

// TestRepeatedSiteFailsTheSites: a site or team that the organization's list
// names twice in one snapshot may stand in for one it left out, so the
// workload fails for the jobs that need the list, and only it.
func TestRepeatedSiteFailsTheSites(t *testing.T) {
	for _, ep := range []string{simulator.EndpointSites, simulator.EndpointTeams} {
		t.Run(ep, func(t *testing.T) {
			s, sim := v6PlusServer(t, "v8", 6, simulator.TenantOptions{Workloads: true, Users: 60, Sites: 30, Teams: 12})
			s = everyWorkload(s)
			s.PageSize = 5
			sim.AddFault(simulator.Fault{Endpoint: ep, Kind: simulator.DuplicateIDs})
			res := newTestExporter(t, s).Poll(context.Background())[0]
			checkTruth(t, res, sim)
			w := protection.WorkloadSite
			if ep == simulator.EndpointTeams {
				w = protection.WorkloadTeam
			}
			checkWorkloads(t, res, sim, protection.AllWorkloads, func(f protection.Workload) bool { return f == w })
			failed := 0
			for _, j := range res.Jobs {
				if err := j.Figures.Workloads[w].Err; err != nil {
					failed++
					if !strings.Contains(err.Error(), "twice") {
						t.Errorf("job %q: %v, want the repeat named", j.Name, err)
					}
				}
			}
			if failed == 0 {
				t.Errorf("no job lost its %s figures to a repeated entry", w)
			}
		})
	}
}
