package protection

import (
	"sync"

	"github.com/vbo365-exporter/vbo365_exporter/protection/intern"
)

// table gives every mailbox a computation meets one small number, so that a
// job's scope is a bit set and a user read from several lists (a job's
// items, the organization's users, a group's members) is one mailbox. Its
// strings live in an intern.Strings and its look-ups in intern.Indexes:
// about 100 bytes per mailbox, none of them pointers.
type table struct {
	mu     sync.Mutex
	strs   intern.Strings
	id     []intern.Ref // packed user id; empty for a group member that matched no user
	addr   []intern.Ref // lower-cased address, empty when unknown
	byID   intern.Index
	byAddr intern.Index // the first mailbox of each address
	// name is the display name of each mailbox, kept only when the
	// unprotected mailboxes are listed: it is needed for nothing else.
	name  []intern.Ref
	names bool
	// public are the users that are public folder mailboxes, recorded only
	// when a workload they cannot have is wanted.
	public  intern.Set
	scratch []byte
}

func newTable(names bool) *table {
	return &table{byID: intern.NewIndex(), byAddr: intern.NewIndex(), names: names}
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
		t.name[i] = t.strs.Add([]byte(name))
	}
}

func (t *table) idOf(i int32) []byte   { return t.strs.Bytes(t.id[i]) }
func (t *table) addrOf(i int32) []byte { return t.strs.Bytes(t.addr[i]) }

// keys puts the packed id and the lower-cased address in t.scratch.
func (t *table) keys(id, addr string) (packed, lower []byte) {
	b := intern.AppendPackedID(t.scratch[:0], id)
	n := len(b)
	b = intern.AppendLower(b, addr)
	t.scratch = b
	return b[:n:n], b[n:]
}

// user interns a user known by id, and by address when it has one.
func (t *table) user(id, addr, name string) int32 {
	t.mu.Lock()
	defer t.mu.Unlock()
	packed, lower := t.keys(id, addr)
	if i, ok := t.byID.Find(packed, t.idOf); ok {
		t.setName(i, name)
		if t.addr[i] == 0 && len(lower) > 0 {
			t.addr[i] = t.strs.Add(lower)
			if _, taken := t.byAddr.Find(lower, t.addrOf); !taken {
				t.byAddr.Insert(i, t.addrOf)
			}
		}
		return i
	}
	i := int32(len(t.id))
	t.id = append(t.id, t.strs.Add(packed))
	t.addr = append(t.addr, t.strs.Add(lower))
	t.setName(i, name)
	t.byID.Insert(i, t.idOf)
	if len(lower) > 0 {
		if _, taken := t.byAddr.Find(lower, t.addrOf); !taken {
			t.byAddr.Insert(i, t.addrOf)
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
	if i, ok := t.byAddr.Find(lower, t.addrOf); ok {
		t.setName(i, name)
		return i, t.id[i] != 0
	}
	i = int32(len(t.id))
	t.id = append(t.id, 0)
	t.addr = append(t.addr, t.strs.Add(lower))
	t.setName(i, name)
	t.byAddr.Insert(i, t.addrOf)
	return i, false
}

// findID finds a mailbox by packed id.
func (t *table) findID(packed []byte) (int32, bool) {
	if len(packed) == 0 {
		return 0, false
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.byID.Find(packed, t.idOf)
}

// find finds a mailbox by packed id, else by lower-cased address; ok is
// false when neither was met (an empty one matches nothing).
func (t *table) find(packed, lower []byte) (int32, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(packed) > 0 {
		if i, ok := t.byID.Find(packed, t.idOf); ok {
			return i, true
		}
	}
	if len(lower) == 0 {
		return 0, false
	}
	return t.byAddr.Find(lower, t.addrOf)
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
		name = string(t.strs.Bytes(t.name[i]))
	}
	return intern.UnpackID(t.idOf(i)), string(t.addrOf(i)), name
}

// resolved reports whether mailbox i is a known user.
func (t *table) resolved(i int32) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.id[i] != 0
}
