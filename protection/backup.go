package protection

import (
	"slices"
	"strings"
	"time"

	"github.com/vbo365-exporter/vbo365_exporter/vboapi"
)

// record is one entry of a repository's user data, kept until the scopes
// are complete and it can be matched to their mailboxes.
type record struct {
	id, email string
	backedUp  bool
	time      time.Time
}

// repoState is what a repository holds of each mailbox of the table.
type repoState struct {
	err   error
	state []uint8 // per mailbox: absent, or one of the states below
	times []time.Time
}

const (
	absent uint8 = iota
	notBackedUp
	backedUp
)

// repository reads a repository's user data once.
func (r *refresh) repository(id string) ([]record, error) {
	return r.data.get(id, func() ([]record, error) {
		var recs []record
		err := r.api.RepositoryUserData(r.ctx, id, r.opts.PageSize, func(d *vboapi.UserData) error {
			recs = append(recs, record{id: d.ID, email: d.Email, backedUp: d.MailboxBackedUp, time: d.MailboxTime})
			return nil
		})
		return recs, err
	})
}

// match gives each mailbox its state in the repository: an entry matches by
// user id, else by address, but an address that matched no user stays
// unprotected. Entries that disagree about one mailbox make it not backed
// up: when in doubt, it is not.
func (r *refresh) match(recs []record) *repoState {
	n := r.t.size()
	st := &repoState{state: make([]uint8, n), times: make([]time.Time, n)}
	for _, rec := range recs {
		i, ok := r.t.lookup(rec.id, rec.email)
		if !ok || !r.t.resolved(i) {
			continue
		}
		switch {
		case !rec.backedUp || st.state[i] == notBackedUp:
			st.state[i] = notBackedUp
		case st.state[i] == absent:
			st.state[i], st.times[i] = backedUp, rec.time
		case rec.time.IsZero() || (!st.times[i].IsZero() && rec.time.Before(st.times[i])):
			st.times[i] = rec.time
		}
	}
	return st
}

// result counts a job's scope against its repository's state.
func (r *refresh) result(sc scope, st *repoState) Result {
	res := Result{Unresolved: len(sc.missing)}
	var unprotected []Mailbox
	oldestKnown := true
	sc.mailboxes.each(func(i int32) {
		res.Mailboxes++
		if !r.t.resolved(i) {
			res.Unresolved++
		}
		if int(i) < len(st.state) && st.state[i] == backedUp {
			res.BackedUp++
			switch t := st.times[i]; {
			case t.IsZero():
				oldestKnown = false
			case res.OldestBackup.IsZero() || t.Before(res.OldestBackup):
				res.OldestBackup = t
			}
			return
		}
		if r.opts.KeepUnprotected > 0 {
			id, addr := r.t.mailbox(i)
			unprotected = append(unprotected, Mailbox{ID: id, Address: addr})
		}
	})
	if !oldestKnown {
		res.OldestBackup = time.Time{}
	}
	if len(unprotected) > 0 {
		slices.SortFunc(unprotected, func(a, b Mailbox) int { return strings.Compare(a.Address, b.Address) })
		res.Unprotected = unprotected[:min(len(unprotected), r.opts.KeepUnprotected)]
	}
	return res
}
