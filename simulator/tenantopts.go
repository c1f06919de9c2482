package simulator

import (
	"cmp"
	"time"
)

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
	// Workloads gives every organization SharePoint sites (its Microsoft
	// 365 groups' sites among them) and teams, three more jobs (two that
	// select sites and teams, one site and one team in both, and one that
	// selects users' archives, OneDrives and personal sites but not their
	// mailboxes), the first group job's members' archives and personal
	// sites and its group's site, excluded sites and teams in the
	// organization jobs, and the repositories' site and team data. Users
	// it brings into a repository's scope get user data there; some users
	// have no archive, OneDrive or personal site, which the wire cannot
	// tell (their entries say not backed up). Without it the tenant has no
	// site or team, and every output is what it was before the option
	// existed. It draws from a random source of its own, so the rest of
	// the tenant is the same with it or without.
	Workloads bool
	// Sites and Teams are the numbers of sites and teams per organization
	// with Workloads (defaults 12 and 6). The groups' sites count among
	// the sites; there are always at least six sites besides them and four
	// teams, which the edge cases use.
	Sites, Teams int
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
	if o.Workloads {
		o.Sites = cmp.Or(max(o.Sites, 0), 12)
		o.Teams = cmp.Or(max(o.Teams, 0), 6)
	}
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
