package collector

import (
	"context"
	"fmt"
	"testing"
	"testing/synctest"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/vbo365-exporter/vbo365_exporter/simulator"
	"github.com/vbo365-exporter/vbo365_exporter/vboapi"
)

// sessionsTenant has jobs of every last status, running and queued ones
// included, and a history longer than the lookback.
var sessionsTenant = simulator.TenantOptions{Users: 40, Ops: simulator.OpsOptions{Sessions: 30, ArchiveRepositories: 1}}

// wantSessions is what the sessions collector should export for the
// sessions that started from since on, the simulator's truth.
func wantSessions(sim *simulator.Simulator, v string, since time.Time) (want metricList, running, finished int) {
	sessions := sim.OpsTruth().Sessions
	for _, job := range sim.ProtectionTruth() {
		labels := []string{"east", job.JobID, job.JobName}
		var last, current *simulator.SessionTruth
		for i := range sessions {
			s := &sessions[i]
			switch {
			case s.JobType != "Backup" || s.JobID != job.JobID || s.Created.Before(since):
			case s.Ended.IsZero():
				if current == nil || s.Created.After(current.Created) {
					current = s
				}
			case last == nil || s.Created.After(last.Created) || s.Created.Equal(last.Created) && s.Ended.After(last.Ended):
				last = s
			}
		}
		want.gauge(sessionRunningDesc, b2f(current != nil), labels...)
		if current != nil {
			running++
			want.timestamp(runningSessionStartDesc, current.Created, labels...)
			want.gauge(runningSessionObjectsDesc, float64(current.Progress), labels...)
			want.gauge(runningSessionTransferredDesc, float64(current.TransferredBytes), labels...)
		}
		if last == nil {
			continue
		}
		finished++
		want.oneHot(lastSessionStatusDesc, knownStatuses, last.Status, labels...)
		want.timestamp(lastSessionStartDesc, last.Created, labels...)
		want.timestamp(lastSessionEndDesc, last.Ended, labels...)
		want.gauge(lastSessionDurationDesc, last.Ended.Sub(last.Created).Seconds(), labels...)
		want.gauge(lastSessionTransferredDesc, float64(last.TransferredBytes), labels...)
		want.gauge(lastSessionObjectsDesc, float64(last.Progress), labels...)
		want.gauge(lastSessionItemsDesc, float64(last.ProcessedItems), labels...)
		want.gauge(lastSessionRateBytesDesc, float64(last.Rates.ProcessingBytes), labels...)
		want.gauge(lastSessionRateItemsDesc, float64(last.Rates.ProcessingItems), labels...)
		want.gauge(lastSessionReadRateDesc, float64(last.Rates.ReadBytes), labels...)
		want.gauge(lastSessionWriteRateDesc, float64(last.Rates.WriteBytes), labels...)
		if v != "v6" {
			want.gauge(lastSessionObjectsByStatusDesc, float64(last.Progress-last.Warned-last.Failed), with(labels, "Success")...)
			want.gauge(lastSessionObjectsByStatusDesc, float64(last.Warned), with(labels, "Warning")...)
			want.gauge(lastSessionObjectsByStatusDesc, float64(last.Failed), with(labels, "Failed")...)
		}
	}
	return want, running, finished
}

// TestSessionsCollector compares each job's last finished and running
// session with the truth on every version, in the first poll (which reads
// back the lookback) and in the next (which reads from the newest
// session seen).
func TestSessionsCollector(t *testing.T) {
	for _, lookback := range []time.Duration{DefaultSessionLookback, 10 * time.Hour} {
		t.Run(fmt.Sprintf("lookback=%v", lookback), func(t *testing.T) {
			c := DefaultCollectors()
			c.SessionLookback = lookback
			forEachVersion(t, sessionsTenant, c, "sessions", func(t *testing.T, v string, e *Exporter, sim *simulator.Simulator) {
				want, running, finished := wantSessions(sim, v, time.Now().Add(-lookback))
				if running == 0 || finished == 0 {
					t.Fatalf("the tenant has %d jobs with a session under way and %d with a finished one; the test needs both", running, finished)
				}
				compareScraper(t, e, &sessionsScraper{}, want)
				time.Sleep(time.Minute)
				compareScraper(t, e, &sessionsScraper{}, want)
			})
		})
	}
}

// TestSessionsFailedObjects: with a cap, each job's last session lists
// that many of its failed objects at most.
func TestSessionsFailedObjects(t *testing.T) {
	for _, limit := range []int{0, 1, 3} {
		t.Run(fmt.Sprintf("cap=%d", limit), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				c := DefaultCollectors().Only("sessions")
				c.FailedObjects = limit
				e, sim := opsExporter(t, "v8", sessionsTenant, c, nil, true)
				want, failedSessions := 0, 0
				since := time.Now().Add(-c.SessionLookback)
				for _, job := range sim.ProtectionTruth() {
					var last *simulator.SessionTruth
					for _, s := range sim.OpsTruth().Sessions {
						if s.JobType == "Backup" && s.JobID == job.JobID && !s.Ended.IsZero() && !s.Created.Before(since) &&
							(last == nil || s.Created.After(last.Created)) {
							last = &s
						}
					}
					if last != nil {
						want += min(limit, last.Failed)
						failedSessions += b2i(last.Failed > 0)
					}
				}
				if failedSessions == 0 {
					t.Fatal("no job's last session failed objects")
				}
				reg := prometheus.NewPedanticRegistry()
				reg.MustRegister(e.Collector(context.Background()))
				n, err := testutil.GatherAndCount(reg, "vbo365_job_last_session_failed_object")
				if err != nil || n != want {
					t.Fatalf("%d failed object series (%v), want %d", n, err, want)
				}
			})
		})
	}
}

// TestSessionRequestsIndependentOfHistory: the requests a poll sends for
// sessions depend on the sessions of the lookback window, not on the
// history: the first poll reads the window's pages and each job's last
// session's processed objects once, later polls one page of recent
// sessions and no processed objects again.
func TestSessionRequestsIndependentOfHistory(t *testing.T) {
	for _, v := range []string{"v6", "v8"} {
		t.Run(v, func(t *testing.T) {
			var objects []int64
			for _, history := range []int{30, 400} {
				synctest.Test(t, func(t *testing.T) {
					tenant := simulator.TenantOptions{Users: 40, Ops: simulator.OpsOptions{Sessions: history}}
					c := DefaultCollectors().Only("jobs", "sessions")
					e, sim := opsExporter(t, v, tenant, c, nil, true)
					all, window := 0, 0
					since := time.Now().Add(-c.SessionLookback)
					for _, s := range sim.OpsTruth().Sessions {
						all++
						if s.JobType == "Backup" && !s.Created.Before(since) {
							window++
						}
					}
					for poll := range 3 {
						sim.ResetCounters()
						if got := successes(t, e); got["sessions"] != 1 {
							t.Fatalf("poll %d: sessions failed: %v", poll, e.LastResults()[0].Collector("sessions").Err)
						}
						list, objs := sim.Requests(simulator.EndpointJobSessions), sim.Requests(simulator.EndpointProcessedObjects)
						if n := sim.Requests(simulator.EndpointJobSessionsByJob) + sim.Requests(simulator.EndpointJobSession); n != 0 {
							t.Errorf("poll %d: %d requests for single sessions or per-job lists", poll, n)
						}
						// Pages of 50, the short last one included. On v8,
						// whose pages give no total, the client also reads
						// up to max_concurrent_requests pages ahead while
						// the length is unknown.
						lo, hi := int64(1), int64(1)
						if poll == 0 {
							lo = int64(window/50 + 1)
							hi = lo
							if v == "v8" {
								hi += 4
							}
							objects = append(objects, objs)
						} else if objs != 0 {
							t.Errorf("poll %d read %d pages of processed objects again", poll, objs)
						}
						if list < lo || list > hi {
							t.Errorf("history %d (%d sessions, %d in the window), poll %d: %d session list requests, want %d to %d",
								history, all, window, poll, list, lo, hi)
						}
						time.Sleep(5 * time.Minute)
					}
				})
			}
			if objects[0] != objects[1] {
				t.Errorf("processed objects requests: %d with 30 sessions per job, %d with 400", objects[0], objects[1])
			}
		})
	}
}

func session(id, job string, created, ended time.Time, status string) vboapi.JobSession {
	return vboapi.JobSession{ID: id, JobID: job, CreationTime: created, EndTime: ended, Status: status}
}

// TestSessionsMerge follows a job through polls: a session under way, its
// end, a retry, a repeat across pages, a deleted session, a job removed.
func TestSessionsMerge(t *testing.T) {
	t0 := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	jobs := []vboapi.Job{{ID: "A"}, {ID: "B"}}
	s := newSessionsScraper(Collectors{SessionLookback: 72 * time.Hour}).(*sessionsScraper)
	now := t0.Add(3 * time.Hour)
	if b := s.lowerBound(now); !b.Equal(now.Add(-72 * time.Hour)) {
		t.Fatalf("first bound %v", b)
	}
	s.merge([]vboapi.JobSession{
		session("a2", "a", t0.Add(2*time.Hour), time.Time{}, "Running"),
		session("a1", "A", t0, t0.Add(time.Hour), "Failed"),
		session("a1", "A", t0, t0.Add(time.Hour), "Failed"),  // a page repeated
		session("x1", "X", t0, t0.Add(time.Hour), "Success"), // a job not in the list
		session("b1", "B", t0.Add(-time.Hour), time.Time{}, "Running"),
	}, jobs)
	a, b := s.jobs["a"], s.jobs["b"]
	if a.last.ID != "a1" || a.running.ID != "a2" || b.last != nil || b.running.ID != "b1" || s.jobs["x"] != nil {
		t.Fatalf("after the first reading: %+v %+v %v", a, b, s.jobs)
	}
	// The next reading starts early enough to see b1, under way since
	// before the newest session less the overlap.
	if got := s.lowerBound(now); !got.Equal(t0.Add(-time.Hour)) {
		t.Fatalf("second bound %v, want b1's start", got)
	}
	s.merge([]vboapi.JobSession{
		session("a3", "A", t0.Add(4*time.Hour), t0.Add(5*time.Hour), "Success"),
		session("a2", "A", t0.Add(2*time.Hour), t0.Add(3*time.Hour), "Failed"),
		// b1 is not listed: it was deleted.
	}, jobs)
	if a.last.ID != "a3" || a.running != nil || b.running != nil {
		t.Fatalf("after the second reading: %+v %+v", a, b)
	}
	if got := s.lowerBound(now); !got.Equal(t0.Add(3 * time.Hour)) {
		t.Fatalf("third bound %v, want the newest start less the overlap", got)
	}
	// An older session read again does not replace the newer one.
	s.merge([]vboapi.JobSession{session("a2", "A", t0.Add(2*time.Hour), t0.Add(3*time.Hour), "Failed")}, jobs)
	if a.last.ID != "a3" {
		t.Fatalf("last %s, want a3", a.last.ID)
	}
	s.merge(nil, jobs[1:])
	if s.jobs["a"] != nil {
		t.Fatal("a job the server no longer has keeps its sessions")
	}
	// A newest session long ago: the bound is never before the lookback.
	s.newest = t0.Add(-30 * 24 * time.Hour)
	if got := s.lowerBound(now); !got.Equal(now.Add(-72 * time.Hour)) {
		t.Fatalf("bound %v for an old newest session", got)
	}
}
