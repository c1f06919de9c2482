package vboapi

import (
	"math/rand/v2"
	"testing"
)

func TestIDSet(t *testing.T) {
	for _, hint := range []int{0, 10, 5000} {
		s := newIDSet(hint)
		rng := rand.New(rand.NewPCG(3, 4))
		keys := make([]mailboxKey, 5000)
		for i := range keys {
			if i > 0 { // keys[0] stays all zero: a valid key, not "empty"
				for j := range keys[i] {
					keys[i][j] = byte(rng.Uint32())
				}
			}
		}
		for i, k := range keys {
			if !s.add(k) {
				t.Fatalf("hint %d: key %d reported as seen", hint, i)
			}
		}
		for i, k := range keys {
			if s.add(k) {
				t.Fatalf("hint %d: key %d added twice", hint, i)
			}
		}
		if s.len() != len(keys) {
			t.Fatalf("hint %d: len %d", hint, s.len())
		}
		if hint == 5000 && len(s.slots) > 5000*8/7+2 {
			t.Fatalf("a set sized for its keys grew to %d slots", len(s.slots))
		}
	}
}
