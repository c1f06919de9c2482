//go:build linux

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestRestoreRequests: the time filters and the events read come out of
// the simulator's log as it writes it, and the first poll's check fails a
// list read from before the floor, one without a filter and a history
// session's events.
func TestRestoreRequests(t *testing.T) {
	floor := time.Date(2026, 12, 8, 5, 5, 46, 0, time.UTC)
	line := func(path, query string) string {
		return `level=debug ts=2026-12-08T05:06:36Z caller=main.go:299 msg=request method=GET path=` + path +
			` query="` + query + `" status=200 bytes=1 duration=1ms` + "\n"
	}
	cases := []struct {
		name, log, fail string
		events          int
	}{
		{"ok", line("/v8/RestoreSessions", "limit=50&offset=0&startTimeFrom=2026-12-08T05%3A05%3A46.5Z") +
			line("/v8/RestoreSessions", "endTimeFrom=2026-12-08T05%3A05%3A47Z&limit=50&offset=0") +
			line("/v8/RestoreSessions/AB-1/Events", "limit=50&offset=0") + line("/v8/RestoreSessions/ab-1/Events", "limit=50&offset=50") +
			line("/v8/RestoreSessions/new-2/Events", "limit=50&offset=0") + line("/v8/RbacRoles", "limit=50&offset=0"), "", 2},
		{"early", line("/v7/RestoreSessions", "limit=50&offset=0&startTimeFrom=2026-12-08T05%3A05%3A45.9Z"), "before the exporter's start", 0},
		{"early end", line("/v8/RestoreSessions", "endTimeFrom=2026-12-08T05%3A04%3A00Z&limit=50&offset=0"), "before the exporter's start", 0},
		{"no filter", line("/v8/RestoreSessions", "limit=50&offset=0"), "without startTimeFrom", 0},
		{"history", line("/v8/RestoreSessions", "startTimeFrom=2026-12-08T05%3A06%3A00Z") + line("/v8/RestoreSessions/old-1/Events", "limit=50"),
			"history session old-1", 1},
		{"nothing", line("/v8/RbacRoles", "limit=50&offset=0"), "no restore session list", 0},
	}
	for _, c := range cases {
		path := filepath.Join(t.TempDir(), "simulator.log")
		if err := os.WriteFile(path, []byte("level=info msg=ready\n"+c.log), 0o600); err != nil {
			t.Fatal(err)
		}
		l, err := restoreRequests(path, int64(len("level=info msg=ready\n")))
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if c.name == "ok" && l.pages != 3 {
			t.Errorf("%d events pages read, want 3", l.pages)
		}
		if len(l.events) != c.events {
			t.Errorf("%s: events of %v read, want %d sessions", c.name, l.events, c.events)
		}
		r := &restoreResult{floor: floor}
		err = r.checkCold(l, map[string]bool{"old-1": true, "old-2": true})
		if c.fail == "" && err != nil || c.fail != "" && (err == nil || !strings.Contains(err.Error(), c.fail)) {
			t.Errorf("%s: checkCold = %v, want %q", c.name, err, c.fail)
		}
		if c.name == "ok" && !r.oldest.Equal(floor.Add(500*time.Millisecond)) {
			t.Errorf("oldest filter %v", r.oldest)
		}
	}
}
