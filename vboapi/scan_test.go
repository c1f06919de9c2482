package vboapi

import "testing"

// TestSkipPlainMatchesByteLoop checks the eight-bytes-at-a-time scan against
// the obvious byte loop for every special byte at every position.
func TestSkipPlainMatchesByteLoop(t *testing.T) {
	slow := func(b []byte, i int) int {
		for i < len(b) && plain[b[i]] {
			i++
		}
		return i
	}
	for _, special := range []byte{'"', '\\', 0x00, 0x1f, 0x7f, 0x80, 0xc3, 0xff, ' ', '~'} {
		for n := 0; n < 40; n++ {
			for pos := 0; pos <= n; pos++ {
				b := make([]byte, n)
				for k := range b {
					b[k] = 'a' + byte(k%26)
				}
				if pos < n {
					b[pos] = special
				}
				for start := 0; start <= n; start++ {
					if got, want := skipPlain(b, start), slow(b, start); got != want {
						t.Fatalf("special %#x at %d of %d, from %d: got %d, want %d", special, pos, n, start, got, want)
					}
				}
			}
		}
	}
}
