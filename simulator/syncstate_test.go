package simulator

import (
	"net/http"
	"testing"
	"time"
)

// syncWire holds both versions' RESTOrganizationSyncState.
type syncWire struct {
	Type           *string `json:"type"`
	Status         string  `json:"status"`
	LastSyncTime   *string `json:"lastSyncTime"`
	Error          *string `json:"error"`
	OrganizationID string  `json:"organizationId"`
	LastSyncState  *struct {
		Type, Result, StartTime, EndTime string
		Error                            *string
	} `json:"lastSyncState"`
	CurrentSyncState *struct {
		Type, Status             string
		ScheduledTime, StartTime *string
	} `json:"currentSyncState"`
}

// absentOrgID is an organization id no tenant has.
const absentOrgID = "00000000-0000-4000-8000-0000000000a1"

func syncTenant() TenantOptions {
	return TenantOptions{Organizations: 5, Users: 20, Now: tenantNow,
		Ops: OpsOptions{Sync: SyncOptions{Failed: OrgsOf(1), Never: OrgsOf(2), Running: OrgsOf(2, 3), Queued: OrgsOf(4), Error: "quota exceeded"}}}
}

// TestSyncStateServed: both versions serve what SyncTruth says, v8's list
// in organization order; v6 has no such resource, nor v7 the list.
func TestSyncStateServed(t *testing.T) {
	srv, sim := NewServer(t, Options{Versions: allV6Plus, Tenant: syncTenant()})
	truth := sim.SyncTruth()
	want := []struct {
		finished bool
		result   string
		current  string
	}{{true, "Success", ""}, {true, "Error", ""}, {false, "", "Running"}, {true, "Success", "Running"}, {true, "Success", "Queued"}}
	if len(truth) != len(want) {
		t.Fatalf("%d organizations, want %d", len(truth), len(want))
	}
	for i, w := range want {
		st := truth[i]
		if st.Finished != w.finished || st.Result != w.result || st.Current != w.current {
			t.Errorf("organization %d: %+v, want %+v", i, st, w)
		}
		if st.Finished && (st.End.After(tenantNow) || !st.Start.Before(st.End) || tenantNow.Sub(st.End) > time.Hour) {
			t.Errorf("organization %d: synchronized %v to %v, now %v", i, st.Start, st.End, tenantNow)
		}
	}
	if truth[1].Error != "quota exceeded" || truth[0].Error != "" {
		t.Errorf("errors %q, %q", truth[0].Error, truth[1].Error)
	}

	v7 := newVClient(t, srv, "v7")
	for _, st := range truth {
		var got syncWire
		v7.getJSON("/Organizations/"+st.OrganizationID+"/SyncState", &got)
		status, end := "None", ""
		if st.Finished {
			status, end = st.Result, st.End.Format("2006-01-02T15:04:05.0000000Z")
		}
		if got.Status != status || (end == "") != (got.LastSyncTime == nil) || (end != "" && *got.LastSyncTime != end) || got.CurrentSyncState != nil {
			t.Errorf("v7 %s: %+v, want status %s at %s", st.OrganizationName, got, status, end)
		}
	}
	if status, _ := v7.get("/v7/Organizations/SyncState"); status != http.StatusNotFound {
		t.Errorf("GET /v7/Organizations/SyncState: %d, want 404", status)
	}

	v8 := newVClient(t, srv, "v8")
	var all []syncWire
	v8.getJSON("/Organizations/SyncState", &all)
	if len(all) != len(truth) {
		t.Fatalf("v8: %d states, want %d", len(all), len(truth))
	}
	for i, st := range truth {
		got := all[i]
		if got.OrganizationID != st.OrganizationID || (got.LastSyncState != nil) != st.Finished ||
			(got.CurrentSyncState != nil) != (st.Current != "") {
			t.Errorf("v8 %s: %+v, want %+v", st.OrganizationName, got, st)
			continue
		}
		if st.Finished && got.LastSyncState.Result != st.Result {
			t.Errorf("v8 %s: result %s, want %s", st.OrganizationName, got.LastSyncState.Result, st.Result)
		}
		if st.Current != "" && got.CurrentSyncState.Status != st.Current {
			t.Errorf("v8 %s: current %s, want %s", st.OrganizationName, got.CurrentSyncState.Status, st.Current)
		}
		var one syncWire
		v8.getJSON("/Organizations/"+st.OrganizationID+"/SyncState", &one)
		if one.OrganizationID != st.OrganizationID || (one.LastSyncState != nil) != st.Finished {
			t.Errorf("v8 %s alone: %+v", st.OrganizationName, one)
		}
	}

	v6 := newVClient(t, srv, "v6")
	for _, p := range []string{"/v6/Organizations/" + truth[0].OrganizationID + "/SyncState", "/v6/Organizations/SyncState"} {
		if status, _ := v6.get(p); status != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", p, status)
		}
	}
	if status, _ := v8.get("/v8/Organizations/" + absentOrgID + "/SyncState"); status != http.StatusNotFound {
		t.Errorf("an absent organization's sync state: %d, want 404", status)
	}
}

// TestSyncStateDeterministic: the same seed gives the same states, and the
// sync options change no other answer's truth.
func TestSyncStateDeterministic(t *testing.T) {
	a := New(Options{Versions: allV6Plus, Seed: 7, Tenant: syncTenant()}).SyncTruth()
	b := New(Options{Versions: allV6Plus, Seed: 7, Tenant: syncTenant()}).SyncTruth()
	plain := TenantOptions{Organizations: 5, Users: 20, Now: tenantNow}
	c := New(Options{Versions: allV6Plus, Seed: 7, Tenant: plain}).SyncTruth()
	for i := range a {
		if a[i] != b[i] {
			t.Errorf("organization %d: %+v then %+v", i, a[i], b[i])
		}
		if a[i].Finished && (!a[i].End.Equal(c[i].End) || a[i].Type != c[i].Type) {
			t.Errorf("organization %d: the options moved its last synchronization: %+v, %+v", i, a[i], c[i])
		}
		if c[i].Result != "Success" || c[i].Current != "" {
			t.Errorf("default organization %d: %+v", i, c[i])
		}
	}
}
