package simulator

import (
	"crypto/rand"
	"strings"
)

// maxSets bounds the remembered setIds; the oldest is forgotten first, as
// a server's cache expires, so a long benchmark cannot grow it without end.
const maxSets = 4096

// setStore remembers which list each setId was issued for. It is guarded
// by Simulator.mu.
type setStore struct {
	lists map[string]string // setId (lower-case) -> list key
	order []string
}

// newSetID returns a fresh random version-4 UUID.
func newSetID() string {
	var b [8]byte
	var c [8]byte
	_, _ = rand.Read(b[:])
	_, _ = rand.Read(c[:])
	u := uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
		uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56
	e := uint64(c[0]) | uint64(c[1])<<8 | uint64(c[2])<<16 | uint64(c[3])<<24 |
		uint64(c[4])<<32 | uint64(c[5])<<40 | uint64(c[6])<<48 | uint64(c[7])<<56
	return guid(u, e)
}

// issueSet records a new setId for the list key (endpoint and the id of
// the organization or group listed).
func (s *Simulator) issueSet(key string) string {
	id := newSetID()
	s.mu.Lock()
	defer s.mu.Unlock()
	st := &s.sets
	if st.lists == nil {
		st.lists = map[string]string{}
	}
	if len(st.order) >= maxSets {
		delete(st.lists, st.order[0])
		st.order = st.order[1:]
	}
	st.lists[id] = key
	st.order = append(st.order, id)
	return id
}

// knownSet reports whether id was issued for key and is still remembered.
func (s *Simulator) knownSet(id, key string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	k, ok := s.sets.lists[strings.ToLower(id)]
	return ok && k == key
}
