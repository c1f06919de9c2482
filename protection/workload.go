package protection

import "slices"

// Workload is one kind of object a job protects. The first four belong to
// a user and are backed up in the repository's user data; sites and teams
// are objects of their own.
type Workload uint8

// The workloads, in the order of Result.Workloads.
const (
	WorkloadMailbox      Workload = iota // the primary mailbox
	WorkloadArchive                      // the archive mailbox
	WorkloadOneDrive                     // the user's OneDrive
	WorkloadPersonalSite                 // the user's personal site
	WorkloadSite                         // a SharePoint site
	WorkloadTeam                         // a team
	numWorkloads
)

// NumWorkloads is the number of workloads, the length of Result.Workloads.
const NumWorkloads = int(numWorkloads)

// numUserWorkloads is how many workloads belong to a user: those before
// WorkloadSite.
const numUserWorkloads = int(WorkloadSite)

var workloadNames = [numWorkloads]string{"mailbox", "archive", "onedrive", "personal_site", "site", "team"}

// String is the workload's name as a label value: mailbox, archive,
// onedrive, personal_site, site or team.
func (w Workload) String() string {
	if w >= numWorkloads {
		return "unknown"
	}
	return workloadNames[w]
}

// user reports whether w is a workload of a user.
func (w Workload) user() bool { return int(w) < numUserWorkloads }

// WorkloadSet is a set of workloads.
type WorkloadSet uint8

// AllWorkloads holds every workload.
const AllWorkloads = WorkloadSet(1<<numWorkloads - 1)

// WorkloadsOf is the set of the workloads given.
func WorkloadsOf(ws ...Workload) WorkloadSet {
	var s WorkloadSet
	for _, w := range ws {
		s = s.With(w)
	}
	return s
}

// WorkloadsNamed is the set of the workloads named (as String spells them);
// other names are ignored: config.Load refuses them.
func WorkloadsNamed(names []string) WorkloadSet {
	var s WorkloadSet
	for w := range Workload(NumWorkloads) {
		if slices.Contains(names, w.String()) {
			s = s.With(w)
		}
	}
	return s
}

// Has reports whether w is in s.
func (s WorkloadSet) Has(w Workload) bool { return s&(1<<w) != 0 }

// With is s with w added.
func (s WorkloadSet) With(w Workload) WorkloadSet { return s | 1<<w }

// withIf is s with w added when cond holds.
func (s WorkloadSet) withIf(w Workload, cond bool) WorkloadSet {
	if cond {
		return s.With(w)
	}
	return s
}

// each calls f for every workload of s in order.
func (s WorkloadSet) each(f func(Workload)) {
	for w := range numWorkloads {
		if s.Has(w) {
			f(w)
		}
	}
}

// userOnly is s without the sites and teams.
func (s WorkloadSet) userOnly() WorkloadSet { return s & (1<<numUserWorkloads - 1) }
