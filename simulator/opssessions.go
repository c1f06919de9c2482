package simulator

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"
)

// tsession is one job session. Copy sessions have copy set; job is then the
// copied backup job, whose scope they process too.
type tsession struct {
	id              string
	job             *tjob
	copy            *tcopy
	status          string
	created, ended  time.Time // ended zero: running or queued
	retryOf         *tsession
	retryCount      int
	willRetry       tri // triNull while it runs
	full            bool
	objects         int // processed so far: progress
	warned, failed  int // processed objects with those statuses
	items, bytes    int64
	bottleneck      string
	details         string
	eTag            int64
	salt            uint64 // spreads the warned and failed objects
	proxyID, repoID string
}

// jobID is the id of the job that ran: the copy job for copy sessions.
func (s *tsession) jobID() string {
	if s.copy != nil {
		return s.copy.id
	}
	return s.job.id
}

// seconds is how long the session has run at now.
func (s *tsession) seconds(now time.Time) float64 {
	end := s.ended
	if end.IsZero() {
		end = now
	}
	return max(end.Sub(s.created).Seconds(), 0)
}

// buildSessions gives every job that ran its history and orders all of
// them newest first, the order GET /vN/JobSessions serves.
func (o *ops) buildSessions(s *Simulator, t *tenant, rng *rand.Rand) {
	now := s.opts.Tenant.Now
	h := &history{s: s, t: t, o: o, rng: rng, now: now}
	o.byJob = make([][]*tsession, len(t.jobs))
	for _, j := range t.jobs {
		h.key = uint64(j.index)
		o.byJob[j.index] = h.build(j, nil, j.lastRun, j.lastStatus, j.lastB)
	}
	for _, list := range o.byJob {
		o.sessions = append(o.sessions, list...)
	}
	for _, c := range o.copies {
		h.key = uint64(len(t.jobs) + c.index)
		o.sessions = append(o.sessions, h.build(c.source, c, c.lastRun, c.lastStatus, c.lastB)...)
	}
	slices.SortStableFunc(o.sessions, func(a, b *tsession) int {
		return cmp.Or(b.created.Compare(a.created), cmp.Compare(a.id, b.id))
	})
	for i, ss := range o.sessions {
		ss.eTag = int64(5000 + i)
		o.byID[strings.ToLower(ss.id)] = ss
	}
}

func (o *ops) findSession(id string) *tsession { return o.byID[strings.ToLower(id)] }

// history builds the sessions of one job.
type history struct {
	s   *Simulator
	t   *tenant
	o   *ops
	rng *rand.Rand
	now time.Time
	key uint64 // the job's place among all jobs, for session ids
	seq uint64
}

// build makes the job's scheduled runs back from its last run, newest
// first. The newest has the job's last status; the runs after its last
// successful backup (lastB) failed, the one at lastB succeeded, and older
// ones are drawn: mostly Success, some Warning and Failed, a failure
// sometimes followed by a retry.
func (h *history) build(j *tjob, c *tcopy, last time.Time, lastStatus string, lastB time.Time) []*tsession {
	if last.IsZero() || h.o.opts.Sessions == 0 {
		return nil
	}
	h.seq = 0
	n := j.scope.users.count()
	var out []*tsession
	for k := 0; k < h.o.opts.Sessions; k++ {
		created := last.Add(-time.Duration(k) * j.interval())
		status := lastStatus
		switch {
		case k == 0:
		case created.After(lastB):
			status = "Failed"
		case created.Equal(lastB):
			status = "Success"
		default:
			status = h.drawStatus()
		}
		ss := h.session(j, c, created, status, n)
		ss.full = k == h.o.opts.Sessions-1
		if k == 0 && status == "Failed" {
			ss.willRetry = triTrue
		}
		if k > 0 && status == "Failed" && !created.After(lastB) && h.rng.IntN(2) == 0 {
			ss.willRetry = triTrue
			out = append(out, h.retry(ss, n))
		}
		out = append(out, ss)
	}
	return out
}

func (h *history) drawStatus() string {
	switch x := h.rng.Float64(); {
	case x < 0.80:
		return "Success"
	case x < 0.92:
		return "Warning"
	}
	return "Failed"
}

// session makes one run of j (or of its copy job c) over its n objects.
func (h *history) session(j *tjob, c *tcopy, created time.Time, status string, n int) *tsession {
	rng := h.rng
	ss := &tsession{
		id:  h.s.tenantID(tkMisc | opsSession | h.key<<20 | h.seq),
		job: j, copy: c, status: status, created: created, objects: n,
		willRetry: triFalse, salt: rng.Uint64(),
		repoID: h.t.repos[j.repo].id, proxyID: h.t.repos[j.repo].proxyID,
	}
	h.seq++
	if c != nil {
		ss.repoID = c.repo.id
	}
	ss.items = int64(n) * int64(20+rng.IntN(180))
	ss.bytes = ss.items * (20000 + rng.Int64N(130000))
	ss.bottleneck = []string{"Source", "Target", "NA"}[rng.IntN(3)]
	dur := time.Duration(float64(90*time.Second+time.Duration(n)*2*time.Second) * (0.8 + 0.4*rng.Float64()))
	dur = min(dur, j.interval()/3, h.now.Sub(created)-time.Second)
	// The wire has .NET's 100 ns ticks; the truth must not be finer.
	ss.ended = created.Add(max(dur, time.Second)).Truncate(100 * time.Nanosecond)
	switch status {
	case "Running", "Queued":
		ss.ended, ss.willRetry, ss.bottleneck = time.Time{}, triNull, "Detecting"
		if status == "Queued" {
			ss.objects = 0
		} else {
			ss.objects = n / 2
		}
	case "Stopped":
		ss.objects, ss.details = n/3, "The job was stopped by a user."
	case "Warning":
		ss.warned = min(1+rng.IntN(max(1, n/10)), n)
		ss.details = fmt.Sprintf("Processing finished with warnings for %d of %d objects.", ss.warned, n)
	case "Failed":
		ss.failed = min(1+rng.IntN(max(1, n/10)), n)
		ss.warned = min(rng.IntN(2), n-ss.failed)
		ss.details = fmt.Sprintf("Failed to process %d of %d objects.", ss.failed, n)
	}
	if n > 0 && ss.objects < n {
		ss.items = ss.items * int64(ss.objects) / int64(n)
		ss.bytes = ss.bytes * int64(ss.objects) / int64(n)
	}
	return ss
}

// retry is the run that retries failed session main ten minutes after it
// ended, successfully.
func (h *history) retry(main *tsession, n int) *tsession {
	r := h.session(main.job, main.copy, main.ended.Add(10*time.Minute), "Success", n)
	r.retryOf, r.retryCount = main, 1
	return r
}

// objectStatus is the status of processed object p (0 ≤ p < s.objects):
// the objects are ranked by a bijection of their positions, the lowest
// ranks failed, the next ones warned, so that the counts are exact.
func (s *tsession) objectStatus(p int) string {
	m := s.objects
	a := int(s.salt%uint64(m)) | 1
	for gcd(a, m) != 1 {
		a++
	}
	switch rank := (p*a + int(s.salt>>32)%m) % m; {
	case rank < s.failed:
		return "Failed"
	case rank < s.failed+s.warned:
		return "Warning"
	}
	return "Success"
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}
