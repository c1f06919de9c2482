// Package protection works out, for each backup job of a REST API v6, v7 or
// v8 server, which mailboxes the job should protect and how many of them its
// repository holds a backup of. The rule is docs/protection-v6-v8.md; the
// simulator's truth follows the same rule.
package protection

import (
	"context"
	"time"

	"github.com/vbo365-exporter/vbo365_exporter/vboapi"
)

// API is what a refresh reads; *vboapi.Client implements it on v6 and later.
type API interface {
	SelectedItems(ctx context.Context, jobID string) ([]vboapi.JobItem, error)
	ExcludedItems(ctx context.Context, jobID string) ([]vboapi.JobItem, error)
	OrganizationUsers(ctx context.Context, orgID string, pageSize int, each func(*vboapi.User) error) error
	GroupMembers(ctx context.Context, orgID, groupID string, pageSize int, each func(*vboapi.GroupMember) error) error
	GroupsNamed(ctx context.Context, orgID, name string) ([]vboapi.Group, error)
	RepositoryUserData(ctx context.Context, repositoryID string, pageSize int, each func(*vboapi.UserData) error) error
}

// Options tunes a refresh.
type Options struct {
	PageSize int // items asked per page of users, members and user data
	// KeepUnprotected is how many not-backed-up mailboxes to list per job.
	KeepUnprotected int
}

// Result is the protection of one job. Counts are meaningful only when Err
// is nil: a job whose lists could not all be read gets no counts at all.
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
	// Unprotected lists up to KeepUnprotected mailboxes not backed up, in
	// address order.
	Unprotected []Mailbox
	Err         error
}

// Mailbox names a mailbox of a job's scope.
type Mailbox struct {
	ID      string // the user id; "" for a group member that matched no user
	Address string // lower-cased
	Name    string // the display name, where a list gave one
}

// maxGroupDepth bounds how deep nested groups are followed; the selected
// group is level 1.
const maxGroupDepth = 8

// Compute works out the protection of each job of want. all is the server's
// whole job list: an entire-organization job leaves out what the
// organization's other jobs hold, whether they are wanted or not.
func Compute(ctx context.Context, api API, all []vboapi.Job, want []*vboapi.Job, opts Options) []Result {
	r := newRefresh(ctx, api, all, opts)
	return r.run(want)
}
