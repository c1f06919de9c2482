package e2e

import (
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vbo365-exporter/vbo365_exporter/simulator"
)

// harnessRestores are the restore sessions the 8.x server adds while the
// harness runs: one a second, each ending at the next addition; ten,
// so that they cover every type, portal sessions (the fourth of every
// five) and failed ones (the fifth), and every series but the portal
// users' grows once after it appeared, which the increase1h rules need
// while the exporter is younger than an hour. The last ends 11 s after
// the process started, the first 2 s after it, once the exporter has
// started (TestPrometheusRestores checks; it takes some 0.15 s, under
// -race too), so the exporter counts all.
var harnessRestores = restoreRun{perMinute: 60, runFor: time.Millisecond, max: 10}

// firstRestoreEnd is how long after its start the simulator process ends
// its first restore session: it adds one each tick and ends it at the tick
// after its runFor.
func (r restoreRun) firstRestoreEnd() time.Duration {
	tick := time.Duration(float64(time.Minute) / r.perMinute)
	return tick + (r.runFor/tick+1)*tick
}

// replayRestores makes in the twin the n sessions the simulator process
// adds (simulator.RestoreRunSpec), and returns them: the same ids, labels
// and events, only their times differ.
func replayRestores(twin *simulator.Simulator, n int) []simulator.RestoreSessionTruth {
	before := len(twin.RestoreTruth().Sessions)
	for k := range n {
		twin.AddRestoreSession(twin.RestoreRunSpec(k))
	}
	return twin.RestoreTruth().Sessions[before:]
}

// waitRestores waits until Prometheus holds the 8.x server's restore
// sessions, all of them, in three scrapes or more, so that every restore
// series has the two samples rate() and increase() need. The last session
// ends 11 s after the simulator process started.
func (h *promHarness) waitRestores() error {
	want := len(h.v8Restores)
	if want == 0 {
		return nil
	}
	expr := fmt.Sprintf(`min_over_time(sum(vbo365_restore_sessions_total{server=%q})[3s:1s])`, harnessV8Server)
	deadline := time.Now().Add(40 * time.Second)
	for {
		r, err := h.query(expr)
		if vs := r.vector(); err == nil && len(vs) == 1 && vs[0].value == float64(want) {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("Prometheus did not hold the %d restore sessions of server %s within 40s (last: %+v, %v)\nexporter output:\n%s\nsimulator output:\n%s",
				want, harnessV8Server, r.vector(), err, h.exporter.Output(), h.v8.Output())
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// TestPrometheusRestores: the restore sessions the 8.x server ran while
// the exporter did are on Prometheus, counted exactly as the simulator's
// truth says (sessions by type, result, initiator and portal; their items
// and bytes by event type and status), none running; the Restore Portal is
// on and every role has its operators. Vbo365RestoreSessionsFailing selects
// exactly the failed session's organization, type and initiator.
func TestPrometheusRestores(t *testing.T) {
	h := sharedPrometheus(t)
	t.Logf("the exporter was ready %v after the simulator process started, %v before its first restore session ended",
		h.exporterReady.Sub(h.v8.started), h.v8.started.Add(harnessRestores.firstRestoreEnd()).Sub(h.exporterReady))
	if limit := h.v8.started.Add(harnessRestores.firstRestoreEnd()); !h.exporterReady.Before(limit) {
		t.Fatalf("the exporter was ready %v after the simulator started, after its first restore session ended (%v): "+
			"it may not count them all; give harnessRestores more time", h.exporterReady.Sub(h.v8.started), harnessRestores.firstRestoreEnd())
	}
	truth := h.v8Restores
	var failed, portal, out int
	for _, s := range truth {
		failed += boolInt(s.Result == "Failed")
		portal += boolInt(s.Portal)
		for _, e := range s.Events {
			out += boolInt(slices.Contains([]string{"Export", "Save", "Send"}, e.Type) && e.Status == "Success")
		}
	}
	if failed == 0 || portal == 0 || out == 0 || len(truth) != harnessRestores.max {
		t.Fatalf("the harness's %d restore sessions have %d failed, %d portal, %d exported, saved or sent items; want some of each: change harnessRestores",
			len(truth), failed, portal, out)
	}
	sessions, items, bytes := map[string]float64{}, map[string]float64{}, map[string]float64{}
	for _, s := range truth {
		p := strconv.FormatBool(s.Portal)
		sessions[key(s.Organization, s.Type, s.Result, s.InitiatedBy, p)]++
		for _, e := range s.Events {
			if e.Type == "None" {
				continue
			}
			k := key(s.Organization, e.Type, e.Status, s.InitiatedBy, p)
			items[k]++
			bytes[k] += float64(e.SizeBytes)
		}
	}
	at := time.Now()
	sel := fmt.Sprintf(`{server=%q}`, harnessV8Server)
	got := func(metric string, labels ...string) map[string]float64 {
		t.Helper()
		out := map[string]float64{}
		for _, s := range h.vectorAt(t, metric+sel, at) {
			vals := make([]string, len(labels))
			for i, l := range labels {
				vals[i] = s.labels[l]
			}
			out[key(vals...)] += s.value
		}
		return out
	}
	for _, c := range []struct {
		metric, kind, outcome string
		want                  map[string]float64
	}{
		{"vbo365_restore_sessions_total", "type", "result", sessions},
		{"vbo365_restore_items_total", "event_type", "status", items},
		{"vbo365_restore_bytes_total", "event_type", "status", bytes},
	} {
		if g := got(c.metric, "organization", c.kind, c.outcome, "initiated_by", "portal"); !maps.Equal(g, c.want) {
			t.Errorf("%s on Prometheus:\n%v\nthe simulator's truth:\n%v", c.metric, g, c.want)
		}
	}
	if g := got("vbo365_restore_sessions_running", "organization", "type"); len(g) == 0 || slices.ContainsFunc(slices.Collect(maps.Values(g)), func(v float64) bool { return v != 0 }) {
		t.Errorf("vbo365_restore_sessions_running = %v, want 0 for every organization and type that had a session", g)
	}
	if g := got("vbo365_restore_portal_enabled"); g[""] != 1 || len(g) != 1 {
		t.Errorf("vbo365_restore_portal_enabled = %v, want 1", g)
	}
	roles := map[string]float64{}
	for _, r := range h.v8.twin.RestoreTruth().Roles {
		roles[r.ID] = float64(r.Operators)
	}
	if g := got("vbo365_rbac_role_operators", "role_id"); !maps.Equal(g, roles) {
		t.Errorf("vbo365_rbac_role_operators = %v, the simulator's roles %v", g, roles)
	}

	// Within its first hour the exporter cannot tell a series that
	// appears from one it had before a restart, so the increase1h rules
	// leave out the first value of each new series: the alert selects
	// the failed sessions' series that grew after they appeared.
	failedBy := map[string]int{}
	for _, s := range truth {
		if s.Result == "Failed" {
			failedBy[key(s.Organization, s.Type, s.InitiatedBy)]++
		}
	}
	wantFailing := map[string]bool{}
	for k, n := range failedBy {
		if n > 1 {
			wantFailing[k] = true
		}
	}
	if len(wantFailing) == 0 {
		t.Fatalf("no failed session's series grows (%v): change harnessRestores", failedBy)
	}
	expr := alertExpr(t, filepath.Join(deployDir, "prometheus", "vbo365-rules.yml"), "Vbo365RestoreSessionsFailing")
	// The rule the alert reads is recorded once every series has two
	// samples; the harness waited for that, an evaluation may still be due.
	deadline := time.Now().Add(10 * time.Second)
	for {
		gotFailing := map[string]bool{}
		var other []promSample
		for _, s := range h.vectorAt(t, expr, time.Now()) {
			if s.labels["server"] != harnessV8Server {
				other = append(other, s)
				continue
			}
			gotFailing[key(s.labels["organization"], s.labels["type"], s.labels["initiated_by"])] = true
		}
		if maps.Equal(gotFailing, wantFailing) && len(other) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Errorf("Vbo365RestoreSessionsFailing selects %v of server %s (and %v of others), want %v\n\texpr: %s",
				gotFailing, harnessV8Server, other, wantFailing, expr)
			break
		}
		time.Sleep(250 * time.Millisecond)
	}
}

func key(parts ...string) string { return strings.Join(parts, "|") }

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
