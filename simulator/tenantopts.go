package simulator

import "time"

// TenantOptions sizes the Microsoft 365 tenant served on v6, v7 and v8.
// Zero values get the defaults noted; counts where zero is a useful value
// take a negative number to mean none. Everything is drawn from
// Options.Seed, so one seed always gives the same tenant.
type TenantOptions struct {
	// Organizations is the number of Microsoft 365 organizations
	// (default 1).
	Organizations int
	// Users is the number of users per organization, shared and public
	// mailboxes included (default 200, at least 1).
	Users int
	// SharedFraction and PublicFraction are the shares of Users that are
	// shared and public mailboxes (defaults 0.05 and 0.02; negative for
	// none). An organization of 10 or more users always has one of each.
	SharedFraction, PublicFraction float64
	// Groups is the number of groups per organization (default and minimum
	// GroupJobs+5, at least 8): six with fixed roles (one large group, a
	// three-level nesting chain, a two-group cycle) and plain ones.
	Groups int
	// GroupSize is the typical number of direct user members of a group;
	// each plain group gets between half and one and a half times it
	// (default 20).
	GroupSize int
	// LargeGroupSize is the number of direct members of the first group,
	// which spans several pages at page size 50 (default 130, at most two
	// thirds of Users).
	LargeGroupSize int
	// Repositories is the number of backup repositories, shared by all
	// organizations (default 2).
	Repositories int
	// NoEntireOrgJob drops each organization's EntireOrganization job.
	NoEntireOrgJob bool
	// NoPartialOrgJob drops each organization's job with a
	// PartialOrganization item, which is otherwise there when the
	// organization has at least 40 users.
	NoPartialOrgJob bool
	// GroupJobs is the number of jobs per organization selecting groups
	// (default 3; negative for none).
	GroupJobs int
	// UserJobs is the number of jobs per organization selecting users
	// (default 4; negative for none).
	UserJobs int
	// UsersPerJob is the number of User items per user job (default 5).
	UsersPerJob int
	// BackedUpFraction is the share of in-scope mailboxes whose
	// repository reports isMailboxBackedUp true (default
	// Options.BackedUpFraction; negative for none). Half of the rest are
	// absent from the repository, half present with false.
	BackedUpFraction float64
	// Now anchors every run and backup time (default: when New ran,
	// truncated to the minute); set it for byte-identical output across
	// runs.
	Now time.Time
	// Ops shapes the licence, proxies, health, copy jobs and job sessions.
	Ops OpsOptions
}

// partialOrgMinUsers is the size from which an organization gets its
// PartialOrganization job: below it the job's exclusions would leave the
// entire-organization job nothing.
const partialOrgMinUsers = 40

func (o *TenantOptions) applyDefaults(backedUp float64, start time.Time) {
	if o.Organizations <= 0 {
		o.Organizations = 1
	}
	if o.Users <= 0 {
		o.Users = 200
	}
	o.SharedFraction = fraction(o.SharedFraction, 0.05)
	o.PublicFraction = fraction(o.PublicFraction, 0.02)
	o.GroupJobs = count(o.GroupJobs, 3)
	o.UserJobs = count(o.UserJobs, 4)
	o.Groups = max(o.Groups, o.GroupJobs+5, 8)
	if o.GroupSize <= 0 {
		o.GroupSize = 20
	}
	if o.LargeGroupSize <= 0 {
		o.LargeGroupSize = 130
	}
	o.LargeGroupSize = max(min(o.LargeGroupSize, o.Users*2/3), 1)
	if o.Repositories <= 0 {
		o.Repositories = 2
	}
	if o.UsersPerJob <= 0 {
		o.UsersPerJob = 5
	}
	o.BackedUpFraction = fraction(o.BackedUpFraction, backedUp)
	if o.Now.IsZero() {
		o.Now = start
	}
	o.Now = o.Now.UTC()
	o.Ops.applyDefaults()
}

// fraction maps 0 to the default and clamps to [0,1], so a negative value
// means none.
func fraction(v, def float64) float64 {
	if v == 0 {
		v = def
	}
	return min(max(v, 0), 1)
}

// count maps 0 to the default and a negative value to none.
func count(v, def int) int {
	switch {
	case v == 0:
		return def
	case v < 0:
		return 0
	}
	return v
}
