package intern

import (
	"math/bits"
	"slices"
)

// Set is a set of numbers of one table. A small one is a sorted list of
// them, four bytes each; one whose list would outweigh a bitset over the
// numbers it spans is a bitset. So a job of a few users in a table of a
// million costs bytes, not 125 KB per workload, and an organization's
// users still cost a bit each. A Set owns its slices: Union copies.
type Set struct {
	list []int32 // sorted, distinct; used while bits is nil
	bits []uint64
}

// listMax bounds a list: inserting into a longer one costs more than the
// bitset would.
const listMax = 4096

// crowded reports whether the list should become a bitset.
func (s *Set) crowded() bool {
	n := len(s.list)
	return n > listMax || n > 0 && 32*n > int(s.list[n-1])+1
}

// Add makes i a member.
func (s *Set) Add(i int32) {
	if s.bits != nil {
		s.setBit(i)
		return
	}
	k, found := slices.BinarySearch(s.list, i)
	if found {
		return
	}
	s.list = slices.Insert(s.list, k, i)
	if s.crowded() {
		s.toBits()
	}
}

func (s *Set) setBit(i int32) {
	w := int(i) >> 6
	for len(s.bits) <= w {
		s.bits = append(s.bits, 0)
	}
	s.bits[w] |= 1 << (uint(i) & 63)
}

// toBits turns the list into a bitset.
func (s *Set) toBits() {
	b := make([]uint64, 0, int(s.list[len(s.list)-1])>>6+1)
	s.bits = b
	for _, i := range s.list {
		s.setBit(i)
	}
	s.list = nil
}

// Has reports whether i is a member.
func (s *Set) Has(i int32) bool {
	if s.bits == nil {
		_, found := slices.BinarySearch(s.list, i)
		return found
	}
	w := int(i) >> 6
	return w < len(s.bits) && s.bits[w]&(1<<(uint(i)&63)) != 0
}

// Union adds o's members to s.
func (s *Set) Union(o Set) {
	switch {
	case o.bits == nil && len(o.list) == 0:
	case s.bits == nil && o.bits == nil:
		s.list = mergeSorted(s.list, o.list)
		if s.crowded() {
			s.toBits()
		}
	case o.bits == nil:
		for _, i := range o.list {
			s.setBit(i)
		}
	default:
		if s.bits == nil && len(s.list) > 0 {
			s.toBits()
		}
		for len(s.bits) < len(o.bits) {
			s.bits = append(s.bits, 0)
		}
		for w, word := range o.bits {
			s.bits[w] |= word
		}
	}
}

// mergeSorted is the sorted union of two sorted lists, in a new slice.
func mergeSorted(a, b []int32) []int32 {
	out := make([]int32, 0, len(a)+len(b))
	for len(a) > 0 && len(b) > 0 {
		switch {
		case a[0] < b[0]:
			out, a = append(out, a[0]), a[1:]
		case b[0] < a[0]:
			out, b = append(out, b[0]), b[1:]
		default:
			out, a, b = append(out, a[0]), a[1:], b[1:]
		}
	}
	return append(append(out, a...), b...)
}

// Subtract removes o's members from s.
func (s *Set) Subtract(o Set) {
	switch {
	case s.bits == nil:
		s.list = slices.DeleteFunc(s.list, o.Has)
	case o.bits == nil:
		for _, i := range o.list {
			if w := int(i) >> 6; w < len(s.bits) {
				s.bits[w] &^= 1 << (uint(i) & 63)
			}
		}
	default:
		for w := range min(len(s.bits), len(o.bits)) {
			s.bits[w] &^= o.bits[w]
		}
	}
}

// Len is the number of members.
func (s *Set) Len() int {
	if s.bits == nil {
		return len(s.list)
	}
	n := 0
	for _, w := range s.bits {
		n += bits.OnesCount64(w)
	}
	return n
}

// Each calls f for every member in increasing order.
func (s *Set) Each(f func(int32)) {
	if s.bits == nil {
		for _, i := range s.list {
			f(i)
		}
		return
	}
	for w, word := range s.bits {
		for word != 0 {
			b := bits.TrailingZeros64(word)
			f(int32(w<<6 | b))
			word &= word - 1
		}
	}
}
