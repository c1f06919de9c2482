package protection

import (
	"math/bits"
	"strings"
	"sync"
)

// table gives every mailbox a refresh meets one small number, so that a
// job's scope is a bit set and a user read from several lists (a job's
// items, the organization's users, a group's members) is one mailbox.
type table struct {
	mu     sync.Mutex
	byID   map[string]int32
	byAddr map[string]int32 // lower-cased address
	addr   []string         // lower-cased address, "" when unknown
	ids    []string         // "" for a group member that matched no user
}

func newTable() *table {
	return &table{byID: map[string]int32{}, byAddr: map[string]int32{}}
}

// user interns a user known by id, and by address when it has one.
func (t *table) user(id, addr string) int32 {
	addr = strings.ToLower(addr)
	t.mu.Lock()
	defer t.mu.Unlock()
	if i, ok := t.byID[id]; ok {
		if t.addr[i] == "" && addr != "" {
			t.addr[i] = addr
			t.byAddr[addr] = i
		}
		return i
	}
	i := int32(len(t.addr))
	t.byID[id] = i
	t.addr = append(t.addr, addr)
	t.ids = append(t.ids, id)
	if addr != "" {
		if _, taken := t.byAddr[addr]; !taken {
			t.byAddr[addr] = i
		}
	}
	return i
}

// member finds the mailbox of a group member by its address. One that
// matches no user is interned by its address alone; resolved is false then.
func (t *table) member(login string) (i int32, resolved bool) {
	addr := strings.ToLower(login)
	t.mu.Lock()
	defer t.mu.Unlock()
	if i, ok := t.byAddr[addr]; ok {
		return i, t.ids[i] != ""
	}
	i = int32(len(t.addr))
	t.byAddr[addr] = i
	t.addr = append(t.addr, addr)
	t.ids = append(t.ids, "")
	return i, false
}

// lookup finds a mailbox by id, else by address; ok is false when neither
// was met.
func (t *table) lookup(id, addr string) (int32, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if i, ok := t.byID[id]; ok && id != "" {
		return i, true
	}
	if addr == "" {
		return 0, false
	}
	i, ok := t.byAddr[strings.ToLower(addr)]
	return i, ok
}

// size is the number of mailboxes met so far.
func (t *table) size() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.addr)
}

// mailbox returns the user id ("" when unresolved) and lower-cased address
// of mailbox i.
func (t *table) mailbox(i int32) (id, addr string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.ids[i], t.addr[i]
}

// resolved reports whether mailbox i is a known user.
func (t *table) resolved(i int32) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.ids[i] != ""
}

// set is a set of mailboxes of one table.
type set []uint64

func (s *set) add(i int32) {
	w := int(i) >> 6
	for len(*s) <= w {
		*s = append(*s, 0)
	}
	(*s)[w] |= 1 << (uint(i) & 63)
}

func (s set) has(i int32) bool {
	w := int(i) >> 6
	return w < len(s) && s[w]&(1<<(uint(i)&63)) != 0
}

func (s *set) union(o set) {
	for len(*s) < len(o) {
		*s = append(*s, 0)
	}
	for w, bitsOf := range o {
		(*s)[w] |= bitsOf
	}
}

func (s set) subtract(o set) {
	for w := range min(len(s), len(o)) {
		s[w] &^= o[w]
	}
}

func (s set) len() int {
	n := 0
	for _, w := range s {
		n += bits.OnesCount64(w)
	}
	return n
}

// each calls f for every member in increasing order.
func (s set) each(f func(int32)) {
	for w, word := range s {
		for word != 0 {
			b := bits.TrailingZeros64(word)
			f(int32(w<<6 | b))
			word &= word - 1
		}
	}
}
