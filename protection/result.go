package protection

import "time"

// result counts a job's scope against what its repository holds: the
// mailbox figures always, and each workload of Options.Workloads.
func (r *computation) result(sc scope, st *repoState, repo string) Result {
	mb := r.count(WorkloadMailbox, sc, st.holder(WorkloadMailbox))
	res := Result{Mailboxes: mb.InScope, BackedUp: mb.BackedUp, Unresolved: mb.Unresolved,
		OldestBackup: mb.OldestBackup, NotBackedUp: mb.NotBackedUp}
	r.opts.Workloads.each(func(w Workload) { res.Workloads[w] = r.workload(w, sc, st, repo) })
	return res
}

// workload is the figures of one workload, or why there are none.
func (r *computation) workload(w Workload, sc scope, st *repoState, repo string) WorkloadResult {
	switch {
	case sc.err[w] != nil:
		return WorkloadResult{Err: sc.err[w]}
	case w.user():
		return r.count(w, sc, st.holder(w))
	case sc.objects[w].Len() == 0:
		// Nothing to look up: the repository's list need not be read.
		return WorkloadResult{}
	}
	objects, err := r.matchedObjects(w, repo)
	if err != nil {
		return WorkloadResult{Err: err}
	}
	return r.count(w, sc, &objects.work)
}

// count counts the scope of workload w against its state in the
// repository. A public folder mailbox does not count for the workloads it
// cannot have.
func (r *computation) count(w Workload, sc scope, ws holder) WorkloadResult {
	t := r.tableOf(w)
	var res WorkloadResult
	if w.user() {
		res.Unresolved = len(sc.missing[w])
	}
	unprotected := newSmallest(t, r.opts.KeepNotBackedUp)
	oldestKnown, oldest := true, int64(0)
	sc.objects[w].Each(func(i int32) {
		if publicLacks(w) && t.isPublic(i) {
			return
		}
		res.InScope++
		if w.user() && !t.resolved(i) {
			res.Unresolved++
		}
		if ok, at := ws.backedUpAt(i); ok {
			res.BackedUp++
			switch {
			case at == 0:
				oldestKnown = false
			case oldest == 0 || at < oldest:
				oldest = at
			}
			return
		}
		unprotected.offer(i)
	})
	if oldestKnown && oldest != 0 {
		res.OldestBackup = time.Unix(0, oldest).UTC()
	}
	res.NotBackedUp = unprotected.objects()
	return res
}
