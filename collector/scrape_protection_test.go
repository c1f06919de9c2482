package collector

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/vbo365-exporter/vbo365_exporter/poll"
	"github.com/vbo365-exporter/vbo365_exporter/vboapi"
)

// TestProtectionFailureIsNoSkip: a job that failed on a call its version
// lacks fails the protection collector, which keeps its series, rather
// than making it look skipped.
func TestProtectionFailureIsNoSkip(t *testing.T) {
	job := &vboapi.Job{ID: "j1", Name: "one"}
	res := &poll.ServerResult{Server: "east", APIVersion: vboapi.V8, Jobs: []*poll.JobResult{{ID: "j1", Name: "one", Job: job,
		Err: fmt.Errorf("read: %w", vboapi.ErrNotInVersion)}}}
	r := &poll.CollectorResult{Name: protectionCollector}
	runScraper(context.Background(), protectionScraper{}, &Target{Server: "east", res: res}, r, time.Now())
	if r.Skipped || r.Err == nil || len(r.Metrics) == 0 {
		t.Errorf("skipped %v, error %v, %d series; want a failure with the job's success at 0", r.Skipped, r.Err, len(r.Metrics))
	}
}
