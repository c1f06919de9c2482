package protection

import (
	"slices"
	"strings"
	"time"

	"github.com/vbo365-exporter/vbo365_exporter/vboapi"
)

// records holds the user data entries that could not be matched as they
// arrived, until the scopes are complete: packed ids and lower-cased
// addresses in a strtab, as the table keeps its own.
type records struct {
	strs     strtab
	id, addr []ref
	backedUp []bool
	time     []int64 // Unix nanoseconds; 0 when the API gave none
}

func (rs *records) add(packed, lower []byte, backedUp bool, t int64) {
	rs.id = append(rs.id, rs.strs.add(packed))
	rs.addr = append(rs.addr, rs.strs.add(lower))
	rs.backedUp = append(rs.backedUp, backedUp)
	rs.time = append(rs.time, t)
}

// unixNanos is t in Unix nanoseconds, 0 for the zero time.
func unixNanos(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

// repoState is what a repository holds of each mailbox of the table.
type repoState struct {
	state []uint8 // per mailbox: absent, or one of the states below
	times []int64 // Unix nanoseconds; 0 when unknown
	// pending are the entries whose user id the table did not hold yet.
	pending records
}

const (
	absent uint8 = iota
	notBackedUp
	backedUp
)

// apply merges one entry about mailbox i into the state. Entries that
// disagree make the mailbox not backed up (when in doubt, it is not); of
// agreeing ones the oldest time counts, and an unknown time wins. The
// result does not depend on the order of the entries.
func (st *repoState) apply(i int32, isBackedUp bool, t int64) {
	st.grow(int(i) + 1)
	switch {
	case !isBackedUp || st.state[i] == notBackedUp:
		st.state[i] = notBackedUp
	case st.state[i] == absent:
		st.state[i], st.times[i] = backedUp, t
	case t == 0 || (st.times[i] != 0 && t < st.times[i]):
		st.times[i] = t
	}
}

// repository reads a repository's user data once. An entry whose user id
// the table already holds is merged at once; the others wait for the
// scopes to be complete (match), so the entries themselves are rarely kept.
func (r *refresh) repository(id string) (*repoState, error) {
	return r.data.get(id, func() (*repoState, error) {
		st := &repoState{}
		var scratch []byte
		err := r.api.RepositoryUserData(r.ctx, id, r.opts.PageSize, func(d *vboapi.UserData) error {
			scratch = appendPackedID(scratch[:0], d.ID)
			n := len(scratch)
			scratch = appendLower(scratch, d.Email)
			packed, lower := scratch[:n:n], scratch[n:]
			if d.ID == "" {
				packed = nil
			}
			t := unixNanos(d.MailboxTime)
			if i, ok := r.t.findID(packed); ok {
				st.apply(i, d.MailboxBackedUp, t)
			} else {
				st.pending.add(packed, lower, d.MailboxBackedUp, t)
			}
			return nil
		})
		return st, err
	})
}

// match merges the entries that waited for the complete table: an entry
// matches by user id, else by address, but an address that matched no
// user stays unprotected. It leaves one state per mailbox of the table.
func (r *refresh) match(st *repoState) {
	p := &st.pending
	for k := range p.id {
		i, ok := r.t.find(p.strs.bytes(p.id[k]), p.strs.bytes(p.addr[k]))
		if ok && r.t.resolved(i) {
			st.apply(i, p.backedUp[k], p.time[k])
		}
	}
	st.pending = records{}
	st.grow(r.t.size())
}

// grow makes room for mailboxes below n; the new ones are absent.
func (st *repoState) grow(n int) {
	if k := n - len(st.state); k > 0 {
		st.state = append(st.state, make([]uint8, k)...)
		st.times = append(st.times, make([]int64, k)...)
	}
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
			id, addr, name := r.t.mailbox(i)
			unprotected = append(unprotected, Mailbox{ID: id, Address: addr, Name: name})
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
