package protection

import "github.com/vbo365-exporter/vbo365_exporter/vboapi"

// ItemAdds is itemAdds for code outside the computation: the benchmark's
// request model predicts which lists a computation reads from it, and must
// read the rule itself rather than a copy that could drift from it.
func ItemAdds(it *vboapi.JobItem) WorkloadSet { return itemAdds(it) }

// itemAdds is the set of workloads an item adds to its list's scope, by
// the table of docs/protection-v6-v8.md. A flag counts only when it is
// true, so an unclear selection adds nothing and an unclear exclusion
// removes nothing.
func itemAdds(it *vboapi.JobItem) WorkloadSet {
	var s WorkloadSet
	switch it.Type {
	case vboapi.ItemUser:
		if it.User == nil {
			return 0
		}
		s = s.withIf(WorkloadMailbox, it.Mailbox).withIf(WorkloadArchive, it.ArchiveMailbox).
			withIf(WorkloadOneDrive, it.OneDrive).withIf(WorkloadPersonalSite, it.PersonalSite)
	case vboapi.ItemGroup:
		if it.Group == nil {
			return 0
		}
		m := it.Members
		s = s.withIf(WorkloadMailbox, m && it.MemberMailbox).withIf(WorkloadArchive, m && it.MemberArchiveMailbox).
			withIf(WorkloadOneDrive, m && it.MemberOneDrive).withIf(WorkloadPersonalSite, m && it.MemberSite).
			// A group without a site (a security or distribution
			// group) has none to add.
			withIf(WorkloadSite, it.GroupSite && it.Group.Site != "")
	case vboapi.ItemPartialOrganization:
		// The organization item has no personal site flag: its Sites
		// option takes the personal sites with the others.
		s = s.withIf(WorkloadMailbox, it.Mailbox).withIf(WorkloadArchive, it.ArchiveMailbox).
			withIf(WorkloadOneDrive, it.OneDrive).withIf(WorkloadPersonalSite, it.Sites).
			withIf(WorkloadSite, it.Sites).withIf(WorkloadTeam, it.Teams)
	case vboapi.ItemSite:
		s = s.withIf(WorkloadSite, it.Site != nil)
	case vboapi.ItemTeam:
		s = s.withIf(WorkloadTeam, it.Team != nil)
	case vboapi.ItemPersonalSites:
		s = s.With(WorkloadPersonalSite)
	}
	return s
}

// publicLacks reports whether w is a workload a public folder mailbox
// cannot have: it is no account, so it has no OneDrive and no personal
// site. Whether a user has an archive, or a shared mailbox a OneDrive, the
// API cannot tell: those count.
func publicLacks(w Workload) bool { return w == WorkloadOneDrive || w == WorkloadPersonalSite }
