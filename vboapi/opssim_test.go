package vboapi

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/go-kit/log"

	"github.com/vbo365-exporter/vbo365_exporter/contract"
	"github.com/vbo365-exporter/vbo365_exporter/simulator"
)

// opsSimClient serves a simulator with every operations knob set, through
// Veeam's schemas (each exchange is validated when the test ends), to a
// client pinned to v.
func opsSimClient(t *testing.T, v Version) (*Client, *simulator.Simulator) {
	t.Helper()
	sim := simulator.New(simulator.Options{
		Username: "svc", Password: "pw", Versions: []string{"v6", "v7", "v8"},
		Tenant: simulator.TenantOptions{
			Organizations: 2, Users: 60, GroupSize: 6, LargeGroupSize: 25,
			Now: time.Date(2025, 5, 1, 12, 0, 0, 0, time.UTC),
			Ops: simulator.OpsOptions{Sessions: 8, ArchiveRepositories: 2, NearFullRepository: true, OfflineProxy: true, Unhealthy: true},
		},
	})
	validator, err := contract.New()
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(validator.Handler(sim))
	u, _ := url.Parse(srv.URL)
	c, err := New(Options{Server: "sim", APIVersion: v, BaseURL: u, Username: "svc", Password: "pw",
		RequestTimeout: 10 * time.Second, MaxConcurrent: 2, Logger: log.NewNopLogger()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		c.Close()
		srv.Close()
		validator.Check(t)
	})
	return c, sim
}

// TestOpsAgainstSimulator reads every operations resource of each version
// from the simulator and compares it with the simulator's own truth.
func TestOpsAgainstSimulator(t *testing.T) {
	fxVersions(t, []Version{V6, V7, V8}, func(t *testing.T, v Version) {
		c, sim := opsSimClient(t, v)
		truth := sim.OpsTruth()
		ctx := context.Background()
		lic, err := c.License(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if lic.UsedNumber != truth.LicenseUsed || lic.TotalNumber != truth.LicenseTotal ||
			!lic.Expires.Equal(truth.LicenseExpires) || lic.Status != truth.LicenseStatus {
			t.Errorf("License() = %+v, truth %+v", lic, truth)
		}
		for org, n := range truth.LicensedUsers {
			if got, err := c.OrganizationLicensing(ctx, org); err != nil || got.LicensedUsers != n {
				t.Errorf("OrganizationLicensing(%s) = %+v, %v; want %d licensed users", org, got, err, n)
			}
		}
		checkSimRepositories(t, c, v, truth)
		checkSimProxies(t, c, truth)
		copies, err := c.CopyJobs(ctx)
		if err != nil || len(copies) != len(truth.CopyJobs) {
			t.Fatalf("CopyJobs() = %d jobs, %v; want %d", len(copies), err, len(truth.CopyJobs))
		}
		for i := range copies {
			if copies[i].ID != truth.CopyJobs[i] || copies[i].LastRun.IsZero() {
				t.Errorf("copy job %d = %+v, want id %s with a last run", i, copies[i], truth.CopyJobs[i])
			}
		}
		checkSimSessions(t, c, v, truth.Sessions)
		h, err := c.Health(ctx)
		if v == V8 && (err != nil || h.Healthy() || len(h.Entries) != 2) {
			t.Errorf("Health() = %+v, %v; want the unhealthy report", h, err)
		}
	})
}

func checkSimRepositories(t *testing.T, c *Client, v Version, truth simulator.OpsTruth) {
	t.Helper()
	repos, err := c.Repositories(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]Repository{}
	for _, r := range repos {
		byID[r.ID] = r
	}
	full := byID[truth.NearFullRepository]
	if full.CapacityBytes == nil || full.FreeSpaceBytes == nil || *full.FreeSpaceBytes != *full.CapacityBytes/50 {
		t.Errorf("near-full repository %+v: want 2%% free", full)
	}
	for _, id := range truth.ArchiveRepositories {
		if r := byID[id]; r.ObjectStorage == nil || !isTrue(r.LongTerm) {
			t.Errorf("archive repository %+v: want long-term object storage", r)
		}
	}
	s := byID[truth.ImmutableRepository].ObjectStorage
	if s == nil || s.FreeSpaceBytes == nil || *s.FreeSpaceBytes*20 > *s.SizeLimitGB<<30 {
		t.Fatalf("immutable repository's storage %+v: want under 5%% of its size limit free", s)
	}
	switch {
	case v == V6 && s.ImmutabilityEnabled != nil:
		t.Errorf("v6 object storage says immutability %v; v6 has no such field", *s.ImmutabilityEnabled)
	case v != V6 && !isTrue(s.ImmutabilityEnabled):
		t.Error("the immutable repository's storage is not immutable")
	case v == V8 && (s.ImmutabilityPeriodDays == nil || *s.ImmutabilityPeriodDays != 30):
		t.Errorf("immutability period %v, want 30 days", s.ImmutabilityPeriodDays)
	}
}

func checkSimProxies(t *testing.T, c *Client, truth simulator.OpsTruth) {
	t.Helper()
	proxies, err := c.Proxies(context.Background(), true)
	if err != nil {
		t.Fatal(err)
	}
	offline := 0
	for _, p := range proxies {
		if p.Online() == (p.ID == truth.OfflineProxy) {
			t.Errorf("proxy %s online %v; the offline one is %s", p.ID, p.Online(), truth.OfflineProxy)
		}
		if !p.Online() {
			offline++
		}
	}
	if offline != 1 {
		t.Errorf("%d offline proxies, want 1", offline)
	}
}

// checkSimSessions reads the whole history in small pages, then
// incrementally from a bound, and counts the processed objects of a
// failed and a warned session.
func checkSimSessions(t *testing.T, c *Client, v Version, truth []simulator.SessionTruth) {
	t.Helper()
	all := fxReadSessions(t, c, SessionFilter{}, 7)
	compareSimSessions(t, "whole history", all, truth, v)
	bound := truth[len(truth)/3].Created
	var since []simulator.SessionTruth
	for _, s := range truth {
		if !s.Created.Before(bound) { // the simulator bounds the creation time
			since = append(since, s)
		}
	}
	compareSimSessions(t, "since "+bound.String(), fxReadSessions(t, c, SessionFilter{EndTimeLowerBound: bound}, 7), since, v)
	if v == V6 {
		return
	}
	for _, status := range []string{"Failed", "Warning"} {
		for _, s := range truth {
			if s.Status != status {
				continue
			}
			n, err := c.SessionObjectCounts(context.Background(), s.ID, 9)
			want := ObjectCounts{Success: s.Progress - s.Warned - s.Failed, Warning: s.Warned, Failed: s.Failed}
			if err != nil || n != want {
				t.Errorf("SessionObjectCounts(%s session) = %+v, %v; want %+v", status, n, err, want)
			}
			break
		}
	}
}

func compareSimSessions(t *testing.T, what string, got []JobSession, want []simulator.SessionTruth, v Version) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d sessions, want %d", what, len(got), len(want))
	}
	for i, g := range got {
		w := want[i]
		jobType, main := w.JobType, w.MainSessionID
		if v == V6 { // v6 sessions carry neither
			jobType, main = "", ""
		}
		if g.ID != w.ID || g.JobID != w.JobID || g.Status != w.Status || g.JobType != jobType || g.MainSessionID != main ||
			!g.CreationTime.Equal(w.Created) || !g.EndTime.Equal(w.Ended) || g.Progress != w.Progress ||
			g.Statistics.TransferredDataBytes != w.TransferredBytes || g.Statistics.ProcessedObjects != w.ProcessedItems {
			t.Errorf("%s: session %d = %+v, want %+v", what, i, g, w)
		}
	}
}

// TestSimSessionStatusFilter: v8 filters by status on the server (the
// simulator checks the "Succeeded" spelling), earlier versions on the
// client; both keep exactly the successful sessions.
func TestSimSessionStatusFilter(t *testing.T) {
	fxVersions(t, []Version{V6, V8}, func(t *testing.T, v Version) {
		c, sim := opsSimClient(t, v)
		var want []simulator.SessionTruth
		for _, s := range sim.OpsTruth().Sessions {
			if s.Status == "Success" {
				want = append(want, s)
			}
		}
		compareSimSessions(t, "successes", fxReadSessions(t, c, SessionFilter{Status: "Success"}, 50), want, v)
	})
}

// TestSimUnknownSessionIs404 keeps "not found" an APIError callers can
// test.
func TestSimUnknownSessionIs404(t *testing.T) {
	c, _ := opsSimClient(t, V7)
	if _, err := c.JobSession(context.Background(), "0badc0de-0000-4000-8000-000000000000"); StatusCode(err) != http.StatusNotFound {
		t.Errorf("JobSession(unknown) = %v, want a 404", err)
	}
}
