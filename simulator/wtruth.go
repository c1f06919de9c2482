package simulator

import (
	"sort"
	"strings"
	"time"
)

// WorkloadTruth is what a correct client reports for one workload of one
// job on v6–v8, by the rule of docs/protection-v6-v8.md.
type WorkloadTruth struct {
	JobID, JobName string
	// Workload is mailbox, archive, onedrive, personal_site, site or team.
	Workload string
	// InScope counts the distinct objects of the job's scope: users
	// (guest addresses included; public folder mailboxes not for OneDrive
	// and personal sites), sites or teams.
	InScope int
	// BackedUp counts those the job's repository holds a backup of: the
	// user data's flag of the workload, or an entry of the site or team
	// data.
	BackedUp int
	// Unresolved counts, for the user workloads, the scope's addresses
	// that match no user plus the nested groups not found, as for the
	// mailboxes.
	Unresolved int
	// OldestBackup is the oldest backup time among the backed-up objects;
	// zero when none is, or when one of them has no time.
	OldestBackup time.Time
	// NotBackedUp lists the objects of the scope not backed up, sorted:
	// lower-cased addresses for users and teams, lower-cased URLs for
	// sites.
	NotBackedUp []string
}

// WorkloadTruth returns, for each job in the order GET /vN/Jobs lists
// them, one entry per workload in the order mailbox, archive, onedrive,
// personal_site, site, team; nil when no v6+ prefix is served. Its mailbox
// entries agree with ProtectionTruth. It is computed from the tenant
// model, not from the wire.
func (s *Simulator) WorkloadTruth() []WorkloadTruth {
	t := s.tenant
	if t == nil {
		return nil
	}
	out := make([]WorkloadTruth, 0, len(t.jobs)*int(numWorkloads))
	for k, js := range t.workloadScopes() {
		j := t.jobs[k]
		for w := wMailbox; w < numWorkloads; w++ {
			wt := t.workloadTruth(j, &js, w)
			wt.JobID, wt.JobName, wt.Workload = j.id, j.name, workloadNames[w]
			out = append(out, wt)
		}
	}
	return out
}

// oldest tracks the oldest backup time of a scope; one unknown time makes
// it unknown.
type oldest struct {
	at      int64
	unknown bool
}

func (o *oldest) add(at int64) {
	switch {
	case at == 0:
		o.unknown = true
	case o.at == 0 || at < o.at:
		o.at = at
	}
}

func (o oldest) time() time.Time {
	if o.unknown {
		return time.Time{}
	}
	return unixOrZero(o.at)
}

func (t *tenant) workloadTruth(j *tjob, js *jobScopes, w workload) WorkloadTruth {
	r := t.repos[j.repo]
	var wt WorkloadTruth
	var old oldest
	if w < wSite {
		sc := js.users[w]
		sc.users.each(func(u int32) {
			if t.users[u].kind == kindPublic && (w == wOneDrive || w == wPersonal) {
				return
			}
			wt.InScope++
			if i, ok := r.byUser[u]; ok {
				if on, at := r.data[i].backup(w); on {
					wt.BackedUp++
					old.add(at)
					return
				}
			}
			wt.NotBackedUp = append(wt.NotBackedUp, t.address(u))
		})
		for e := range sc.ext {
			wt.InScope++
			wt.NotBackedUp = append(wt.NotBackedUp, e)
		}
		wt.Unresolved = len(sc.ext) + len(sc.missing)
	} else {
		l := &r.sites
		if w == wTeam {
			l = &r.teams
		}
		js.objectsOf(w).each(func(x int32) {
			wt.InScope++
			if i, ok := l.byObj[x]; ok {
				wt.BackedUp++
				old.add(l.data[i].at)
				return
			}
			wt.NotBackedUp = append(wt.NotBackedUp, t.objectKey(w, x))
		})
	}
	sort.Strings(wt.NotBackedUp)
	wt.OldestBackup = old.time()
	return wt
}

// backup is what the entry says of user workload w: backed up, and when.
func (e userData) backup(w workload) (bool, int64) {
	switch w {
	case wArchive:
		return e.archive, e.archiveAt
	case wOneDrive:
		return e.oneDrive, e.oneDriveAt
	case wPersonal:
		return e.personal, e.personAt
	}
	return e.mailbox, e.mailboxAt
}

// objectKey is how a client names a site (its lower-cased URL) or a team
// (its lower-cased address).
func (t *tenant) objectKey(w workload, x int32) string {
	if w == wSite {
		return strings.ToLower(t.sites[x].url)
	}
	return strings.ToLower(t.teams[x].mail)
}
