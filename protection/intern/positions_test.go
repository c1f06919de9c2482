package intern

import (
	"math/rand/v2"
	"testing"
)

// TestPositions: every user put is found at the position it was given,
// through the rehashes, and no other.
func TestPositions(t *testing.T) {
	var p Positions
	rng := rand.New(rand.NewPCG(1, 2))
	given := map[int32]int32{}
	for range 5000 {
		i := rng.Int32N(1 << 20)
		pos := p.Put(i)
		if old, ok := given[i]; ok && old != pos {
			t.Fatalf("user %d moved from %d to %d", i, old, pos)
		}
		given[i] = pos
	}
	for i, pos := range given {
		if got, ok := p.Find(i); !ok || got != pos {
			t.Errorf("user %d at %d, %v; want %d", i, got, ok, pos)
		}
	}
	if _, ok := p.Find(1 << 21); ok {
		t.Error("a user never put is found")
	}
}
