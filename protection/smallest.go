package protection

import (
	"bytes"
	"cmp"
	"container/heap"
	"slices"
)

// smallest keeps, of the objects offered, the k that sort first by
// address, then by id. It holds table numbers only and compares the
// table's own bytes, so that offering every object of a large scope makes
// no string: only the k kept become Objects.
type smallest struct {
	t   *table
	k   int
	idx []int32 // a heap whose root sorts last of those kept
}

func newSmallest(t *table, k int) *smallest { return &smallest{t: t, k: k} }

// offer considers object i.
func (s *smallest) offer(i int32) {
	switch {
	case s.k <= 0:
	case len(s.idx) < s.k:
		heap.Push(s, i)
	case s.t.compare(i, s.idx[0]) < 0:
		s.idx[0] = i
		heap.Fix(s, 0)
	}
}

// objects are the objects kept, in order; nil when none.
func (s *smallest) objects() []Object {
	if len(s.idx) == 0 {
		return nil
	}
	slices.SortFunc(s.idx, s.t.compare)
	out := make([]Object, len(s.idx))
	for k, i := range s.idx {
		id, addr, name := s.t.mailbox(i)
		out[k] = Object{ID: id, Address: addr, Name: name}
	}
	return out
}

// The heap.Interface of smallest: the root is the greatest.
func (s *smallest) Len() int           { return len(s.idx) }
func (s *smallest) Less(a, b int) bool { return s.t.compare(s.idx[a], s.idx[b]) > 0 }
func (s *smallest) Swap(a, b int)      { s.idx[a], s.idx[b] = s.idx[b], s.idx[a] }
func (s *smallest) Push(x any)         { s.idx = append(s.idx, x.(int32)) }
func (s *smallest) Pop() any {
	x := s.idx[len(s.idx)-1]
	s.idx = s.idx[:len(s.idx)-1]
	return x
}

// compare orders objects i and j by address, then by id.
func (t *table) compare(i, j int32) int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return cmp.Or(bytes.Compare(t.addrOf(i), t.addrOf(j)), bytes.Compare(t.idOf(i), t.idOf(j)))
}
