package collector

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/vbo365-exporter/vbo365_exporter/vboapi"
)

var (
	lastSessionStatusDesc = newDesc("job_last_session_status",
		"v6 and later: 1 for the status of the job's last finished session, 0 for the other known statuses.", jobLabels, "status")
	lastSessionStartDesc = newDesc("job_last_session_start_timestamp_seconds",
		"v6 and later: Unix time at which the job's last finished session started (creationTime).", jobLabels)
	lastSessionEndDesc = newDesc("job_last_session_end_timestamp_seconds",
		"v6 and later: Unix time at which the job's last finished session ended (endTime).", jobLabels)
	lastSessionDurationDesc = newDesc("job_last_session_duration_seconds",
		"v6 and later: how long the job's last finished session ran.", jobLabels)
	lastSessionTransferredDesc = newDesc("job_last_session_transferred_bytes",
		"v6 and later: data the job's last finished session transferred (transferredDataBytes).", jobLabels)
	lastSessionObjectsDesc = newDesc("job_last_session_processed_objects",
		"v6 and later: objects (users, groups, sites, teams) the job's last finished session processed (progress).", jobLabels)
	lastSessionItemsDesc = newDesc("job_last_session_processed_items",
		"v6 and later: items (mails, files, ...) the job's last finished session processed (statistics.processedObjects).", jobLabels)
	lastSessionRateBytesDesc = newDesc("job_last_session_processing_rate_bytes_per_second",
		"v6 and later: average processing rate of the job's last finished session, in bytes (processingRateBytesPS).", jobLabels)
	lastSessionRateItemsDesc = newDesc("job_last_session_processing_rate_items_per_second",
		"v6 and later: average processing rate of the job's last finished session, in items (processingRateItemsPS).", jobLabels)
	lastSessionReadRateDesc = newDesc("job_last_session_read_rate_bytes_per_second",
		"v6 and later: average read rate of the job's last finished session (readRateBytesPS).", jobLabels)
	lastSessionWriteRateDesc = newDesc("job_last_session_write_rate_bytes_per_second",
		"v6 and later: average write rate of the job's last finished session (writeRateBytesPS).", jobLabels)
	lastSessionObjectsByStatusDesc = newDesc("job_last_session_objects",
		"v7 and later: objects the job's last finished session processed with each status (Success, Warning, Failed), from its ProcessedObjects; read once per session.", jobLabels, "status")
	lastSessionFailedObjectDesc = newDesc("job_last_session_failed_object",
		"v7 and later, with --collector.sessions.failed-objects: 1 for each object that failed in the job's last finished session, at most that many per job, in API order; object_id is the id of the user, group, site or team.", jobLabels, "object_id", "object_type")
	sessionRunningDesc = newDesc("job_session_running",
		"v6 and later: 1 if the job has a session that has not ended (running, or queued), else 0.", jobLabels)
	runningSessionStartDesc = newDesc("job_running_session_start_timestamp_seconds",
		"v6 and later: Unix time at which the job's session under way started; absent when none is.", jobLabels)
	runningSessionObjectsDesc = newDesc("job_running_session_processed_objects",
		"v6 and later: objects the job's session under way has processed so far (progress); absent when none is.", jobLabels)
	runningSessionTransferredDesc = newDesc("job_running_session_transferred_bytes",
		"v6 and later: data the job's session under way has transferred so far; absent when none is.", jobLabels)
)

// knownObjectStatuses are the statuses of a session's processed objects.
var knownObjectStatuses = []string{"Success", "Warning", "Failed"}

// sessionOverlap is how far before the newest session seen the next
// reading starts again, so that a session listed late (its creation time
// is that of its start) is not missed; the sessions read twice are merged
// by id.
const sessionOverlap = time.Hour

// sessionsScraper follows one server's backup job sessions incrementally:
// the first reading goes back lookback, later ones start from the newest
// session seen (or the oldest session still under way) less the overlap,
// so a poll reads the sessions of a bounded window, not the history. It
// keeps each job's last finished session and its session under way across
// polls, and reads a finished session's processed objects once.
type sessionsScraper struct {
	lookback  time.Duration
	failedCap int

	mu     sync.Mutex
	newest time.Time               // the newest creation time seen
	jobs   map[string]*jobSessions // by normalized job id
	// unattributed counts the sessions of the last reading sent without
	// an id or a job id.
	unattributed int
}

// jobSessions is what the scraper keeps of one job.
type jobSessions struct {
	last, running *vboapi.JobSession
	objects       *sessionObjects // of last, once read
}

// sessionObjects are a finished session's processed objects by status.
type sessionObjects struct {
	sessionID string
	byStatus  map[string]int
	failed    []vboapi.SessionObject // the first failedCap failed ones
}

func newSessionsScraper(c Collectors) Scraper {
	return &sessionsScraper{lookback: c.SessionLookback, failedCap: c.FailedObjects, jobs: map[string]*jobSessions{}}
}

func (*sessionsScraper) Name() string { return "sessions" }

func (*sessionsScraper) Help() string {
	return "v6 and later: each job's last finished session (status, times, transferred data, processed objects, rates; " +
		"on v7 and later its objects by status) and its session under way, read incrementally (see --collector.sessions.lookback)."
}

func (*sessionsScraper) Descs() []*prometheus.Desc {
	return []*prometheus.Desc{lastSessionStatusDesc, lastSessionStartDesc, lastSessionEndDesc, lastSessionDurationDesc,
		lastSessionTransferredDesc, lastSessionObjectsDesc, lastSessionItemsDesc, lastSessionRateBytesDesc,
		lastSessionRateItemsDesc, lastSessionReadRateDesc, lastSessionWriteRateDesc, lastSessionObjectsByStatusDesc,
		lastSessionFailedObjectDesc, sessionRunningDesc, runningSessionStartDesc, runningSessionObjectsDesc,
		runningSessionTransferredDesc}
}

func (s *sessionsScraper) Scrape(ctx context.Context, t *Target) ([]prometheus.Metric, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	bound := s.lowerBound(time.Now())
	var read []vboapi.JobSession
	s.unattributed = 0
	err := t.Client.JobSessions(ctx, vboapi.SessionFilter{JobType: "Backup", EndTimeLowerBound: bound}, t.PageSize,
		func(js *vboapi.JobSession) error {
			if js.ID == "" || js.JobID == "" {
				// Sent without its id or job: it may be any job's
				// session under way (see metrics).
				s.unattributed++
				return nil
			}
			read = append(read, *js)
			return nil
		})
	if err != nil {
		// Nothing changes: the next poll reads the same window again.
		return nil, err
	}
	s.merge(read, t.ServerJobs)
	err = s.readObjects(ctx, t)
	return s.metrics(t), err
}

// lowerBound is where the reading at now starts: lookback ago the first
// time, else the newest session seen less the overlap, or earlier to see
// the end of a session under way; never more than lookback ago.
func (s *sessionsScraper) lowerBound(now time.Time) time.Time {
	floor := now.Add(-s.lookback)
	if s.newest.IsZero() {
		return floor
	}
	b := s.newest.Add(-sessionOverlap)
	for _, j := range s.jobs {
		if j.running != nil && j.running.CreationTime.Before(b) {
			b = j.running.CreationTime
		}
	}
	if b.Before(floor) {
		return floor
	}
	return b
}

// merge takes in the sessions of one reading, for the jobs the server
// still has.
func (s *sessionsScraper) merge(read []vboapi.JobSession, serverJobs []vboapi.Job) {
	known := map[string]bool{}
	for _, j := range serverJobs {
		known[vboapi.NormalizeID(j.ID)] = true
	}
	for id := range s.jobs {
		if !known[id] {
			delete(s.jobs, id)
		}
	}
	seen := map[string]bool{}
	for _, rs := range read {
		id := vboapi.NormalizeID(rs.JobID)
		if !known[id] || seen[rs.ID] {
			continue
		}
		seen[rs.ID] = true
		if rs.CreationTime.After(s.newest) {
			s.newest = rs.CreationTime
		}
		j := s.jobs[id]
		if j == nil {
			j = &jobSessions{}
			s.jobs[id] = j
		}
		// rs is a copy, so what is kept does not hold on to the reading.
		if rs.Ended() {
			if j.last == nil || j.last.ID == rs.ID || newerSession(&rs, j.last) {
				j.last = &rs
			}
			if j.running != nil && j.running.ID == rs.ID {
				j.running = nil
			}
		} else if j.running == nil || !rs.CreationTime.Before(j.running.CreationTime) {
			j.running = &rs
		}
	}
	// The reading starts at or before every session under way, unless
	// one is older than lookback: a session under way it did not list was
	// deleted, or is too old to follow.
	for _, j := range s.jobs {
		if j.running != nil && !seen[j.running.ID] {
			j.running = nil
		}
	}
}

// newerSession orders sessions by start, then by end.
func newerSession(a, b *vboapi.JobSession) bool {
	if !a.CreationTime.Equal(b.CreationTime) {
		return a.CreationTime.After(b.CreationTime)
	}
	return a.EndTime.After(b.EndTime)
}

// readObjects reads, on v7 and later, the processed objects of each
// reported job's last finished session not read before, the sessions in
// parallel. A job whose reading fails has no object series this poll and
// is read again in the next.
func (s *sessionsScraper) readObjects(ctx context.Context, t *Target) error {
	var todo []*jobSessions
	for _, tj := range t.Jobs {
		j := s.jobs[vboapi.NormalizeID(tj.ID)]
		if j == nil || j.last == nil || (j.objects != nil && j.objects.sessionID == j.last.ID) {
			continue
		}
		j.objects = nil
		todo = append(todo, j)
	}
	if len(todo) == 0 {
		return nil
	}
	// The first alone: on v6 it tells, without a request, that there are
	// no processed objects to read.
	first, err := s.countObjects(ctx, t, todo[0].last.ID)
	if errors.Is(err, vboapi.ErrNotInVersion) {
		return nil
	}
	found := make([]*sessionObjects, len(todo))
	errs := make([]error, len(todo))
	found[0], errs[0] = first, err
	var wg sync.WaitGroup
	for k := 1; k < len(todo); k++ {
		wg.Go(func() { found[k], errs[k] = s.countObjects(ctx, t, todo[k].last.ID) })
	}
	wg.Wait()
	n, firstErr := 0, error(nil)
	for k, j := range todo {
		if errs[k] != nil {
			n++
			if firstErr == nil {
				firstErr = fmt.Errorf("session %s: %w", j.last.ID, errs[k])
			}
			continue
		}
		j.objects = found[k]
	}
	if n > 0 {
		return fmt.Errorf("the processed objects of %d of %d sessions were not read; %w", n, len(todo), firstErr)
	}
	return nil
}

func (s *sessionsScraper) countObjects(ctx context.Context, t *Target, sessionID string) (*sessionObjects, error) {
	o := &sessionObjects{sessionID: sessionID, byStatus: map[string]int{}}
	err := t.Client.SessionObjects(ctx, sessionID, t.PageSize, func(so *vboapi.SessionObject) error {
		o.byStatus[so.Status]++
		if so.Status == "Failed" && len(o.failed) < s.failedCap {
			o.failed = append(o.failed, *so)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return o, nil
}

// metrics exports what is known of each reported job.
func (s *sessionsScraper) metrics(t *Target) metricList {
	var out metricList
	for _, tj := range t.Jobs {
		labels := []string{t.Server, tj.ID, tj.Name}
		j := s.jobs[vboapi.NormalizeID(tj.ID)]
		if j == nil {
			j = &jobSessions{}
		}
		// A session the reading could not tie to a job may be this
		// job's, under way: whether it runs is then unknown.
		if s.unattributed == 0 {
			out.gauge(sessionRunningDesc, boolValue(j.running != nil), labels...)
		}
		if r := j.running; r != nil {
			out.timestamp(runningSessionStartDesc, r.CreationTime, labels...)
			out.gauge(runningSessionObjectsDesc, float64(r.Progress), labels...)
			out.gauge(runningSessionTransferredDesc, float64(r.Statistics.TransferredDataBytes), labels...)
		}
		if l := j.last; l != nil {
			out.oneHot(lastSessionStatusDesc, knownStatuses, l.Status, labels...)
			out.timestamp(lastSessionStartDesc, l.CreationTime, labels...)
			out.timestamp(lastSessionEndDesc, l.EndTime, labels...)
			if !l.CreationTime.IsZero() {
				out.gauge(lastSessionDurationDesc, l.EndTime.Sub(l.CreationTime).Seconds(), labels...)
			}
			st := l.Statistics
			out.gauge(lastSessionTransferredDesc, float64(st.TransferredDataBytes), labels...)
			out.gauge(lastSessionObjectsDesc, float64(l.Progress), labels...)
			out.gauge(lastSessionItemsDesc, float64(st.ProcessedObjects), labels...)
			out.gauge(lastSessionRateBytesDesc, float64(st.ProcessingRateBytesPS), labels...)
			out.gauge(lastSessionRateItemsDesc, float64(st.ProcessingRateItemsPS), labels...)
			out.gauge(lastSessionReadRateDesc, float64(st.ReadRateBytesPS), labels...)
			out.gauge(lastSessionWriteRateDesc, float64(st.WriteRateBytesPS), labels...)
		}
		if o := j.objects; o != nil && j.last != nil && o.sessionID == j.last.ID {
			// An object whose status the server sent null or left out
			// would make every count too low: they are left out.
			unknown := o.byStatus[""] > 0
			for _, st := range knownObjectStatuses {
				if unknown {
					break
				}
				out.gauge(lastSessionObjectsByStatusDesc, float64(o.byStatus[st]), with(labels, st)...)
			}
			for st, n := range o.byStatus {
				if !unknown && !slices.Contains(knownObjectStatuses, st) {
					out.gauge(lastSessionObjectsByStatusDesc, float64(n), with(labels, st)...)
				}
			}
			for _, f := range o.failed {
				out.gauge(lastSessionFailedObjectDesc, 1, with(labels, f.ID, f.Type)...)
			}
		}
	}
	return out
}
