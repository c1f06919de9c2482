package vboapi

import (
	"math/rand/v2"
	"testing"
)

// slowSkipPlain is the obvious byte loop that skipPlain must agree with.
func slowSkipPlain(b []byte, i int) int {
	for i < len(b) && plain[b[i]] {
		i++
	}
	return i
}

// TestSkipPlainMatchesByteLoop checks the word-at-a-time scan against the
// byte loop for every special byte at every position, across the 32-byte
// steps, the 8-byte steps and the tail.
func TestSkipPlainMatchesByteLoop(t *testing.T) {
	for _, special := range []byte{'"', '\\', 0x00, 0x1f, 0x7f, 0x80, 0xc3, 0xff, ' ', '~'} {
		for n := 0; n < 72; n++ {
			for pos := 0; pos <= n; pos++ {
				b := make([]byte, n)
				for k := range b {
					b[k] = 'a' + byte(k%26)
				}
				if pos < n {
					b[pos] = special
				}
				for start := 0; start <= n; start++ {
					if got, want := skipPlain(b, start), slowSkipPlain(b, start); got != want {
						t.Fatalf("special %#x at %d of %d, from %d: got %d, want %d", special, pos, n, start, got, want)
					}
				}
			}
		}
	}
}

// TestSkipPlainFirstOfSeveral puts several special bytes in one buffer: the
// borrows that flag bytes above a special one must never hide the first.
func TestSkipPlainFirstOfSeveral(t *testing.T) {
	specials := []byte{'"', '\\', 0x00, 0x01, 0x1f, 0x20, 0x21, 0x23, 0x5b, 0x5d, 0x7f, 0x80, 0xff}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		b := make([]byte, rng.IntN(100))
		sparse := 2 + rng.IntN(60) // from dense to long plain runs
		for k := range b {
			b[k] = specials[rng.IntN(len(specials))]
			if rng.IntN(sparse) > 0 {
				b[k] = byte(0x20 + rng.IntN(0x60))
			}
		}
		start := 0
		if len(b) > 0 {
			start = rng.IntN(len(b) + 1)
		}
		if got, want := skipPlain(b, start), slowSkipPlain(b, start); got != want {
			t.Fatalf("%q from %d: got %d, want %d", b, start, got, want)
		}
	}
}
