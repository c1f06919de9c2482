package intern

// Positions gives the table numbers it is handed positions 0, 1, 2, ...
// in the order met, so that a repository that only holds users named by
// items and groups (a few in a large organization) keeps state for those,
// not for every user of the table. It is pointer-free: open addressing
// over table numbers plus one, kept at most half full.
type Positions struct {
	slots []int32 // table number plus one; 0: an empty slot
	pos   []int32 // the position of the user in the same slot
	n     int
}

// slot is where user i is, or the empty slot where it would go.
func (p *Positions) slot(i int32) int {
	mask := len(p.slots) - 1
	for h := int(uint32(i)*2654435761) & mask; ; h = (h + 1) & mask {
		if s := p.slots[h]; s == 0 || s == i+1 {
			return h
		}
	}
}

// Find is user i's position.
func (p *Positions) Find(i int32) (int32, bool) {
	if p.n == 0 {
		return 0, false
	}
	h := p.slot(i)
	return p.pos[h], p.slots[h] != 0
}

// Put is user i's position, the next one when i is new.
func (p *Positions) Put(i int32) int32 {
	if 2*(p.n+1) > len(p.slots) {
		p.rehash(max(64, 2*len(p.slots)))
	}
	h := p.slot(i)
	if p.slots[h] == 0 {
		p.slots[h], p.pos[h] = i+1, int32(p.n)
		p.n++
	}
	return p.pos[h]
}

func (p *Positions) rehash(size int) {
	old, oldPos := p.slots, p.pos
	p.slots, p.pos = make([]int32, size), make([]int32, size)
	for k, s := range old {
		if s != 0 {
			h := p.slot(s - 1)
			p.slots[h], p.pos[h] = s, oldPos[k]
		}
	}
}
