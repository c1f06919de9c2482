package protection

import (
	"context"
	"time"

	"github.com/vbo365-exporter/vbo365_exporter/vboapi"
)

// API is what Compute reads; *vboapi.Client implements it. V1API is read
// on REST API v1, the rest on v6 and later.
type API interface {
	V1API
	SelectedItems(ctx context.Context, jobID string) ([]vboapi.JobItem, error)
	ExcludedItems(ctx context.Context, jobID string) ([]vboapi.JobItem, error)
	OrganizationUsers(ctx context.Context, orgID string, pageSize int, each func(*vboapi.User) error) error
	GroupMembers(ctx context.Context, orgID, groupID string, pageSize int, each func(*vboapi.GroupMember) error) error
	GroupsNamed(ctx context.Context, orgID, name string) ([]vboapi.Group, error)
	RepositoryUserData(ctx context.Context, repositoryID string, pageSize int, each func(*vboapi.UserData) error) error
	// The site and team lists, read only for Options.Workloads' sites and
	// teams.
	OrganizationSites(ctx context.Context, orgID string, pageSize int, each func(*vboapi.Site) error) error
	OrganizationTeams(ctx context.Context, orgID string, pageSize int, each func(*vboapi.Team) error) error
	RepositorySiteData(ctx context.Context, repositoryID string, pageSize int, each func(*vboapi.SiteData) error) error
	RepositoryTeamData(ctx context.Context, repositoryID string, pageSize int, each func(*vboapi.TeamData) error) error
}

// Options tunes a computation.
type Options struct {
	PageSize int // items asked per page of users, members, sites, teams and repository data
	// KeepNotBackedUp is how many not-backed-up objects to list per job
	// and workload.
	KeepNotBackedUp int
	// Workloads are the workloads whose figures Result.Workloads gets.
	// The mailbox figures of Result's own fields are always computed; with
	// none (the zero value) nothing else is, and no site or team list is
	// read.
	Workloads WorkloadSet
	// Version is the server's REST API version: on v1 each job's selected
	// mailboxes are read, which is all that version has; any other value
	// reads the scopes of v6 and later.
	Version vboapi.Version
	// Memory is what the server's earlier polls left (on v1 the jobs'
	// hints); nil starts afresh.
	Memory *Memory
}

// Result is the protection of one job. Counts are meaningful only when Err
// is nil: a job whose lists could not all be read gets no counts at all,
// save for the site and team lists, whose failure is the workload's
// (WorkloadResult.Err).
type Result struct {
	Mailboxes int // distinct primary mailboxes in the job's scope
	BackedUp  int // of those, the ones the job's repository holds a backup of
	// Unresolved counts the group members of the scope that match no user
	// of the organization, and the distinct nested groups that the job's
	// own items lead to but that could not be followed (not found, or too
	// deep); such members count as not backed up.
	Unresolved int
	// OldestBackup is the oldest backup time among the backed-up mailboxes;
	// zero when none is backed up or one of them has no time.
	OldestBackup time.Time
	// NotBackedUp lists up to KeepNotBackedUp mailboxes not backed up, in
	// address order.
	NotBackedUp []Mailbox
	// NullFlagItems counts the job's selected and excluded items with a
	// flag sent as null, which counted as false: a selection that adds
	// nothing, an exclusion that removes nothing.
	NullFlagItems int
	// Unrecognized (v1) counts the mailboxes whose isBackedUp was neither
	// true nor false (missing, null, "yes"...), counted as not backed up;
	// UnrecognizedExample is the first such value.
	Unrecognized        int
	UnrecognizedExample string
	// Duplicates (v1) counts the mailboxes the API served more than once;
	// each counted once.
	Duplicates int
	// Workloads are the figures of each workload of Options.Workloads,
	// indexed by Workload; the others are zero. Workloads[WorkloadMailbox]
	// repeats the fields above.
	Workloads [NumWorkloads]WorkloadResult
	// Took is how long reading the job's lists took where a job reads its
	// own (v1); zero where jobs share their reading (v6 and later).
	Took time.Duration
	Err  error
}

// WorkloadResult is the protection of one workload of a job, by the same
// rules as the mailboxes': each object counts once, an object the
// exporter cannot identify counts as not backed up (and in Unresolved),
// and a figure is never built from part of a list.
type WorkloadResult struct {
	InScope  int // distinct objects in the job's scope
	BackedUp int // of those, the ones the job's repository holds a backup of
	// Unresolved counts the objects of the scope that could not be
	// identified (group members that match no user) and the nested groups
	// that could not be followed; only user workloads have any.
	Unresolved int
	// OldestBackup is the oldest backup time among the backed-up objects;
	// zero when none is backed up or one of them has no time. The
	// archive's, OneDrive's and personal site's are kept to the second,
	// the others exactly.
	OldestBackup time.Time
	// NotBackedUp lists up to KeepNotBackedUp objects not backed up, in
	// address order (then id order).
	NotBackedUp []Object
	// Err is why this workload has no figures although the job has: a site
	// or team list that could not be read. Any other failure is the job's
	// (Result.Err).
	Err error
}

// Object names an object of a job's scope: a user (for its mailbox,
// archive, OneDrive or personal site), a site or a team.
type Object struct {
	// ID is the user, site or team id; "" for a group member that matched
	// no user, or a group's site known by its URL alone.
	ID string
	// Address is lower-cased on v6 and later (as v1 spells it on v1): a
	// user's address, a site's URL (without a trailing slash), a team's
	// address.
	Address string
	Name    string // the display name or title, where a list gave one
}

// Mailbox names a mailbox of a job's scope.
type Mailbox = Object

// maxGroupDepth bounds how deep nested groups are followed; the selected
// group is level 1.
const maxGroupDepth = 8

// Compute works out the protection of each job of want. all is the server's
// whole job list: an entire-organization job leaves out what the
// organization's other jobs hold, whether they are wanted or not.
func Compute(ctx context.Context, api API, all []vboapi.Job, want []*vboapi.Job, opts Options) []Result {
	if opts.Version == vboapi.V1 {
		return computeV1(ctx, api, want, opts)
	}
	r := newComputation(ctx, api, all, opts)
	return r.run(want)
}
