package statuspage

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vbo365-exporter/vbo365_exporter/poll"
	"github.com/vbo365-exporter/vbo365_exporter/simulator"
	"github.com/vbo365-exporter/vbo365_exporter/vboapi"
)

// runRestores has west run twelve restore sessions after the exporter
// started, a millisecond apart, so that the page lists the last ten in a
// known order.
func (f *fixture) runRestores(t *testing.T) {
	t.Helper()
	for n := range 12 {
		spec := f.v8.RestoreRunSpec(n)
		spec.Working = true
		id := f.v8.AddRestoreSession(spec)
		time.Sleep(time.Millisecond)
		if !f.v8.EndRestoreSession(id) {
			t.Fatalf("restore session %s did not end", id)
		}
	}
}

// checkRestores checks west's restore table against the simulator's
// truth: the last ten sessions that ended, latest first, each with its
// items and bytes, the failed ones marked, and the Restore Portal on.
func checkRestores(t *testing.T, page string, sim *simulator.Simulator) {
	t.Helper()
	table := opsTable(t, page, "west", "restores")
	if want := "west restore sessions (last 10 ended since the exporter started); Restore Portal on"; !strings.HasPrefix(visible(table[strings.Index(table, ">")+1:]), want) {
		t.Errorf("west's restore table = %q, want it to start with %q", visible(table), want)
	}
	all := sim.RestoreTruth().Sessions // in creation order: runRestores's last
	if len(all) < 12 || time.Since(all[len(all)-12].Created) > time.Minute {
		t.Fatalf("the truth's last %d sessions are not runRestores's twelve", min(len(all), 12))
	}
	ended := slices.Clone(all[len(all)-12:])
	slices.Reverse(ended)
	var failed, rows []string
	for _, s := range ended[:10] {
		items, bytes := 0, int64(0)
		for _, e := range s.Events[1:] { // the first is the session's own, type None
			items++
			bytes += e.SizeBytes
		}
		got, alarm := opsRowText(t, table, s.ID)
		prefix := s.Ended.UTC().Format(time.RFC3339) + " ("
		suffix := fmt.Sprintf(" ago) %s %s %s %s %s %d %s", s.Organization, s.Type, s.Result, s.InitiatedBy,
			map[bool]string{true: "yes", false: "no"}[s.Portal], items, size(bytes))
		if !strings.HasPrefix(got, prefix) || !strings.HasSuffix(got, suffix) || alarm != (s.Result == "Failed") {
			t.Errorf("restore row = %q (marked %v)\nwant %q…%q", got, alarm, prefix, suffix)
		}
		if s.Result == "Failed" {
			failed = append(failed, s.ID)
		}
		rows = append(rows, s.ID)
	}
	if got := alarms(table); !slices.Equal(got, failed) || len(failed) == 0 {
		t.Errorf("marked restore sessions %v, want the failed ones %v (some)", got, failed)
	}
	if strings.Count(table, "data-id=") != 10 || !slices.IsSortedFunc(rows, func(a, b string) int {
		return strings.Index(table, `data-id="`+a+`"`) - strings.Index(table, `data-id="`+b+`"`)
	}) {
		t.Errorf("west's restore table does not list the last ten sessions latest first: %s", visible(table))
	}
}

// TestStatusPageRestores renders the restore table of made-up polls: the
// Restore Portal on, off and not read, no session yet, and the collector
// failed, skipped or off.
func TestStatusPageRestores(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	const head = "ended organization type result initiated by portal items bytes"
	title := func(portal string) string {
		return "restore sessions (last " + strconv.Itoa(poll.RecentRestoreSessions) + " ended since the exporter started); Restore Portal " + portal
	}
	sessions := []poll.RestoreSessionSummary{
		{RestoreSession: vboapi.RestoreSession{ID: "s2", Organization: "contoso.onmicrosoft.com", Type: "Vex", Result: "Failed",
			InitiatedBy: `CORP\helpdesk.1`, CreationTime: now.Add(-5 * time.Minute), EndTime: now.Add(-2 * time.Minute)}, Items: 3, Bytes: 3 << 20},
		{RestoreSession: vboapi.RestoreSession{ID: "s1", Organization: "<fabrikam>", Type: "Veod", Result: "Success",
			InitiatedBy: "anna@fabrikam.com", ScopeName: "anna@fabrikam.com", EndTime: now.Add(-time.Hour)}, Items: 0, Bytes: 0},
		{RestoreSession: vboapi.RestoreSession{ID: "s0", State: "Stopped"}},
	}
	ran := []*poll.CollectorResult{{Name: "jobs"}, {Name: "restores"}}
	failed := []*poll.CollectorResult{{Name: "jobs"}, {Name: "restores", Err: errors.New("GET /v8/RestorePortalSettings: HTTP 500")}}
	for _, tc := range []struct {
		name   string
		res    poll.ServerResult
		want   string
		alarms []string
	}{
		{"v8", poll.ServerResult{APIVersion: vboapi.V8, Collectors: ran, Restores: &poll.RestoreActivity{Sessions: sessions, PortalEnabled: ptr(true)}},
			title("on") + " " + head +
				` 2026-03-01T11:58:00Z (2m0s ago) contoso.onmicrosoft.com Vex Failed CORP\helpdesk.1 no 3 3.0 MiB` +
				" 2026-03-01T11:00:00Z (1h0m0s ago) <fabrikam> Veod Success anna@fabrikam.com yes 0 0 B" +
				" – – – – – no 0 0 B",
			[]string{"s2"}},
		{"none yet", poll.ServerResult{APIVersion: vboapi.V6, Collectors: ran, Restores: &poll.RestoreActivity{PortalEnabled: ptr(false)}},
			title("off") + " none", nil},
		{"portal not read", poll.ServerResult{APIVersion: vboapi.V7, Collectors: failed, Restores: &poll.RestoreActivity{Sessions: sessions[1:2]}},
			title("not read") + " Failed: GET /v8/RestorePortalSettings: HTTP 500 " + head +
				" 2026-03-01T11:00:00Z (1h0m0s ago) <fabrikam> Veod Success anna@fabrikam.com yes 0 0 B", nil},
		{"failed", poll.ServerResult{APIVersion: vboapi.V8, Collectors: failed},
			title("not read") + " Failed: GET /v8/RestorePortalSettings: HTTP 500 not read", nil},
		{"v1", poll.ServerResult{APIVersion: vboapi.V1, Collectors: []*poll.CollectorResult{{Name: "jobs"}, {Name: "restores", Skipped: true}}},
			"restore sessions not read: REST API v1 has no restore sessions (collector skipped)", nil},
		{"off", poll.ServerResult{APIVersion: vboapi.V8, Collectors: ran[:1]},
			"restore sessions not read: the restores collector is off (--no-collector.restores)", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := tc.res
			res.Server, res.Up, res.Start = "north", true, now.Add(-time.Minute)
			page := render(t, now, &res)
			table := opsTable(t, page, "north", "restores")
			if got, want := visible(table[strings.Index(table, ">")+1:]), "north "+tc.want; got != want {
				t.Errorf("\n got %q\nwant %q", got, want)
			}
			if got := alarms(table); !slices.Equal(got, tc.alarms) {
				t.Errorf("marked %v, want %v", got, tc.alarms)
			}
			if strings.Contains(page, "<fabrikam>") {
				t.Error("the page shows an unescaped name")
			}
		})
	}
}
