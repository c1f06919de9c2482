package protection

import (
	"sync"

	"github.com/vbo365-exporter/vbo365_exporter/vboapi"
)

// Memory is what one server's polls keep from one to the next, all of it:
// each list's length, which paces read-ahead (the API client is handed
// Lengths), and on v1 each job's MailboxHint. The poller owns one per
// server; the zero value is empty and ready.
type Memory struct {
	Lengths vboapi.ListLengths

	mu    sync.Mutex
	hints map[string]*vboapi.MailboxHint // by job id
}

// takeHint lends the job's hint to one read: until putHint, another read
// of the job gets a new one, so that two never share a set.
func (m *Memory) takeHint(jobID string) *vboapi.MailboxHint {
	m.mu.Lock()
	defer m.mu.Unlock()
	h, ok := m.hints[jobID]
	if !ok {
		return new(vboapi.MailboxHint)
	}
	delete(m.hints, jobID)
	return h
}

func (m *Memory) putHint(jobID string, h *vboapi.MailboxHint) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.hints == nil {
		m.hints = map[string]*vboapi.MailboxHint{}
	}
	m.hints[jobID] = h
}

// retainHints forgets the hints of the jobs not in want, so that deleted
// jobs do not keep their sets.
func (m *Memory) retainHints(want []*vboapi.Job) {
	keep := make(map[string]bool, len(want))
	for _, j := range want {
		keep[j.ID] = true
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	for id := range m.hints {
		if !keep[id] {
			delete(m.hints, id)
		}
	}
}
