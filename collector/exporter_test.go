package collector

import (
	"context"
	"strings"
	"testing"
	"testing/synctest"

	"github.com/go-kit/log"

	"github.com/vbo365-exporter/vbo365_exporter/simulator"
	"github.com/vbo365-exporter/vbo365_exporter/test/exportertest"
)

// TestLogLinesCarryEachKeyOnce: every line a poll logs names its server
// once and repeats no key. The server's logger carries the name, so a call
// site that adds it again (the client's version line did) writes it twice.
// The lines checked come from the client, the poller and a job.
func TestLogLinesCarryEachKeyOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s, sim, n := memV6PlusServer(t, "v8", 3, simulator.TenantOptions{Users: 80})
		logs := &syncBuffer{}
		e := memExporter(t, n, log.NewLogfmtLogger(logs), s)
		e.Poll(context.Background())
		sim.AddFault(simulator.Fault{Endpoint: simulator.EndpointJobs, Kind: simulator.NullStorm})
		e.Poll(context.Background())

		seen := map[string]bool{}
		for _, line := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
			kv, err := exportertest.ParseLogfmt(line)
			switch {
			case err != nil:
				t.Errorf("%v in %s", err, line)
			case kv["server"] != s.Name:
				t.Errorf("server=%q, want %q, in %s", kv["server"], s.Name, line)
			case kv["job_id"] != "":
				seen["a job's line"] = true
			default:
				seen[kv["msg"]] = true
			}
		}
		for _, msg := range []string{"REST API version chosen", "jobs sent without an id are left out: their mailboxes are not counted", "a job's line"} {
			if !seen[msg] {
				t.Errorf("no line %q to check; the log:\n%s", msg, logs.String())
			}
		}
	})
}
