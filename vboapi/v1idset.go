package vboapi

import (
	"encoding/binary"
	"math/bits"
	"math/rand/v2"
)

// idSet is the de-duplication set of one job's poll: open addressing with
// linear probing over a flat array of 16-byte keys. It has no pointers, so
// the garbage collector never scans it, and it costs 16 bytes per slot at a
// load of at most 7/8 (about 20 bytes per mailbox when sized from the last
// poll's count), against 24 to 38 for a Go map of the same keys.
type idSet struct {
	slots []mailboxKey
	// used has one bit per slot: the all-zero key is a valid key, so it
	// cannot mark an empty slot. Testing this small array first also makes
	// an insert into an empty slot a store, which does not wait for the
	// slot's cache miss; reading the slot first made add half again as
	// costly at 1M mailboxes.
	used    []uint64
	n       int
	seed    uint64 // per set, so a hostile server cannot aim for collisions
	maxLoad int
}

// newIDSet returns a set sized for hint keys without growing.
func newIDSet(hint int) *idSet {
	s := &idSet{seed: rand.Uint64() | 1}
	s.resize(fittedSlots(hint))
	return s
}

// fittedSlots is the capacity that holds n keys without growing.
func fittedSlots(n int) int { return max(n+n/7+2, 64) }

// resize allocates capacity slots. Capacities are not powers of two: slots
// are picked by multiplying the hash into range, so a hint is honoured
// closely instead of being rounded up to twice its size.
func (s *idSet) resize(capacity int) {
	old, oldUsed := s.slots, s.used
	s.slots = make([]mailboxKey, capacity)
	s.used = make([]uint64, (capacity+63)/64)
	s.maxLoad = capacity * 7 / 8
	s.n = 0
	for i := range old {
		if oldUsed[i/64]&(1<<(i%64)) != 0 {
			s.add(old[i])
		}
	}
}

// add inserts k and reports whether it was new.
func (s *idSet) add(k mailboxKey) bool {
	if s.n >= s.maxLoad {
		s.resize(2 * len(s.slots)) // doubling leaves the least garbage behind while a first poll grows the set
	}
	h := binary.LittleEndian.Uint64(k[:8])*s.seed ^ binary.LittleEndian.Uint64(k[8:])
	h *= 0x9E3779B97F4A7C15
	i, _ := bits.Mul64(h, uint64(len(s.slots)))
	for {
		word, bit := i/64, uint64(1)<<(i%64)
		if s.used[word]&bit == 0 {
			s.used[word] |= bit
			s.slots[i] = k
			s.n++
			return true
		}
		if s.slots[i] == k {
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
	clear(s.used)
	s.n = 0
}
