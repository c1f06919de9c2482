package simulator

import (
	"context"
	"sync"
	"time"
)

// limiter admits at most max requests at once and queues the rest strictly
// first in, first out, like a server's worker pool; a buffered channel would
// not guarantee the order.
type limiter struct {
	mu    sync.Mutex
	max   int
	inUse int
	queue []chan struct{}
}

// acquire waits for a slot; it returns false if ctx ends first, in which case
// no slot is held.
func (l *limiter) acquire(ctx context.Context) bool {
	if l.max <= 0 {
		return ctx.Err() == nil
	}
	l.mu.Lock()
	if l.inUse < l.max && len(l.queue) == 0 {
		l.inUse++
		l.mu.Unlock()
		return true
	}
	ch := make(chan struct{})
	l.queue = append(l.queue, ch)
	l.mu.Unlock()
	select {
	case <-ch:
		return true
	case <-ctx.Done():
	}
	l.mu.Lock()
	for i, c := range l.queue {
		if c == ch {
			l.queue = append(l.queue[:i], l.queue[i+1:]...)
			l.mu.Unlock()
			return false
		}
	}
	l.mu.Unlock()
	// The slot was handed over just as ctx ended: pass it on.
	l.release()
	return false
}

// release hands the slot straight to the oldest waiter, so inUse never dips
// and a newcomer cannot overtake the queue.
func (l *limiter) release() {
	if l.max <= 0 {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.queue) > 0 {
		close(l.queue[0])
		l.queue = l.queue[1:]
		return
	}
	l.inUse--
}

// wait sleeps BaseDelay + PerItemDelay*items, cut short if the client goes
// away; it reports whether the reply should still be written.
func (s *Simulator) wait(ctx context.Context, items int) bool {
	d := s.opts.BaseDelay + s.opts.PerItemDelay*time.Duration(items)
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
