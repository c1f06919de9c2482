package simulator

import "time"

// OpsOptions shapes the operations data served on v6–v8 beside the tenant:
// licence, proxies, health, backup copy jobs and archive repositories, and
// every job's session history. It is drawn from a random source of its own
// (seeded by Options.Seed), so the tenant's organizations, users, jobs and
// repository data are the same whatever it says. The defaults leave the
// responses of the tenant's own endpoints as they were: the storage knobs
// below change repositories only when set.
type OpsOptions struct {
	// Sessions is the number of scheduled runs in every job's session
	// history (default 10; negative for none), the newest being the run
	// the job reports as lastRun with its lastStatus. A failed run may be
	// followed by a retry session, which is not counted. Jobs that never
	// ran have no sessions.
	Sessions int
	// ArchiveRepositories adds that many archive-tier object storage
	// repositories after the tenant's repositories, each the target of
	// one backup copy job of its own (default 0: no copy jobs, and the
	// repository list is the tenant's). The first is immutable for 30
	// days and nearly at its size limit.
	ArchiveRepositories int
	// NearFullRepository makes the tenant's first repository report 2%
	// free space.
	NearFullRepository bool
	// OfflineProxy makes the last proxy Offline (and, on v8, in
	// maintenance mode).
	OfflineProxy bool
	// Unhealthy makes GET /v8/Health report the PostgreSQL configuration
	// database Unhealthy.
	Unhealthy bool
	// UnknownValues serves values the schemas' enums do not list, as real
	// servers do: the licence's type is Free and, unless it expired, its
	// status Grace; the first backup job that succeeded last (and so its
	// newest session) and the first copy job are Paused; the first proxy's
	// status is Maintenance; the first archive repository's object
	// storage is OracleCloud; on v8 the health report's NATS entry is
	// Degraded. The truths report the same values.
	UnknownValues bool
	// LicenseExpiresIn is when the licence expires, counted from
	// TenantOptions.Now (default 200 days). A negative value means it
	// expired that long ago, and its status is Expired.
	LicenseExpiresIn time.Duration
	// Sync shapes the organizations' synchronization state (v7, v8).
	Sync SyncOptions
	// Restores shapes the restore sessions, the Restore Portal and the
	// restore operator roles.
	Restores RestoreOptions
}

func (o *OpsOptions) applyDefaults() {
	o.Sessions = count(o.Sessions, 10)
	o.ArchiveRepositories = max(o.ArchiveRepositories, 0)
	o.Restores.applyDefaults()
	if o.LicenseExpiresIn == 0 {
		o.LicenseExpiresIn = 200 * 24 * time.Hour
	}
}
