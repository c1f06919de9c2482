package vboapi

import (
	"sync"
	"time"
)

// ListLengths remembers each list's length when it was last read whole.
// It only paces read-ahead, never ends a list. The zero value is empty and
// ready; it is safe for concurrent use.
type ListLengths struct {
	mu    sync.Mutex
	m     map[string]listLength // by the list's path
	swept time.Time             // when m was last swept of lists no longer read
}

type listLength struct {
	n  int
	at time.Time
}

// lengthsKept is how long a list's length is kept after it was last read:
// the lists of deleted jobs and groups must not stay forever.
const lengthsKept = 24 * time.Hour

// last is how many items the list at path had when last read whole.
func (l *ListLengths) last(path string) (n int, known bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	got, known := l.m[path]
	return got.n, known
}

// remember records a list's length, and once an hour forgets the lists not
// read for lengthsKept.
func (l *ListLengths) remember(path string, n int) {
	now := time.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.m == nil {
		l.m, l.swept = map[string]listLength{}, now
	}
	l.m[path] = listLength{n, now}
	if now.Sub(l.swept) < time.Hour {
		return
	}
	l.swept = now
	for p, got := range l.m {
		if now.Sub(got.at) > lengthsKept {
			delete(l.m, p)
		}
	}
}
