package protection

import (
	"fmt"
	"sync"
)

// lazy computes each key's value once per computation, however many jobs ask
// for it at once: a list shared by jobs is read once.
type lazy[K comparable, V any] struct {
	mu      sync.Mutex
	entries map[K]*lazyEntry[V]
}

type lazyEntry[V any] struct {
	done chan struct{}
	val  V
	err  error
}

func (l *lazy[K, V]) get(key K, compute func() (V, error)) (V, error) {
	l.mu.Lock()
	if l.entries == nil {
		l.entries = map[K]*lazyEntry[V]{}
	}
	e, ok := l.entries[key]
	if !ok {
		e = &lazyEntry[V]{done: make(chan struct{})}
		l.entries[key] = e
	}
	l.mu.Unlock()
	if !ok {
		func() {
			defer close(e.done)
			// A bug must fail the jobs that need this value, and never
			// hand them a zero value as if it were the answer.
			defer func() {
				if v := recover(); v != nil {
					e.err = fmt.Errorf("internal error: %v", v)
				}
			}()
			e.val, e.err = compute()
		}()
	}
	<-e.done
	return e.val, e.err
}
