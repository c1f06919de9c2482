package protection

import (
	"bytes"
	"hash/maphash"
)

// index finds a mailbox by the bytes of one of its strings: open
// addressing over mailbox numbers plus one (zero is an empty slot), kept
// at most half full. It holds no strings itself, only the numbers, so it
// costs 8 bytes or less per mailbox and nothing for the collector to scan.
type index struct {
	seed  maphash.Seed
	slots []int32
	n     int
}

func newIndex() index { return index{seed: maphash.MakeSeed()} }

// find returns the mailbox whose key is key; keyOf gives a mailbox's key.
func (x *index) find(key []byte, keyOf func(int32) []byte) (int32, bool) {
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

// insert adds mailbox i, whose key is not in the index yet.
func (x *index) insert(i int32, keyOf func(int32) []byte) {
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

func (x *index) place(s int32, key []byte) {
	mask := uint64(len(x.slots) - 1)
	h := maphash.Bytes(x.seed, key) & mask
	for x.slots[h] != 0 {
		h = (h + 1) & mask
	}
	x.slots[h] = s
}
