package simulator

import (
	"context"
	"net/http/httptest"
	"net/url"
	"reflect"
	"testing"
	"testing/synctest"
	"time"
)

// TestRestoreSessionFilters: startTimeFrom keeps the sessions created from
// it on, endTimeFrom (v8) those that ended from it on and never one still
// working; a session added while the simulator runs is listed at once,
// working, then ended.
func TestRestoreSessionFilters(t *testing.T) {
	sim := New(Options{Versions: allV6Plus, Tenant: TenantOptions{Now: tenantNow, Ops: OpsOptions{Restores: RestoreOptions{Sessions: 10, Working: 1}}}})
	srv := httptest.NewServer(sim)
	defer srv.Close()
	added := sim.AddRestoreSession(RestoreSpec{Working: true, Events: 3})
	type session struct {
		ID           string  `json:"id"`
		CreationTime string  `json:"creationTime"`
		EndTime      *string `json:"endTime"`
		State        string  `json:"state"`
	}
	list := func(c *vclient, q url.Values) []session {
		var out []session
		for _, raw := range c.all("/RestoreSessions?"+q.Encode(), 3) {
			var s session
			mustJSON(t, raw, &s)
			out = append(out, s)
		}
		return out
	}
	from := tenantNow.Add(-30 * time.Hour)
	for _, ver := range allV6Plus {
		c := newVClient(t, srv, ver)
		all := list(c, nil)
		if len(all) != 12 {
			t.Fatalf("%s: %d sessions, want the 10 finished, the working one and the added one", ver, len(all))
		}
		for _, s := range list(c, url.Values{"startTimeFrom": {from.Format(time.RFC3339)}}) {
			if created, _ := time.Parse(time.RFC3339Nano, s.CreationTime); created.Before(from) {
				t.Errorf("%s: startTimeFrom %v kept a session created %v", ver, from, created)
			}
		}
		if ver != "v8" {
			continue
		}
		ended := list(c, url.Values{"endTimeFrom": {from.Format(time.RFC3339)}})
		for _, s := range ended {
			if s.EndTime == nil || s.State != "Stopped" {
				t.Errorf("endTimeFrom kept session %s, which has not ended", s.ID)
			}
		}
		if len(ended) == 0 {
			t.Error("endTimeFrom kept nothing")
		}
	}
	var got session
	c := newVClient(t, srv, "v7")
	c.getJSON("/RestoreSessions/"+added, &got)
	if got.State != "Working" || got.EndTime != nil {
		t.Errorf("added session: %+v, want working", got)
	}
	if !sim.EndRestoreSession(added) || sim.EndRestoreSession(added) {
		t.Error("EndRestoreSession: want true once, then false")
	}
	c.getJSON("/RestoreSessions/"+added, &got)
	if got.State != "Stopped" || got.EndTime == nil {
		t.Errorf("ended session: %+v", got)
	}
	events := c.all("/RestoreSessions/"+added+"/Events", 2)
	if len(events) != 4 {
		t.Errorf("%d events, want the opening one and 3 items", len(events))
	}
}

// TestRunRestores: sessions come at the rate asked, and each ends within
// three minutes of its start.
func TestRunRestores(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		sim := New(Options{Versions: []string{"v8"}, Tenant: TenantOptions{Ops: OpsOptions{Restores: RestoreOptions{Sessions: -1}}}})
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { sim.RunRestores(ctx, 6); close(done) }()
		time.Sleep(10*time.Minute + time.Second)
		cancel()
		<-done
		tr := sim.RestoreTruth()
		if len(tr.Sessions) != 60 {
			t.Fatalf("%d sessions in ten minutes at 6 a minute", len(tr.Sessions))
		}
		for _, s := range tr.Sessions {
			if s.Ended.IsZero() && time.Since(s.Created) > 4*time.Minute {
				t.Errorf("session %s started %v ago still works", s.ID, time.Since(s.Created))
			}
		}
	})
}

// TestRunRestoresLimit: with RunFor and RunLimit, RunRestores adds that
// many sessions, each ends a tick after RunFor, it returns by itself, and a
// simulator with the same options given the same specs holds the same
// sessions, but for their times.
func TestRunRestoresLimit(t *testing.T) {
	opts := Options{Versions: []string{"v8"}, Seed: 5, Tenant: TenantOptions{Now: tenantNow,
		Ops: OpsOptions{Restores: RestoreOptions{Sessions: 3, RunFor: time.Second, RunLimit: 5}}}}
	synctest.Test(t, func(t *testing.T) {
		sim := New(opts)
		start := time.Now()
		sim.RunRestores(context.Background(), 30)
		if took := time.Since(start); took != 12*time.Second {
			t.Errorf("RunRestores returned after %v, want 12s (5 sessions 2s apart, the last ended 2s later)", took)
		}
		got := sim.RestoreTruth().Sessions
		twin := New(opts)
		for n := range 5 {
			twin.AddRestoreSession(twin.RestoreRunSpec(n))
		}
		want := twin.RestoreTruth().Sessions
		if len(got) != 8 || len(want) != 8 {
			t.Fatalf("%d and %d sessions, want 3 of history and 5 added", len(got), len(want))
		}
		for i, s := range got[3:] {
			if s.State != "Stopped" || s.Ended.Sub(s.Created) != 2*time.Second {
				t.Errorf("session %d: %s, ended %v after it started, want Stopped after 2s", i, s.State, s.Ended.Sub(s.Created))
			}
			w := want[3+i]
			s.Created, s.Ended, w.Created, w.Ended = time.Time{}, time.Time{}, time.Time{}, time.Time{}
			if !reflect.DeepEqual(s, w) {
				t.Errorf("session %d:\n got %+v\nwant %+v", i, s, w)
			}
		}
	})
}

// TestRestoreFaultSpecs: the fault specs name the restore endpoints, and a
// fault on one session's events spoils that session's only.
func TestRestoreFaultSpecs(t *testing.T) {
	for _, ep := range []string{EndpointRestoreSessions, EndpointRestoreSession, EndpointRestoreSessionEvents,
		EndpointRbacRoles, EndpointRbacRoleOperators} {
		if f, err := ParseFault(ep + ":status=503"); err != nil || f.Endpoint != ep || f.Status != 503 {
			t.Errorf("%s: %+v, %v", ep, f, err)
		}
	}
	sim := New(Options{Versions: []string{"v8"}, Tenant: TenantOptions{Now: tenantNow}})
	srv := httptest.NewServer(sim)
	defer srv.Close()
	a, b := sim.AddRestoreSession(RestoreSpec{Events: 1}), sim.AddRestoreSession(RestoreSpec{Events: 1})
	sim.AddFault(Fault{Endpoint: EndpointRestoreSessionEvents, JobID: a, Kind: StatusError, Status: 503})
	c := newVClient(t, srv, "v8")
	if status, _ := c.get("/v8/RestoreSessions/" + a + "/Events"); status != 503 {
		t.Errorf("the session the fault names: %d, want 503", status)
	}
	if status, _ := c.get("/v8/RestoreSessions/" + b + "/Events"); status != 200 {
		t.Errorf("another session: %d, want 200", status)
	}
}
