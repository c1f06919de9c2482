package simulator

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"testing"
	"time"
)

// wSession is the part of a RESTJobSession the tests read.
type wSession struct {
	ID, JobID, JobType, Status, MainSessionID string
	CreationTime                              time.Time
	EndTime                                   *time.Time
	Progress                                  int
}

// TestOpsLeaveTenantAlone: the operations knobs that do not concern
// storage change nothing the tenant's endpoints serve, since ops data is
// drawn from a source of its own; the storage knobs only append archive
// repositories and lower one repository's free space.
func TestOpsLeaveTenantAlone(t *testing.T) {
	base := Options{Versions: allV6Plus, Seed: 5, Tenant: TenantOptions{Organizations: 2, Now: tenantNow}}
	other := base
	other.Tenant.Ops = OpsOptions{Sessions: 3, OfflineProxy: true, Unhealthy: true, LicenseExpiresIn: -time.Hour}
	storage := base
	storage.Tenant.Ops = OpsOptions{ArchiveRepositories: 2, NearFullRepository: true}
	a, b, s := New(base), New(other), New(storage)
	if !slices.EqualFunc(a.ProtectionTruth(), b.ProtectionTruth(), equalTruth) || !slices.EqualFunc(a.ProtectionTruth(), s.ProtectionTruth(), equalTruth) {
		t.Fatal("the ops options changed the protection truth")
	}
	ca, cb, cs := newVClient(t, newServerFor(t, a), "v8"), newVClient(t, newServerFor(t, b), "v8"), newVClient(t, newServerFor(t, s), "v8")
	repo := a.ProtectionTruth()[0].RepositoryID
	for _, path := range []string{"/Jobs", "/Organizations?extendedView=true", "/BackupRepositories",
		"/BackupRepositories/" + repo + "/UserData?limit=10000", "/Jobs/" + a.HardCases().ExcludedMemberJob + "/SelectedItems"} {
		_, ba := ca.get(ca.p + path)
		_, bb := cb.get(cb.p + path)
		if string(ba) != string(bb) {
			t.Errorf("%s differs with other ops options", path)
		}
	}
	var plain, stored vpage
	ca.getJSON("/BackupRepositories", &plain)
	cs.getJSON("/BackupRepositories", &stored)
	if len(stored.Results) != len(plain.Results)+2 || string(stored.Results[1]) != string(plain.Results[1]) ||
		string(stored.Results[0]) == string(plain.Results[0]) {
		t.Errorf("storage knobs: %d repositories from %d, or more changed than the first", len(stored.Results), len(plain.Results))
	}
}

// TestSessionHistory checks each job's history against the job: its newest
// session is the job's last run with its last status, the newest
// successful one is its last backup, none ends after Now, and the tenant
// shows every status an alert needs.
func TestSessionHistory(t *testing.T) {
	srv, sim := NewServer(t, Options{Versions: allV6Plus, Tenant: TenantOptions{Now: tenantNow}})
	c := newVClient(t, srv, "v8")
	statuses := map[string]bool{}
	var jobs []struct {
		ID, LastStatus      string
		LastRun, LastBackup *time.Time
	}
	c.getJSON("/Jobs?limit=100", &vpageOf[struct {
		ID, LastStatus      string
		LastRun, LastBackup *time.Time
	}]{Results: &jobs})
	for _, j := range jobs {
		got := decodeAll[wSession](t, c.all("/JobSessions?jobId="+j.ID, 7))
		if j.LastRun == nil {
			if len(got) != 0 {
				t.Errorf("job %s never ran but has %d sessions", j.ID, len(got))
			}
			continue
		}
		if len(got) < sim.Options().Tenant.Ops.Sessions || !got[0].CreationTime.Equal(*j.LastRun) || got[0].Status != j.LastStatus {
			t.Errorf("job %s (%s at %v): %d sessions, newest %+v", j.ID, j.LastStatus, j.LastRun, len(got), got[0])
		}
		lastOK := slices.IndexFunc(got, func(s wSession) bool { return s.Status == "Success" || s.Status == "Warning" })
		if lastOK < 0 || !got[lastOK].CreationTime.Equal(*j.LastBackup) {
			t.Errorf("job %s: last backup %v, newest successful session %d", j.ID, j.LastBackup, lastOK)
		}
		for i, s := range got {
			statuses[s.Status] = true
			if s.JobID != j.ID || i > 0 && s.CreationTime.After(got[i-1].CreationTime) || s.EndTime != nil && s.EndTime.After(tenantNow) {
				t.Errorf("job %s session %d: %+v", j.ID, i, s)
			}
		}
	}
	for _, want := range []string{"Success", "Warning", "Failed", "Running"} {
		if !statuses[want] {
			t.Errorf("no %s session in the default tenant", want)
		}
	}
}

// vpageOf decodes a page's results into a typed slice.
type vpageOf[T any] struct {
	Results *[]T `json:"results"`
}

// TestSessionFilters: the bounds select by creation time (either
// date-time spelling), pages of any size add up to the whole list, v8's
// status filter takes "Succeeded" (and refuses "Success", which is not in
// its enum), and v6's per-job list is the job's sessions.
func TestSessionFilters(t *testing.T) {
	srv, sim := NewServer(t, Options{Versions: allV6Plus, Tenant: TenantOptions{Now: tenantNow, Ops: OpsOptions{ArchiveRepositories: 1}}})
	truth := sim.OpsTruth().Sessions
	bound := truth[len(truth)/2].Created
	ids := func(keep func(SessionTruth) bool) []string {
		var out []string
		for _, s := range truth {
			if keep(s) {
				out = append(out, s.ID)
			}
		}
		return out
	}
	all := ids(func(SessionTruth) bool { return true })
	since := ids(func(s SessionTruth) bool { return !s.Created.Before(bound) })
	before := ids(func(s SessionTruth) bool { return s.Created.Before(bound) })
	copies := ids(func(s SessionTruth) bool { return s.JobType == "Copy" })
	ok := ids(func(s SessionTruth) bool { return s.Status == "Success" })
	if len(copies) == 0 || len(since) == 0 || len(before) == 0 {
		t.Fatalf("too few sessions to filter: %d copies, %d/%d around the bound", len(copies), len(since), len(before))
	}
	q := func(k, v string) string { return "?" + url.Values{k: {v}}.Encode() }
	for _, tc := range []struct {
		ver, query string
		want       []string
	}{
		{"v6", "", all},
		{"v7", "", all},
		{"v6", q("endTimeLowerBound", bound.Format(time.RFC3339Nano)), since},
		{"v8", q("endTimeLowerBound", bound.Format("2006-01-02T15:04:05.9999999")), since},
		{"v7", q("endTimeUpperBound", bound.Format(time.RFC3339Nano)), before},
		{"v6", q("jobType", "Copy"), copies},
		{"v8", q("jobType", "copy"), copies},
		{"v8", q("status", "Succeeded"), ok},
	} {
		for _, limit := range []int{5, 1000} {
			c := newVClient(t, srv, tc.ver)
			got := decodeAll[wSession](t, c.all("/JobSessions"+tc.query, limit))
			var gotIDs []string
			for _, s := range got {
				gotIDs = append(gotIDs, s.ID)
			}
			if !slices.Equal(gotIDs, tc.want) {
				t.Errorf("%s /JobSessions%s at limit %d: %d sessions, want %d", tc.ver, tc.query, limit, len(gotIDs), len(tc.want))
			}
		}
	}
	c8, c6 := newVClient(t, srv, "v8"), newVClient(t, srv, "v6")
	for _, bad := range []string{q("status", "Success"), q("endTimeLowerBound", "yesterday"), q("jobId", "42")} {
		if status, _ := c8.get("/v8/JobSessions" + bad); status != http.StatusBadRequest {
			t.Errorf("/v8/JobSessions%s: %d, want 400", bad, status)
		}
	}
	job := sim.ProtectionTruth()[0].JobID
	perJob := decodeAll[wSession](t, c6.all("/Jobs/"+job+"/JobSessions", 3))
	if want := ids(func(s SessionTruth) bool { return s.JobID == job }); len(perJob) != len(want) || perJob[0].ID != want[0] {
		t.Errorf("v6 job sessions: %d, want %d", len(perJob), len(want))
	}
}

// TestOpsPaths: each version serves the paths its schema has and answers
// 404 for the others and for unknown ids.
func TestOpsPaths(t *testing.T) {
	srv, sim := NewServer(t, Options{Versions: allV6Plus, Tenant: TenantOptions{Now: tenantNow, Ops: OpsOptions{ArchiveRepositories: 1}}})
	ot := sim.OpsTruth()
	session, job := ot.Sessions[0].ID, sim.ProtectionTruth()[0].JobID
	c := newVClient(t, srv, "v8")
	for path, want := range map[string]int{
		"/v6/Health": 404, "/v8/Health": 200,
		"/v6/Jobs/" + job + "/JobSessions": 200, "/v7/Jobs/" + job + "/JobSessions": 404,
		"/v6/JobSessions/" + session + "/ProcessedObjects": 404, "/v7/JobSessions/" + session + "/ProcessedObjects": 200,
		"/v7/objectstoragerepositories": 200, "/v8/objectstoragerepositories": 404,
		"/v8/JobSessions/" + session: 200, "/v8/JobSessions/" + zeroGUID: 404,
		"/v8/CopyJobs/" + ot.CopyJobs[0]: 200, "/v8/CopyJobs/" + zeroGUID: 404,
		"/v8/Proxies/" + zeroGUID: 404, "/v7/objectstoragerepositories/" + zeroGUID: 404,
		"/v6/Jobs/" + zeroGUID + "/JobSessions":                   404,
		"/v8/Organizations/" + zeroGUID + "/LicensingInformation": 404,
	} {
		ver := path[1:3]
		cv := c
		if ver != "v8" {
			cv = newVClient(t, srv, ver)
		}
		if status, b := cv.get(path); status != want {
			t.Errorf("GET %s: %d, want %d: %s", path, status, want, truncate(b))
		}
	}
}

// TestProcessedObjectCounts: ProcessedObjects lists exactly Progress
// objects, of which exactly Warned and Failed say so.
func TestProcessedObjectCounts(t *testing.T) {
	srv, sim := NewServer(t, Options{Versions: allV6Plus, Tenant: TenantOptions{Now: tenantNow}})
	c := newVClient(t, srv, "v7")
	seen := map[string]bool{}
	for _, s := range sim.OpsTruth().Sessions {
		if seen[s.Status] {
			continue
		}
		seen[s.Status] = true
		objects := decodeAll[struct{ ID, Type, Status string }](t, c.all("/JobSessions/"+s.ID+"/ProcessedObjects", 7))
		n := map[string]int{}
		for _, o := range objects {
			n[o.Status]++
		}
		if len(objects) != s.Progress || n["Warning"] != s.Warned || n["Failed"] != s.Failed || n["Success"] != s.Progress-s.Warned-s.Failed {
			t.Errorf("%s session %s: %d objects %v, want %d with %d warned and %d failed", s.Status, s.ID, len(objects), n, s.Progress, s.Warned, s.Failed)
		}
	}
}

// TestOpsFaultsAndLatency: faults select the new endpoints and their ids
// like the others, and the latency model counts their items.
func TestOpsFaultsAndLatency(t *testing.T) {
	srv, sim := NewServer(t, Options{Versions: allV6Plus, Tenant: TenantOptions{Now: tenantNow, Ops: OpsOptions{ArchiveRepositories: 1}}})
	ot := sim.OpsTruth()
	c := newVClient(t, srv, "v8")
	sim.ResetCounters()
	sim.AddFault(Fault{Endpoint: EndpointJobSession, JobID: ot.Sessions[1].ID, Status: 503, Kind: StatusError, Requests: []int{1}})
	sim.AddFault(Fault{Endpoint: EndpointCopyJobs, Kind: MalformedJSON, Requests: []int{1}})
	for _, step := range []struct {
		path string
		want int
	}{
		{"/JobSessions/" + ot.Sessions[0].ID, 200}, {"/JobSessions/" + ot.Sessions[1].ID, 503},
		{"/JobSessions/" + ot.Sessions[1].ID, 200},
	} {
		if status, _ := c.get(c.p + step.path); status != step.want {
			t.Errorf("GET %s: %d, want %d", step.path, status, step.want)
		}
	}
	if _, b := c.get(c.p + "/CopyJobs"); json.Valid(b) {
		t.Errorf("malformed copy jobs are valid JSON: %s", truncate(b))
	}
	if n := sim.Requests(EndpointJobSession); n != 3 {
		t.Errorf("%d job-session requests counted, want 3", n)
	}
	if f, err := ParseFault("job-sessions:status=500:requests=2"); err != nil || f.Endpoint != EndpointJobSessions {
		t.Errorf("ParseFault: %+v %v", f, err)
	}
	req := httptest.NewRequest(http.MethodGet, "/v8/JobSessions?limit=7", nil)
	req.Header.Set("Authorization", "Bearer "+c.token)
	if rep := sim.reply(req, sim.route(req)); rep.items != 7 {
		t.Errorf("a page of 7 sessions counts %d items for the latency model", rep.items)
	}
}

// TestUnknownValues: OpsOptions.UnknownValues serves on the wire the
// values off the schemas' enums that the truths report, and the Paused
// job's newest session is Paused too.
func TestUnknownValues(t *testing.T) {
	sim := New(Options{Versions: allV6Plus, Seed: 5, Tenant: TenantOptions{Now: tenantNow,
		Ops: OpsOptions{UnknownValues: true, ArchiveRepositories: 1}}})
	c := newVClient(t, newServerFor(t, sim), "v8")
	inv, ot := sim.InventoryTruth(), sim.OpsTruth()
	var lic struct{ Type, Status string }
	c.getJSON("/License", &lic)
	var health struct {
		Entries map[string]struct{ Status string }
	}
	c.getJSON("/Health", &health)
	var proxies, copies, jobs, repos struct {
		Results []struct {
			ID, Status, LastStatus string
			ObjectStorage          *struct{ Type string }
		}
	}
	c.getJSON("/Proxies", &proxies)
	c.getJSON("/CopyJobs", &copies)
	c.getJSON("/Jobs", &jobs)
	c.getJSON("/BackupRepositories", &repos)
	storage := ""
	for _, r := range repos.Results {
		if r.ObjectStorage != nil {
			storage = r.ObjectStorage.Type
		}
	}
	got := []string{lic.Type, lic.Status, health.Entries["NATS"].Status, proxies.Results[0].Status,
		copies.Results[0].LastStatus, storage}
	want := []string{inv.License.Type, ot.LicenseStatus, ot.NATSStatus, inv.Proxies[0].Status,
		inv.CopyJobs[0].LastStatus, inv.Repositories[len(inv.Repositories)-1].StorageType}
	if !slices.Equal(got, want) || !slices.Equal(want, []string{"Free", "Grace", "Degraded", "Maintenance", "Paused", "OracleCloud"}) {
		t.Errorf("served %v, truth %v", got, want)
	}
	paused := ""
	for _, j := range jobs.Results {
		if j.LastStatus == "Paused" {
			paused = j.ID
			break
		}
	}
	for _, s := range ot.Sessions {
		if s.JobID == paused {
			if s.Status != "Paused" {
				t.Errorf("the Paused job's newest session is %s", s.Status)
			}
			return
		}
	}
	t.Errorf("no session of a Paused job (%q)", paused)
}
