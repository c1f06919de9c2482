package vboapi

import (
	"encoding/binary"
	"math/bits"
	"math/rand/v2"
)

// idSet is the de-duplication set of one job's poll: open addressing with
// linear probing over a flat array of 16-byte keys. It has no pointers, so
// the garbage collector never scans it, and it costs 16 bytes per slot at a
// load of at most 7/8 (about 19 bytes per mailbox when sized from the last
// poll's count), against 24 to 38 for a Go map of the same keys.
//
// An all-zero slot is empty. The all-zero key is valid (a nil GUID), so it
// is kept in hasZero instead: a probe then touches one array, not two.
type idSet struct {
	slots   []mailboxKey
	hasZero bool
	n       int
	seed    uint64 // per set, so a hostile server cannot aim for collisions
	maxLoad int
}

// newIDSet returns a set sized for hint keys without growing.
func newIDSet(hint int) *idSet {
	s := &idSet{seed: rand.Uint64() | 1}
	s.resize(max(hint+hint/7+2, 64))
	return s
}

// resize allocates capacity slots. Capacities are not powers of two: slots
// are picked by multiplying the hash into range, so a hint is honoured
// closely instead of being rounded up to twice its size.
func (s *idSet) resize(capacity int) {
	old := s.slots
	s.slots = make([]mailboxKey, capacity)
	s.maxLoad = capacity * 7 / 8
	s.n = 0
	if s.hasZero {
		s.n = 1
	}
	for _, k := range old {
		if k != (mailboxKey{}) {
			s.insert(k)
		}
	}
}

// add inserts k and reports whether it was new.
func (s *idSet) add(k mailboxKey) bool {
	if k == (mailboxKey{}) {
		if s.hasZero {
			return false
		}
		s.hasZero = true
		s.n++
		return true
	}
	if s.n >= s.maxLoad {
		s.resize(2 * len(s.slots)) // doubling leaves the least garbage behind while a first poll grows the set
	}
	return s.insert(k)
}

// insert adds a key that is not all zero.
func (s *idSet) insert(k mailboxKey) bool {
	h := binary.LittleEndian.Uint64(k[:8])*s.seed ^ binary.LittleEndian.Uint64(k[8:])
	h *= 0x9E3779B97F4A7C15
	i, _ := bits.Mul64(h, uint64(len(s.slots)))
	for {
		switch slot := &s.slots[i]; *slot {
		case mailboxKey{}:
			*slot = k
			s.n++
			return true
		case k:
			return false
		}
		if i++; i == uint64(len(s.slots)) {
			i = 0
		}
	}
}

// len returns the number of keys.
func (s *idSet) len() int { return s.n }

// clear empties the set and keeps its memory.
func (s *idSet) clear() {
	clear(s.slots)
	s.hasZero = false
	s.n = 0
}
