package intern

import (
	"bytes"
	"hash/maphash"
)

// Index finds a number by the bytes of its key: open addressing over the
// numbers plus one (zero is an empty slot), kept at most half full. It
// holds no keys itself, only the numbers, and asks the caller for a
// number's key, so it costs 8 to 16 bytes per number (a 4-byte slot,
// between a quarter and a half of them used) and nothing for the collector
// to scan.
type Index struct {
	seed  maphash.Seed
	slots []int32
	n     int
}

// NewIndex is an empty index with a seed of its own.
func NewIndex() Index { return Index{seed: maphash.MakeSeed()} }

// Find returns the number whose key is key; keyOf gives a number's key.
func (x *Index) Find(key []byte, keyOf func(int32) []byte) (int32, bool) {
	if x.n == 0 {
		return 0, false
	}
	mask := uint64(len(x.slots) - 1)
	for h := maphash.Bytes(x.seed, key) & mask; ; h = (h + 1) & mask {
		s := x.slots[h]
		if s == 0 {
			return 0, false
		}
		if bytes.Equal(keyOf(s-1), key) {
			return s - 1, true
		}
	}
}

// Insert adds mailbox i, whose key is not in the Index yet.
func (x *Index) Insert(i int32, keyOf func(int32) []byte) {
	if 2*(x.n+1) > len(x.slots) {
		old := x.slots
		x.slots = make([]int32, max(64, 2*len(old)))
		for _, s := range old {
			if s != 0 {
				x.place(s, keyOf(s-1))
			}
		}
	}
	x.place(i+1, keyOf(i))
	x.n++
}

func (x *Index) place(s int32, key []byte) {
	mask := uint64(len(x.slots) - 1)
	h := maphash.Bytes(x.seed, key) & mask
	for x.slots[h] != 0 {
		h = (h + 1) & mask
	}
	x.slots[h] = s
}
