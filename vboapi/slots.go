package vboapi

import (
	"context"
	"slices"
	"sync"
)

// slots bounds the requests in flight to one server. Waiting requests are
// served in arrival order, except that a deferrable one waits while any
// other does: a repository's user data can be read at any time, but read
// after the lists that make the jobs' scopes, each entry finds its mailbox
// at once instead of being kept until the end of the refresh. The server
// sees the same number of requests at once either way.
type slots struct {
	mu      sync.Mutex
	free    int
	waiting [2][]chan struct{} // urgent, then deferrable; closed when granted
}

func newSlots(n int) *slots { return &slots{free: n} }

func class(deferrable bool) int {
	if deferrable {
		return 1
	}
	return 0
}

// acquire takes a slot, waiting in its class's queue until one is free or
// ctx is done.
func (s *slots) acquire(ctx context.Context, deferrable bool) error {
	c := class(deferrable)
	s.mu.Lock()
	if s.free > 0 && len(s.waiting[0]) == 0 && (c == 0 || len(s.waiting[1]) == 0) {
		s.free--
		s.mu.Unlock()
		return nil
	}
	granted := make(chan struct{})
	s.waiting[c] = append(s.waiting[c], granted)
	s.mu.Unlock()
	select {
	case <-granted:
		return nil
	case <-ctx.Done():
	}
	s.mu.Lock()
	select {
	case <-granted: // handed over meanwhile: pass it on
		s.mu.Unlock()
		s.release()
	default:
		s.waiting[c] = slices.DeleteFunc(s.waiting[c], func(w chan struct{}) bool { return w == granted })
		s.mu.Unlock()
	}
	return ctx.Err()
}

// release hands the slot to the first urgent waiter, else to the first
// deferrable one, else frees it.
func (s *slots) release() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for c := range s.waiting {
		if q := s.waiting[c]; len(q) > 0 {
			close(q[0])
			q[0] = nil
			s.waiting[c] = q[1:]
			return
		}
	}
	s.free++
}
