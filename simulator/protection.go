package simulator

import (
	"sort"
	"time"
)

// ProtectionTruth is what a correct client reports for one job on v6–v8.
// Addresses are compared lower-cased: RESTUser.name and UserData email
// carry the mixed-case form (Peter.Parker17@contoso.onmicrosoft.com),
// group member logins the lower-case one.
type ProtectionTruth struct {
	JobID, JobName, OrganizationID, RepositoryID, BackupType string
	Enabled                                                  bool
	// Mailboxes is the number of distinct primary mailboxes in the job's
	// scope (docs/protection-v6-v8.md), guest addresses included.
	Mailboxes int
	// BackedUp counts those with isMailboxBackedUp true in the UserData of
	// the job's repository.
	BackedUp int
	// Unresolved counts the scope's addresses that match no user plus the
	// nested groups not found while expanding the job's own items (an
	// entire-organization job does not inherit those of the jobs it
	// subtracts).
	Unresolved int
	// OldestBackup is the oldest mailboxBackedUpTime among the backed-up
	// mailboxes; zero when none. Every backed-up entry has a time.
	OldestBackup time.Time
	// NotBackedUp lists the lower-cased addresses of the in-scope
	// mailboxes not backed up, sorted.
	NotBackedUp []string
}

// ProtectionTruth returns one entry per job, in the order GET /vN/Jobs lists
// them; nil when no v6+ prefix is served. It is computed from the tenant
// model (item lists, group memberships, user data) with set operations, not
// from the rendered wire.
func (s *Simulator) ProtectionTruth() []ProtectionTruth {
	t := s.tenant
	if t == nil {
		return nil
	}
	out := make([]ProtectionTruth, 0, len(t.jobs))
	for _, j := range t.jobs {
		r := t.repos[j.repo]
		pt := ProtectionTruth{
			JobID: j.id, JobName: j.name, OrganizationID: t.orgs[j.org].id, RepositoryID: r.id,
			BackupType: j.backupType(), Enabled: j.enabled,
			Mailboxes:  j.scope.users.count() + len(j.scope.ext),
			Unresolved: len(j.scope.ext) + len(j.scope.missing),
		}
		var oldest int64
		j.scope.users.each(func(u int32) {
			if i, ok := r.byUser[u]; ok && r.data[i].mailbox {
				pt.BackedUp++
				if at := r.data[i].mailboxAt; oldest == 0 || at < oldest {
					oldest = at
				}
				return
			}
			pt.NotBackedUp = append(pt.NotBackedUp, t.address(u))
		})
		for e := range j.scope.ext {
			pt.NotBackedUp = append(pt.NotBackedUp, e)
		}
		sort.Strings(pt.NotBackedUp)
		pt.OldestBackup = unixOrZero(oldest)
		out = append(out, pt)
	}
	return out
}

func (j *tjob) backupType() string {
	if j.entireOrg {
		return "EntireOrganization"
	}
	return "SelectedItems"
}

// HardCases names the objects of organization 0 that carry the tenant's
// deliberate edge cases, so tests can assert each one without searching.
// User fields are RESTUser ids, job fields job ids, group fields group ids.
// A field is empty when the tenant is too small for the case (say one
// repository, or no user jobs).
type HardCases struct {
	OrganizationID string
	// EntireOrgJob is organization 0's EntireOrganization job; its scope
	// excludes every other job's users.
	EntireOrgJob string
	// PartialOrgJob selects the organization as a PartialOrganization item
	// and excludes LargeGroup (more than 120 direct members) and, with
	// mailbox null, the user MailboxNullExclusion, who therefore stays in.
	PartialOrgJob, LargeGroup, MailboxNullExclusion string
	// ExcludedMemberJob selects IncludedGroup (= NestedGroup, the top of a
	// three-level chain whose last group holds ExternalLogin, a guest
	// address matching no user) and excludes its direct member
	// ExcludedMember. ExternalJob is the same job.
	ExcludedMemberJob, IncludedGroup, ExcludedMember string
	NestedGroup, ExternalJob, ExternalLogin          string
	// CycleJob selects CycleGroups[0], which nests [1], which nests [0]
	// back and a group named MissingGroupName that does not exist; it also
	// selects a plain group with memberMailbox null, which adds nothing.
	CycleJob, MissingGroupName string
	CycleGroups                [2]string
	// TwoRepoUser is selected by TwoRepoBackedUpJob and in the scope of
	// TwoRepoNotBackedUpJob, which writes to another repository; only the
	// first repository has the mailbox backed up.
	TwoRepoUser, TwoRepoBackedUpJob, TwoRepoNotBackedUpJob string
	// SharedJob selects the shared mailbox SharedUser and the public one
	// PublicUser, and MailboxFalseUser with mailbox false (adds nothing;
	// MailboxFalseJob is the same job).
	SharedJob, SharedUser, PublicUser string
	MailboxFalseUser, MailboxFalseJob string
	// MailboxAbsentJob selects MailboxAbsentUser with no mailbox member
	// (adds nothing), LongAgoUser, backed up more than three years ago,
	// and AbsentUser, missing from the repository's UserData (LongAgoJob
	// and AbsentJob are the same job).
	MailboxAbsentJob, MailboxAbsentUser string
	LongAgoUser, LongAgoJob             string
	AbsentUser, AbsentJob               string
	// ArchiveOnlyUser, in ArchiveOnlyJob's scope, has a UserData entry
	// with isMailboxBackedUp false and isArchiveBackedUp true.
	ArchiveOnlyUser, ArchiveOnlyJob string
	// StaleUser has a backed-up entry in StaleRepository although no job
	// writing there has it in scope.
	StaleUser, StaleRepository string
	// DisabledJob is a disabled user job; the entire-organization job
	// still subtracts its users.
	DisabledJob string
}

// HardCases returns where the tenant's edge cases are; the zero value when
// no v6+ prefix is served.
func (s *Simulator) HardCases() HardCases {
	if s.tenant == nil {
		return HardCases{}
	}
	return s.tenant.hard
}
