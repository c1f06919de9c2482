package intern

import (
	"maps"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestSetAsMap checks every operation of Set, lists and bitsets mixed,
// against a map, over random sets of every size and spread.
func TestSetAsMap(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	random := func() (Set, map[int32]bool) {
		var s Set
		m := map[int32]bool{}
		n, top := rng.IntN(6000), 1+rng.IntN(1<<rng.IntN(21))
		for range n {
			i := int32(rng.IntN(top))
			s.Add(i)
			m[i] = true
		}
		return s, m
	}
	check := func(what string, s Set, m map[int32]bool) {
		t.Helper()
		var got []int32
		s.Each(func(i int32) { got = append(got, i) })
		want := slices.Sorted(maps.Keys(m))
		if !slices.Equal(got, want) || s.Len() != len(m) {
			t.Fatalf("%s: %d members (len %d), want %d", what, len(got), s.Len(), len(m))
		}
		for range 50 {
			i := int32(rng.IntN(1 << 21))
			if s.Has(i) != m[i] {
				t.Fatalf("%s: has(%d) = %v", what, i, s.Has(i))
			}
		}
	}
	for range 300 {
		a, ma := random()
		b, mb := random()
		check("a", a, ma)
		u := a
		u.list, u.bits = slices.Clone(a.list), slices.Clone(a.bits)
		u.Union(b)
		maps.Copy(ma, mb)
		check("a ∪ b", u, ma)
		c, mc := random()
		u.Subtract(c)
		maps.DeleteFunc(ma, func(i int32, _ bool) bool { return mc[i] })
		check("(a ∪ b) − c", u, ma)
		check("b after", b, mb) // Union copies: b is untouched
	}
}
