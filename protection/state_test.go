package protection

import (
	"cmp"
	"fmt"
	"slices"
	"testing"
	"time"
)

// TestCompactStateAsWorkState: the compact state merges entries as the
// exact one does, its times cut to the second.
func TestCompactStateAsWorkState(t *testing.T) {
	sec := func(s int64) int64 { return s * 1e9 }
	type entry struct {
		on bool
		at int64
	}
	for _, entries := range [][]entry{
		{{true, sec(1700000000) + 5e8}},                    // kept to the second
		{{true, sec(1700000500)}, {true, sec(1700000000)}}, // the oldest
		{{true, sec(1700000000)}, {true, 0}},               // an unknown time wins
		{{true, 0}, {true, sec(1700000000)}},
		{{true, sec(1700000000)}, {false, 0}}, // disagreeing: not backed up
		{{false, 0}, {true, sec(1700000000)}},
		{{true, -sec(5)}}, // before 1970: unknown
	} {
		var exact workState
		var compact compactState
		for _, e := range entries {
			exact.apply(3, e.on, e.at)
			compact.apply(3, e.on, e.at)
		}
		wantOn, wantAt := exact.backedUpAt(3)
		if wantAt < 0 {
			wantAt = 0
		}
		gotOn, gotAt := compact.backedUpAt(3)
		if gotOn != wantOn || gotAt != wantAt/1e9*1e9 {
			t.Errorf("%v: compact %v %d, exact %v %d", entries, gotOn, gotAt, wantOn, wantAt)
		}
		if on, _ := compact.backedUpAt(2); on {
			t.Errorf("%v: an object no entry named is backed up", entries)
		}
	}
	var far compactState
	far.apply(0, true, time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC).UnixNano())
	if _, at := far.backedUpAt(0); at != int64(^uint32(0))*1e9 {
		t.Errorf("a time after 2106 kept as %d", at)
	}
}

// TestSmallest keeps the k first by address, then id, in order.
func TestSmallest(t *testing.T) {
	tb := newTable(true)
	var all []Object
	for k := range 200 {
		addr := fmt.Sprintf("user%03d@example.com", (k*37)%100) // every address twice
		id := fmt.Sprintf("id-%03d", k)
		tb.user(id, addr, "")
		all = append(all, Object{ID: id, Address: addr})
	}
	for _, k := range []int{0, 1, 7, 200, 500} {
		s := newSmallest(tb, k)
		for i := range int32(200) {
			s.offer(i)
		}
		want := slices.Clone(all)
		slices.SortFunc(want, func(a, b Object) int { return cmp.Or(cmp.Compare(a.Address, b.Address), cmp.Compare(a.ID, b.ID)) })
		want = want[:min(k, len(want))]
		if len(want) == 0 {
			want = nil
		}
		if got := s.objects(); !slices.Equal(got, want) {
			t.Errorf("k=%d: got %v, want %v", k, got, want)
		}
	}
}
