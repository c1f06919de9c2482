package protection

import (
	"time"

	"github.com/vbo365-exporter/vbo365_exporter/protection/intern"
	"github.com/vbo365-exporter/vbo365_exporter/vboapi"
)

// records holds the data entries that could not be matched as they
// arrived, until the scopes are complete: packed ids and lower-cased
// addresses in an intern.Strings, as the table keeps its own, what each
// entry says of its first workload (the mailbox, the site or the team)
// exactly, and of the other workloads kept, stride compactState codes.
type records struct {
	strs     intern.Strings
	id, addr []intern.Ref
	backedUp []bool
	time     []int64 // Unix nanoseconds; 0 when the API gave none
	stride   int
	codes    []uint32
}

func (rs *records) add(packed, lower []byte, first value, codes []uint32) {
	rs.id = append(rs.id, rs.strs.Add(packed))
	rs.addr = append(rs.addr, rs.strs.Add(lower))
	rs.backedUp = append(rs.backedUp, first.backedUp)
	rs.time = append(rs.time, first.time)
	rs.codes = append(rs.codes, codes...)
}

// codesOf is entry k's codes.
func (rs *records) codesOf(k int) []uint32 { return rs.codes[k*rs.stride : (k+1)*rs.stride] }

// value is what one entry says of one workload.
type value struct {
	backedUp bool
	time     int64 // Unix nanoseconds; 0 when unknown
}

// unixNanos is t in Unix nanoseconds, 0 for the zero time.
func unixNanos(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

// workState is what a repository holds of one workload of each object of
// a table.
type workState struct {
	state []uint8 // per object: absent, or one of the states below
	times []int64 // Unix nanoseconds; 0 when unknown
}

const (
	absent uint8 = iota
	notBackedUp
	backedUp
)

// apply merges one entry about object i into the state. Entries that
// disagree make the object not backed up (when in doubt, it is not); of
// agreeing ones the oldest time counts, and an unknown time wins. The
// result does not depend on the order of the entries.
func (ws *workState) apply(i int32, isBackedUp bool, t int64) {
	ws.grow(int(i) + 1)
	switch {
	case !isBackedUp || ws.state[i] == notBackedUp:
		ws.state[i] = notBackedUp
	case ws.state[i] == absent:
		ws.state[i], ws.times[i] = backedUp, t
	case t == 0 || (ws.times[i] != 0 && t < ws.times[i]):
		ws.times[i] = t
	}
}

// grow makes room for objects below n; the new ones are absent.
func (ws *workState) grow(n int) {
	if k := n - len(ws.state); k > 0 {
		ws.state = append(ws.state, make([]uint8, k)...)
		ws.times = append(ws.times, make([]int64, k)...)
	}
}

// backedUpAt reports whether object i is backed up, and when (0: unknown).
func (ws *workState) backedUpAt(i int32) (bool, int64) {
	if int(i) < len(ws.state) && ws.state[i] == backedUp {
		return true, ws.times[i]
	}
	return false, 0
}

// repoState is what a repository holds of each user of the table, for the
// user workloads kept there: the mailbox always, exactly; the others, when
// kept, to the second (compactState), at less than half the memory.
type repoState struct {
	users   *table
	kept    []Workload // in workload order: the mailbox first
	mailbox workState
	others  [numUserWorkloads]compactState // by workload; the mailbox's unused
	// where numbers the users met when the state is sparse (no
	// organization-wide job writes to the repository); nil: the states are
	// indexed by table number.
	where *intern.Positions
	// pending are the entries whose user id the table did not hold yet.
	pending records
}

// userValue is what a user data entry says of user workload w.
func userValue(d *vboapi.UserData, w Workload) value {
	switch w {
	case WorkloadArchive:
		return value{d.ArchiveBackedUp, unixNanos(d.ArchiveTime)}
	case WorkloadOneDrive:
		return value{d.OneDriveBackedUp, unixNanos(d.OneDriveTime)}
	case WorkloadPersonalSite:
		return value{d.PersonalSiteBackedUp, unixNanos(d.PersonalSiteTime)}
	}
	return value{d.MailboxBackedUp, unixNanos(d.MailboxTime)}
}

// repository reads a repository's user data once. An entry whose user id
// the table already holds is merged at once; the others wait for the
// scopes to be complete (match), so the entries themselves are rarely kept.
func (r *computation) repository(id string) (*repoState, error) {
	return r.data.get(id, func() (*repoState, error) {
		st := &repoState{users: r.t}
		if !r.wide[id] {
			st.where = &intern.Positions{}
		}
		(r.active[id] | WorkloadsOf(WorkloadMailbox)).userOnly().each(func(w Workload) { st.kept = append(st.kept, w) })
		st.pending.stride = len(st.kept) - 1
		var scratch []byte
		codes := make([]uint32, st.pending.stride)
		err := r.api.RepositoryUserData(r.ctx, id, r.opts.PageSize, func(d *vboapi.UserData) error {
			scratch = intern.AppendPackedID(scratch[:0], d.ID)
			n := len(scratch)
			scratch = intern.AppendLower(scratch, d.Email)
			packed, lower := scratch[:n:n], scratch[n:]
			if d.ID == "" {
				packed = nil
			}
			mailbox := userValue(d, WorkloadMailbox)
			for k, w := range st.kept[1:] {
				codes[k] = code(userValue(d, w))
			}
			if i, ok := r.t.findID(packed); ok {
				st.apply(i, mailbox, codes)
			} else {
				st.pending.add(packed, lower, mailbox, codes)
			}
			return nil
		})
		return st, err
	})
}

// apply merges what one entry says about user i: of the mailbox, and the
// codes of the other workloads kept. A user beyond the states makes them
// grow at once to the table's size, not by doubling as the entries arrive:
// the table is mostly complete by then.
func (st *repoState) apply(i int32, mailbox value, codes []uint32) {
	switch {
	case st.where != nil:
		if i = st.where.Put(i); int(i) >= len(st.mailbox.state) {
			st.grow(int(i) + 1)
		}
	case int(i) >= len(st.mailbox.state):
		st.grow(max(int(i)+1, st.users.size()))
	}
	st.mailbox.apply(i, mailbox.backedUp, mailbox.time)
	for k, w := range st.kept[1:] {
		st.others[w].merge(i, codes[k])
	}
}

// grow makes room for users below n in every state kept.
func (st *repoState) grow(n int) {
	st.mailbox.grow(n)
	for _, w := range st.kept[1:] {
		st.others[w].grow(n)
	}
}

// holder is the state of user workload w.
func (st *repoState) holder(w Workload) holder {
	var h holder = &st.others[w]
	if w == WorkloadMailbox {
		h = &st.mailbox
	}
	if st.where != nil {
		return sparseHolder{st.where, h}
	}
	return h
}

// match merges the entries that waited for the complete table: an entry
// matches by user id, else by address, but an address that matched no
// user stays unprotected. It leaves one state per user of the table.
func (r *computation) match(st *repoState) {
	p := &st.pending
	for k := range p.id {
		i, ok := r.t.find(p.strs.Bytes(p.id[k]), p.strs.Bytes(p.addr[k]))
		if !ok || !r.t.resolved(i) {
			continue
		}
		st.apply(i, value{p.backedUp[k], p.time[k]}, p.codesOf(k))
	}
	st.pending = records{}
	if st.where == nil {
		st.grow(r.t.size())
	}
}
