package protection

import (
	"slices"
	"strings"
	"time"

	"github.com/vbo365-exporter/vbo365_exporter/vboapi"
)

// records is a repository's user data, kept until the scopes are complete
// and it can be matched to their mailboxes: packed ids and lower-cased
// addresses in a strtab, as the table keeps its own.
type records struct {
	strs     strtab
	id, addr []ref
	backedUp []bool
	time     []int64 // Unix nanoseconds; 0 when the API gave none
	scratch  []byte
}

func (rs *records) add(d *vboapi.UserData) {
	b := appendPackedID(rs.scratch[:0], d.ID)
	n := len(b)
	b = appendLower(b, d.Email)
	rs.scratch = b
	id := ref(0)
	if d.ID != "" {
		id = rs.strs.add(b[:n])
	}
	rs.id = append(rs.id, id)
	rs.addr = append(rs.addr, rs.strs.add(b[n:]))
	rs.backedUp = append(rs.backedUp, d.MailboxBackedUp)
	rs.time = append(rs.time, unixNanos(d.MailboxTime))
}

func (rs *records) len() int { return len(rs.id) }

// unixNanos is t in Unix nanoseconds, 0 for the zero time.
func unixNanos(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

// repoState is what a repository holds of each mailbox of the table.
type repoState struct {
	err   error
	state []uint8 // per mailbox: absent, or one of the states below
	times []int64 // Unix nanoseconds; 0 when unknown
}

const (
	absent uint8 = iota
	notBackedUp
	backedUp
)

// repository reads a repository's user data once.
func (r *refresh) repository(id string) (*records, error) {
	return r.data.get(id, func() (*records, error) {
		recs := &records{}
		err := r.api.RepositoryUserData(r.ctx, id, r.opts.PageSize, func(d *vboapi.UserData) error {
			recs.add(d)
			return nil
		})
		return recs, err
	})
}

// match gives each mailbox its state in the repository: an entry matches by
// user id, else by address, but an address that matched no user stays
// unprotected. Entries that disagree about one mailbox make it not backed
// up: when in doubt, it is not.
func (r *refresh) match(recs *records) *repoState {
	n := r.t.size()
	st := &repoState{state: make([]uint8, n), times: make([]int64, n)}
	for k := range recs.len() {
		i, ok := r.t.find(recs.strs.bytes(recs.id[k]), recs.strs.bytes(recs.addr[k]))
		if !ok || !r.t.resolved(i) {
			continue
		}
		t := recs.time[k]
		switch {
		case !recs.backedUp[k] || st.state[i] == notBackedUp:
			st.state[i] = notBackedUp
		case st.state[i] == absent:
			st.state[i], st.times[i] = backedUp, t
		case t == 0 || (st.times[i] != 0 && t < st.times[i]):
			st.times[i] = t
		}
	}
	return st
}

// result counts a job's scope against its repository's state.
func (r *refresh) result(sc scope, st *repoState) Result {
	res := Result{Unresolved: len(sc.missing)}
	var unprotected []Mailbox
	oldestKnown, oldest := true, int64(0)
	sc.mailboxes.each(func(i int32) {
		res.Mailboxes++
		if !r.t.resolved(i) {
			res.Unresolved++
		}
		if int(i) < len(st.state) && st.state[i] == backedUp {
			res.BackedUp++
			switch t := st.times[i]; {
			case t == 0:
				oldestKnown = false
			case oldest == 0 || t < oldest:
				oldest = t
			}
			return
		}
		if r.opts.KeepUnprotected > 0 {
			id, addr := r.t.mailbox(i)
			unprotected = append(unprotected, Mailbox{ID: id, Address: addr})
		}
	})
	if oldestKnown && oldest != 0 {
		res.OldestBackup = time.Unix(0, oldest).UTC()
	}
	if len(unprotected) > 0 {
		slices.SortFunc(unprotected, func(a, b Mailbox) int { return strings.Compare(a.Address, b.Address) })
		res.Unprotected = unprotected[:min(len(unprotected), r.opts.KeepUnprotected)]
	}
	return res
}
