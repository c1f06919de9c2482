package protection

import "sync"

// table gives every mailbox a refresh meets one small number, so that a
// job's scope is a bit set and a user read from several lists (a job's
// items, the organization's users, a group's members) is one mailbox. Its
// strings live in strtabs and its look-ups in indexes: about 100 bytes per
// mailbox, none of them pointers.
type table struct {
	mu     sync.Mutex
	strs   strtab
	id     []ref // packed user id; empty for a group member that matched no user
	addr   []ref // lower-cased address, empty when unknown
	byID   index
	byAddr index // the first mailbox of each address
	// name is the display name of each mailbox, kept only when the
	// unprotected mailboxes are listed: it is needed for nothing else.
	name  []ref
	names bool
	// public are the users that are public folder mailboxes, recorded only
	// when a workload they cannot have is wanted.
	public  set
	scratch []byte
}

func newTable(names bool) *table {
	return &table{byID: newIndex(), byAddr: newIndex(), names: names}
}

// setName records mailbox i's display name, the first one given.
func (t *table) setName(i int32, name string) {
	if !t.names {
		return
	}
	for int(i) >= len(t.name) {
		t.name = append(t.name, 0)
	}
	if t.name[i] == 0 && name != "" {
		t.name[i] = t.strs.add([]byte(name))
	}
}

func (t *table) idOf(i int32) []byte   { return t.strs.bytes(t.id[i]) }
func (t *table) addrOf(i int32) []byte { return t.strs.bytes(t.addr[i]) }

// keys puts the packed id and the lower-cased address in t.scratch.
func (t *table) keys(id, addr string) (packed, lower []byte) {
	b := appendPackedID(t.scratch[:0], id)
	n := len(b)
	b = appendLower(b, addr)
	t.scratch = b
	return b[:n:n], b[n:]
}

// user interns a user known by id, and by address when it has one.
func (t *table) user(id, addr, name string) int32 {
	t.mu.Lock()
	defer t.mu.Unlock()
	packed, lower := t.keys(id, addr)
	if i, ok := t.byID.find(packed, t.idOf); ok {
		t.setName(i, name)
		if t.addr[i] == 0 && len(lower) > 0 {
			t.addr[i] = t.strs.add(lower)
			if _, taken := t.byAddr.find(lower, t.addrOf); !taken {
				t.byAddr.insert(i, t.addrOf)
			}
		}
		return i
	}
	i := int32(len(t.id))
	t.id = append(t.id, t.strs.add(packed))
	t.addr = append(t.addr, t.strs.add(lower))
	t.setName(i, name)
	t.byID.insert(i, t.idOf)
	if len(lower) > 0 {
		if _, taken := t.byAddr.find(lower, t.addrOf); !taken {
			t.byAddr.insert(i, t.addrOf)
		}
	}
	return i
}

// member finds the mailbox of a group member by its address. One that
// matches no user is interned by its address alone; resolved is false then.
func (t *table) member(login, name string) (i int32, resolved bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	_, lower := t.keys("", login)
	if i, ok := t.byAddr.find(lower, t.addrOf); ok {
		t.setName(i, name)
		return i, t.id[i] != 0
	}
	i = int32(len(t.id))
	t.id = append(t.id, 0)
	t.addr = append(t.addr, t.strs.add(lower))
	t.setName(i, name)
	t.byAddr.insert(i, t.addrOf)
	return i, false
}

// findID finds a mailbox by packed id.
func (t *table) findID(packed []byte) (int32, bool) {
	if len(packed) == 0 {
		return 0, false
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.byID.find(packed, t.idOf)
}

// find finds a mailbox by packed id, else by lower-cased address; ok is
// false when neither was met (an empty one matches nothing).
func (t *table) find(packed, lower []byte) (int32, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(packed) > 0 {
		if i, ok := t.byID.find(packed, t.idOf); ok {
			return i, true
		}
	}
	if len(lower) == 0 {
		return 0, false
	}
	return t.byAddr.find(lower, t.addrOf)
}

// size is the number of mailboxes met so far.
func (t *table) size() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.id)
}

// mailbox returns the user id ("" when unresolved), lower-cased address and
// display name ("" unless names are kept) of mailbox i.
func (t *table) mailbox(i int32) (id, addr, name string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if int(i) < len(t.name) {
		name = string(t.strs.bytes(t.name[i]))
	}
	return unpackID(t.idOf(i)), string(t.addrOf(i)), name
}

// resolved reports whether mailbox i is a known user.
func (t *table) resolved(i int32) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.id[i] != 0
}
