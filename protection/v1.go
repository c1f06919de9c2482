package protection

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/vbo365-exporter/vbo365_exporter/vboapi"
)

// V1API is what Compute reads on REST API v1.
type V1API interface {
	SelectedMailboxes(ctx context.Context, jobID string, pageSize, keepNotBackedUp int, hint *vboapi.MailboxHint) (vboapi.MailboxFigures, error)
}

// computeV1 reads each job's selected mailboxes, the jobs in parallel: on
// v1 they are the job's scope, and each says whether it is backed up.
func computeV1(ctx context.Context, api V1API, want []*vboapi.Job, opts Options) []Result {
	mem := opts.Memory
	if mem == nil {
		mem = new(Memory)
	}
	mem.retainHints(want)
	out := make([]Result, len(want))
	var wg sync.WaitGroup
	for k, j := range want {
		wg.Go(func() {
			start := time.Now()
			defer func() {
				// A bug must fail this job only, never the others.
				if v := recover(); v != nil {
					out[k] = Result{Err: fmt.Errorf("internal error: %v", v)}
				}
				out[k].Took = time.Since(start)
			}()
			hint := mem.takeHint(j.ID)
			defer mem.putHint(j.ID, hint)
			out[k] = resultV1(api.SelectedMailboxes(ctx, j.ID, opts.PageSize, opts.KeepNotBackedUp, hint))
		})
	}
	wg.Wait()
	return out
}

func resultV1(c vboapi.MailboxFigures, err error) Result {
	if err != nil {
		return Result{Err: err}
	}
	res := Result{Mailboxes: c.Mailboxes, BackedUp: c.BackedUp, Unrecognized: c.Unrecognized,
		UnrecognizedExample: c.UnrecognizedExample, Duplicates: c.Duplicates}
	for _, m := range c.NotBackedUp {
		res.NotBackedUp = append(res.NotBackedUp, Mailbox{ID: m.ID, Address: m.Email, Name: m.Name})
	}
	return res
}
