package protection

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/vbo365-exporter/vbo365_exporter/vboapi"
)

// v1API answers SelectedMailboxes from a table and records the hint each
// read was lent.
type v1API struct {
	mu     sync.Mutex
	counts map[string]vboapi.MailboxFigures
	hints  map[string]*vboapi.MailboxHint
}

func (a *v1API) SelectedMailboxes(_ context.Context, jobID string, _, _ int, hint *vboapi.MailboxHint) (vboapi.MailboxFigures, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.hints[jobID] = hint
	c, ok := a.counts[jobID]
	switch {
	case jobID == "bug":
		panic("decoder bug")
	case !ok:
		return vboapi.MailboxFigures{}, errors.New("HTTP 404")
	}
	return c, nil
}

func v1Jobs(ids ...string) []*vboapi.Job {
	out := make([]*vboapi.Job, len(ids))
	for i, id := range ids {
		out[i] = &vboapi.Job{ID: id}
	}
	return out
}

// TestV1ResultsAndMemory: on v1 each job's result is its selected
// mailboxes; a failing or panicking job fails alone; the memory lends each
// job the hint its last read left, and forgets the jobs no longer wanted.
func TestV1ResultsAndMemory(t *testing.T) {
	api := &v1API{hints: map[string]*vboapi.MailboxHint{}, counts: map[string]vboapi.MailboxFigures{
		"a": {Mailboxes: 5, BackedUp: 3, Unrecognized: 1, UnrecognizedExample: `"yes"`, Duplicates: 2,
			NotBackedUp: []vboapi.Mailbox{{ID: "m1", Email: "One@x", Name: "One"}}},
		"b": {Mailboxes: 1, BackedUp: 1},
	}}
	mem := new(Memory)
	opts := Options{Version: vboapi.V1, Memory: mem, PageSize: 10, KeepNotBackedUp: 1}
	got := Compute(context.Background(), &fakeAPI{V1API: api}, nil, v1Jobs("a", "b", "gone", "bug"), opts)
	a := got[0]
	if a.Err != nil || a.Mailboxes != 5 || a.BackedUp != 3 || a.Unrecognized != 1 || a.UnrecognizedExample != `"yes"` ||
		a.Duplicates != 2 || len(a.NotBackedUp) != 1 || a.NotBackedUp[0] != (Mailbox{ID: "m1", Address: "One@x", Name: "One"}) {
		t.Errorf("job a: %+v", a)
	}
	if got[1].Err != nil || got[1].Mailboxes != 1 || got[1].Took <= 0 {
		t.Errorf("job b: %+v", got[1])
	}
	if got[2].Err == nil || got[2].Mailboxes != 0 {
		t.Errorf("a job whose read failed has %+v", got[2])
	}
	if got[3].Err == nil || !strings.Contains(got[3].Err.Error(), "internal error: decoder bug") {
		t.Errorf("a job whose read panicked has %+v", got[3])
	}
	first := map[string]*vboapi.MailboxHint{"a": api.hints["a"], "b": api.hints["b"]}

	Compute(context.Background(), &fakeAPI{V1API: api}, nil, v1Jobs("a"), opts)
	if api.hints["a"] != first["a"] {
		t.Error("job a was not lent the hint its last read left")
	}
	Compute(context.Background(), &fakeAPI{V1API: api}, nil, v1Jobs("a", "b"), opts)
	if api.hints["b"] == first["b"] {
		t.Error("job b kept its hint through a poll that did not want it")
	}
}

// TestV1HintIsNeverShared: two reads of one job at once get two hints.
func TestV1HintIsNeverShared(t *testing.T) {
	var m Memory
	h1 := m.takeHint("a")
	h2 := m.takeHint("a")
	if h1 == h2 {
		t.Fatal("two reads at once share a hint")
	}
	m.putHint("a", h1)
	if m.takeHint("a") != h1 {
		t.Error("the hint put back is not lent again")
	}
}
