//go:build linux

package main

import (
	"bytes"
	"fmt"
	"log"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vbo365-exporter/vbo365_exporter/collector"
	"github.com/vbo365-exporter/vbo365_exporter/simulator"
	"github.com/vbo365-exporter/vbo365_exporter/tools/internal/harness"
)

// The restores scenarios measure what the restores collector asks of a
// server with 10,000 restore sessions in its history and 10,080 a day
// ending (7 a minute, as TestRestoreCostAtTenThousandADay), polled every
// minute, compressed in time by restoreScale so that a run takes about a
// minute and a half: the poll interval, the overlap and the rate are
// scaled together, so a poll sees the same sessions (the window of the
// overlap, those that ended since the last poll) as at the real rate.
//
// The simulator runs for one overlap before the exporter starts, so that
// the first poll's window is as full as a later one's. The first poll must
// ask for nothing that started (or, v8, ended) before the exporter's start
// less the overlap, and read no history session's events: the scenario
// fails otherwise.

const (
	restoreHistory     = 10_000
	restorePerMinute   = 7 // 10,080 a day
	restoreScale       = 12
	restorePageSize    = 50 // as the Go test, so that the session list takes pages
	restoreWarmPolls   = 6
	restoreRealPoll    = time.Minute
	restoreInterval    = restoreRealPoll / restoreScale
	restoreOverlap     = collector.DefaultRestoreOverlap / restoreScale
	restoreSessionsCol = "restores"
)

// restoreSpec is a restores scenario: the newest API version the
// simulator serves (the exporter detects it).
type restoreSpec struct{ version string }

// restoreScenarios: v8 (lists by start and by end time) and v7 (by start
// time only).
func restoreScenarios(*options) []scenario {
	var list []scenario
	for _, v := range []string{"v8", "v7"} {
		list = append(list, scenario{name: "ops-restores-10k-day-" + v, restores: &restoreSpec{version: v},
			pageSize: restorePageSize, concurrency: 1})
	}
	return list
}

// tenant is small: the jobs collector cannot be off, and its cost is not
// what is measured.
func (restoreSpec) tenant() v8Spec { return v8Spec{orgs: 2, users: 10} }

func (s restoreSpec) versions() []string {
	return map[string][]string{"v7": {"v6", "v7"}, "v8": {"v6", "v7", "v8"}}[s.version]
}

func (s restoreSpec) simArgs() []string {
	args := s.tenant().simArgs()
	args[0] = "--api-versions=" + strings.Join(s.versions(), ",")
	return append(args, "--ops.restore-sessions="+strconv.Itoa(restoreHistory),
		"--ops.restores-per-minute="+strconv.Itoa(restorePerMinute*restoreScale),
		// each session ends at the next one's start, as the Go test's,
		// which end as they are added
		"--ops.restore-duration=1ms")
}

// options are the same for simulator.New: its history is the process's.
func (s restoreSpec) options() simulator.Options {
	opts := s.tenant().options()
	opts.Versions = s.versions()
	opts.Tenant.Ops.Restores.Sessions = restoreHistory
	return opts
}

// restoreScrape is one poll of a restores scenario.
type restoreScrape struct {
	counter map[string]int // the exporter's vbo365_api_requests_total delta by endpoint
	simLog  map[string]int // the simulator's log by route
	events  int            // sessions whose events were read (distinct ids)
	pages   int            // events pages read
	ended   int            // vbo365_restore_sessions_total delta
	non200  []string
}

// restoreResult is one run: a cold poll and restoreWarmPolls steady ones.
type restoreResult struct {
	scrapes []restoreScrape
	// oldest is the earliest startTimeFrom or endTimeFrom the cold poll
	// asked, and floor the exporter's start less the overlap.
	oldest, floor time.Time
}

func (r *restoreResult) warm() []restoreScrape { return r.scrapes[1:] }

// restoreRuns are the repetitions of one restores scenario.
type restoreRuns struct {
	sc     scenario
	runs   []*restoreResult
	failed string
}

func runRestores(o *options, sc scenario, tmp string) *restoreRuns {
	g := &restoreRuns{sc: sc}
	for rep := range o.repeat {
		log.Printf("scenario %s (run %d of %d): %d restore sessions in the history, %d a minute ending, time ×%d",
			sc.name, rep+1, o.repeat, restoreHistory, restorePerMinute, restoreScale)
		r, err := runRestoreScenario(o, sc, v8Dir(tmp, sc, rep))
		if err != nil {
			log.Printf("scenario %s: FAILED: %v", sc.name, err)
			g.failed = err.Error()
			break
		}
		g.runs = append(g.runs, r)
	}
	return g
}

func runRestoreScenario(o *options, sc scenario, dir string) (*restoreResult, error) {
	simProc, simAddr, pw, err := startCountingSimulator(o, dir, sc.restores.simArgs())
	if err != nil {
		return nil, err
	}
	defer simProc.Stop()
	history := map[string]bool{}
	for _, s := range simulator.New(sc.restores.options()).RestoreTruth().Sessions {
		history[strings.ToLower(s.ID)] = true
	}
	collectGarbage()
	time.Sleep(restoreOverlap) // the first poll's window as full as a later one's

	r := &restoreResult{floor: time.Now().Add(-restoreOverlap)} // the exporter starts after it
	exp, expAddr, err := startRestoreExporter(o, dir, simAddr, pw)
	if err != nil {
		return nil, err
	}
	defer exp.Stop()
	if err := r.pollAll(simProc, exp, expAddr, history); err != nil {
		return nil, err
	}
	return r, nil
}

// startRestoreExporter starts the exporter with the restores collector
// and jobs (which cannot be off) only, page_size restorePageSize and the
// overlap scaled.
func startRestoreExporter(o *options, dir, simAddr, pw string) (*harness.Process, string, error) {
	cfg := filepath.Join(dir, "config.yml")
	yml := fmt.Sprintf("servers:\n  - name: bench\n    url: http://%s\n    username: bench\n    password_file: %s\n    page_size: %d\n",
		simAddr, pw, restorePageSize)
	if err := os.WriteFile(cfg, []byte(yml), 0o600); err != nil {
		return nil, "", err
	}
	off, err := collectorsOff(o.Exporter, "jobs", restoreSessionsCol)
	if err != nil {
		return nil, "", err
	}
	args := append([]string{"--collector.restores.overlap=" + restoreOverlap.String()}, off...)
	return harness.StartExporter(o.Exporter, cfg, args, o.exporterEnv, dir, "exporter")
}

// pollAll scrapes once cold and restoreWarmPolls times warm, one
// restoreInterval apart, each against the simulator's log of it.
func (r *restoreResult) pollAll(simProc, exp *harness.Process, expAddr string, history map[string]bool) error {
	var prev exposition
	start := time.Now()
	for i := 0; i <= restoreWarmPolls; i++ {
		time.Sleep(time.Until(start.Add(time.Duration(i) * restoreInterval)))
		simProc.Settle()
		logAt := simProc.LogSize()
		_, m, err := scrapeOps(opsURL(expAddr))
		if err != nil {
			return fmt.Errorf("poll %d: %w (the exporter's last error: %s)", i+1, err, exp.LastError())
		}
		simProc.Settle()
		s := restoreScrape{}
		if s.simLog, err = simProc.RequestsByEndpoint(logAt); err != nil {
			return err
		}
		s.counter = counterDelta(m, prev, &s.non200)
		s.ended = int(m.sum("vbo365_restore_sessions_total") - prev.sum("vbo365_restore_sessions_total"))
		prev = m
		if err := checkRestorePoll(m); err != nil {
			return fmt.Errorf("poll %d: %w", i+1, err)
		}
		lists, err := restoreRequests(simProc.LogPath, logAt)
		if err != nil {
			return err
		}
		s.events, s.pages = len(lists.events), lists.pages
		if i == 0 {
			if err := r.checkCold(lists, history); err != nil {
				return fmt.Errorf("the first poll: %w", err)
			}
		}
		r.scrapes = append(r.scrapes, s)
		log.Printf("  poll %d: %d requests (simulator: %d), events of %d sessions read (%d pages), %d sessions counted",
			i+1, sumCounts(s.counter), sumCounts(s.simLog), s.events, s.pages, s.ended)
	}
	return nil
}

// checkRestorePoll fails a poll that was not complete.
func checkRestorePoll(m exposition) error {
	if up := m.sum("vbo365_up"); up != 1 {
		return fmt.Errorf("vbo365_up=%v", up)
	}
	var failed []string
	for _, x := range m["vbo365_collector_success"] {
		if x.value != 1 {
			failed = append(failed, label(x.labels, "collector"))
		}
	}
	if len(failed) > 0 {
		return fmt.Errorf("collectors failed: %s", strings.Join(failed, ", "))
	}
	return nil
}

// checkCold fails a first poll that asked for a session list without a
// time filter or from before the exporter's start less the overlap, or
// read a history session's events.
func (r *restoreResult) checkCold(l restoreLists, history map[string]bool) error {
	if len(l.from) == 0 {
		return fmt.Errorf("no restore session list read")
	}
	for _, q := range l.from {
		if q.IsZero() {
			return fmt.Errorf("a restore session list read without startTimeFrom or endTimeFrom")
		}
		if r.oldest.IsZero() || q.Before(r.oldest) {
			r.oldest = q
		}
	}
	if r.oldest.Before(r.floor) {
		return fmt.Errorf("a restore session list read from %v, before the exporter's start less the overlap (%v)", r.oldest, r.floor)
	}
	for id := range l.events {
		if history[id] {
			return fmt.Errorf("the events of history session %s read", id)
		}
	}
	return nil
}

// restoreLists are the restore requests of a stretch of the simulator's
// log: the time filter of each session list read (zero: none) and the
// sessions whose events were read.
type restoreLists struct {
	from   []time.Time
	events map[string]bool
	pages  int
}

var restoreLine = regexp.MustCompile(`msg=request method=GET path=/v\d+/RestoreSessions(/[^/\s]+/Events)? query=("[^"]*"|\S*)`)

// restoreRequests reads the restore requests of the log at path after
// offset.
func restoreRequests(path string, offset int64) (restoreLists, error) {
	l := restoreLists{events: map[string]bool{}}
	b, err := os.ReadFile(path)
	if err != nil {
		return l, err
	}
	for line := range bytes.SplitSeq(b[min(offset, int64(len(b))):], []byte("\n")) {
		mt := restoreLine.FindSubmatch(line)
		if mt == nil {
			continue
		}
		if len(mt[1]) > 0 {
			l.events[strings.ToLower(strings.Split(string(mt[1]), "/")[1])] = true
			l.pages++
			continue
		}
		q, err := url.ParseQuery(strings.Trim(string(mt[2]), `"`))
		if err != nil {
			return l, fmt.Errorf("the simulator's log: %w", err)
		}
		var from time.Time // the earliest of the filters
		for _, k := range []string{"startTimeFrom", "endTimeFrom"} {
			if v := q.Get(k); v != "" {
				t, err := time.Parse(time.RFC3339, v)
				if err != nil {
					return l, fmt.Errorf("the simulator's log: %s: %w", k, err)
				}
				if from.IsZero() || t.Before(from) {
					from = t
				}
			}
		}
		l.from = append(l.from, from)
	}
	return l, nil
}

// restoreEndpoints are the endpoints the counter saw in any poll, sorted.
func restoreEndpoints(gs []*restoreRuns) []string {
	var out []string
	for _, g := range gs {
		for _, r := range g.runs {
			for _, s := range r.scrapes {
				for e := range s.counter {
					if !slices.Contains(out, e) {
						out = append(out, e)
					}
				}
			}
		}
	}
	slices.Sort(out)
	return out
}
