package protection

import (
	"math"

	"github.com/vbo365-exporter/vbo365_exporter/protection/intern"
)

// holder is what a repository holds of one workload: whether object i is
// backed up, and when (Unix nanoseconds; 0: unknown).
type holder interface {
	backedUpAt(i int32) (bool, int64)
}

// compactState is a workState in four bytes per object, for the archive,
// OneDrive and personal site of every user of a large table: the time is
// kept to the second. Each value is one of the codes below or, from
// firstSecond on, the Unix second of the oldest agreeing backup.
type compactState struct{ v []uint32 }

const (
	cAbsent      uint32 = iota
	cNotBackedUp        // some entry says not backed up
	cUnknownTime        // backed up, an entry without a time (or one before 1970)
	firstSecond
)

// second is t (Unix nanoseconds, 0: unknown) as a code: its second, or
// cUnknownTime for no time and for a time the code cannot hold before
// 1970; one after 2106 is kept as the latest second it can hold.
func second(t int64) uint32 {
	s := t / 1e9
	switch {
	case t == 0 || s < int64(firstSecond):
		return cUnknownTime
	case s > math.MaxUint32:
		return math.MaxUint32
	}
	return uint32(s)
}

// code is what an entry says of a workload, as a code.
func code(v value) uint32 {
	if !v.backedUp {
		return cNotBackedUp
	}
	return second(v.time)
}

// apply merges one entry by the rule of workState.apply.
func (cs *compactState) apply(i int32, isBackedUp bool, t int64) {
	cs.merge(i, code(value{isBackedUp, t}))
}

// merge merges an entry's code c about object i.
func (cs *compactState) merge(i int32, c uint32) {
	cs.grow(int(i) + 1)
	v := &cs.v[i]
	switch {
	case c == cNotBackedUp || *v == cNotBackedUp:
		*v = cNotBackedUp
	case *v == cAbsent:
		*v = c
	case c == cUnknownTime || (*v != cUnknownTime && c < *v):
		*v = c
	}
}

// grow makes room for objects below n; the new ones are absent.
func (cs *compactState) grow(n int) {
	if k := n - len(cs.v); k > 0 {
		cs.v = append(cs.v, make([]uint32, k)...)
	}
}

func (cs *compactState) backedUpAt(i int32) (bool, int64) {
	if int(i) >= len(cs.v) || cs.v[i] < cUnknownTime {
		return false, 0
	}
	if cs.v[i] == cUnknownTime {
		return true, 0
	}
	return true, int64(cs.v[i]) * 1e9
}

// sparseHolder reads a state kept by position.
type sparseHolder struct {
	where *intern.Positions
	state holder
}

func (s sparseHolder) backedUpAt(i int32) (bool, int64) {
	if p, ok := s.where.Find(i); ok {
		return s.state.backedUpAt(p)
	}
	return false, 0
}
