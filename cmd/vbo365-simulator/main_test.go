package main

import (
	"io"
	"slices"
	"testing"
	"time"

	"github.com/vbo365-exporter/vbo365_exporter/simulator"
)

func TestParseFlagsVersionsAndTenant(t *testing.T) {
	c, err := parseFlags([]string{"--api-versions=v6, V7,v8", "--tenant.users=1000", "--tenant.organizations=2",
		"--tenant.group-jobs=-1", "--no-tenant.entire-org-job", "--tenant.repositories=3"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	o := c.opts
	if !slices.Equal(o.Versions, []string{"v6", "v7", "v8"}) || o.Tenant.Users != 1000 || o.Tenant.Organizations != 2 ||
		o.Tenant.GroupJobs != -1 || !o.Tenant.NoEntireOrgJob || o.Tenant.NoPartialOrgJob || o.Tenant.Repositories != 3 {
		t.Errorf("parsed %+v", o)
	}
	c, err = parseFlags(nil, io.Discard)
	if err != nil || !slices.Equal(c.opts.Versions, []string{"v1"}) {
		t.Errorf("default versions %v, %v", c.opts.Versions, err)
	}
	for _, bad := range []string{"--api-versions=v5", "--api-versions=,"} {
		if _, err := parseFlags([]string{bad}, io.Discard); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
}

func TestParseFlagsWorkloads(t *testing.T) {
	c, err := parseFlags([]string{"--api-versions=v8", "--tenant.workloads", "--tenant.sites=30", "--tenant.teams=9"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if tn := c.opts.Tenant; !tn.Workloads || tn.Sites != 30 || tn.Teams != 9 {
		t.Errorf("parsed %+v", tn)
	}
	if c, _ = parseFlags(nil, io.Discard); c.opts.Tenant.Workloads {
		t.Error("workloads on by default: the simulator's default tenant must stay mailbox-only")
	}
}

func TestParseFlagsOps(t *testing.T) {
	c, err := parseFlags(nil, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.opts.Tenant.Ops != (simulator.OpsOptions{}) {
		t.Errorf("without --ops.* flags the options must be the library's defaults (zero), got %+v", c.opts.Tenant.Ops)
	}

	c, err = parseFlags([]string{"--api-versions=v6,v7,v8", "--ops.sessions-per-job=3", "--ops.archive-repositories=2",
		"--ops.near-full-repository", "--ops.offline-proxy", "--ops.unhealthy", "--ops.license-expires-in=20d",
		"--ops.sync-failed=1", "--ops.sync-failed=2", "--ops.sync-error=denied", "--ops.sync-never=0", "--ops.sync-running=0", "--ops.sync-queued=3"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	want := simulator.OpsOptions{Sessions: 3, ArchiveRepositories: 2, NearFullRepository: true, OfflineProxy: true,
		Unhealthy: true, LicenseExpiresIn: 20 * 24 * time.Hour,
		Sync: simulator.SyncOptions{Failed: simulator.OrgsOf(1, 2), Error: "denied", Never: simulator.OrgsOf(0),
			Running: simulator.OrgsOf(0), Queued: simulator.OrgsOf(3)}}
	if c.opts.Tenant.Ops != want {
		t.Fatalf("parsed %+v, want %+v", c.opts.Tenant.Ops, want)
	}
	// The options reach the simulator the command serves.
	sim := simulator.New(c.opts)
	ops := sim.OpsTruth()
	if len(ops.ArchiveRepositories) != 2 || len(ops.CopyJobs) != 2 || ops.ImmutableRepository == "" ||
		ops.NearFullRepository == "" || ops.OfflineProxy == "" || ops.Healthy || ops.LicenseStatus != "Valid" {
		t.Errorf("simulator ops %+v", ops)
	}
	now := sim.Options().Tenant.Now
	if left := ops.LicenseExpires.Sub(now); left <= 19*24*time.Hour || left > 20*24*time.Hour {
		t.Errorf("licence expires %s after the tenant's now, want about 20d", left)
	}
	runs := map[string]int{}
	for _, s := range ops.Sessions {
		if s.JobType == "Backup" && s.MainSessionID == "" {
			runs[s.JobID]++
		}
	}
	if len(runs) == 0 {
		t.Fatal("no backup sessions")
	}
	for job, n := range runs {
		if n != 3 {
			t.Errorf("job %s has %d scheduled runs, want 3 (--ops.sessions-per-job)", job, n)
		}
	}

	// Expired, and no history at all.
	c, err = parseFlags([]string{"--api-versions=v8", "--ops.license-expires-in=-10d", "--ops.sessions-per-job=-1"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	ops = simulator.New(c.opts).OpsTruth()
	if ops.LicenseStatus != "Expired" || len(ops.Sessions) != 0 {
		t.Errorf("with an expired licence and no sessions: status %s, %d sessions", ops.LicenseStatus, len(ops.Sessions))
	}

	for _, bad := range []string{"--ops.sessions-per-job=many", "--ops.license-expires-in=soon"} {
		if _, err := parseFlags([]string{bad}, io.Discard); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
}

func TestParseFlagsSyncIndex(t *testing.T) {
	for _, arg := range []string{"--ops.sync-failed=64", "--ops.sync-queued=-1"} {
		if _, err := parseFlags([]string{arg}, io.Discard); err == nil {
			t.Errorf("%s accepted", arg)
		}
	}
}

// TestParseFlagsUnknownValuesAndRelease: --ops.unknown-values serves the
// unknown values the truths report, and --v8-release picks the build.
func TestParseFlagsUnknownValuesAndRelease(t *testing.T) {
	c, err := parseFlags(nil, io.Discard)
	if err != nil || c.opts.V8Release != simulator.V8Release84 || c.opts.Tenant.Ops.UnknownValues {
		t.Fatalf("defaults: release %q, unknown values %v, %v", c.opts.V8Release, c.opts.Tenant.Ops.UnknownValues, err)
	}
	c, err = parseFlags([]string{"--api-versions=v8", "--v8-release=8.0", "--ops.unknown-values", "--ops.archive-repositories=1"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	sim := simulator.New(c.opts)
	if _, build := sim.ServiceInstance(); build[:4] != "8.0." {
		t.Errorf("--v8-release=8.0 reports build %s", build)
	}
	inv, ot := sim.InventoryTruth(), sim.OpsTruth()
	if inv.License.Type != "Free" || ot.LicenseStatus != "Grace" || inv.Proxies[0].Status != "Maintenance" ||
		inv.CopyJobs[0].LastStatus != "Paused" || ot.NATSStatus != "Degraded" {
		t.Errorf("--ops.unknown-values: licence %s %s, proxy %s, copy job %s, NATS %s", inv.License.Type, ot.LicenseStatus,
			inv.Proxies[0].Status, inv.CopyJobs[0].LastStatus, ot.NATSStatus)
	}
	if _, err := parseFlags([]string{"--v8-release=8.2"}, io.Discard); err == nil {
		t.Error("--v8-release=8.2 accepted")
	}
}
