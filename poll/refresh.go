package poll

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/go-kit/log"
	"github.com/go-kit/log/level"

	"github.com/vbo365-exporter/vbo365_exporter/protection"
	"github.com/vbo365-exporter/vbo365_exporter/vboapi"
)

// minRefreshTimeout bounds a background refresh when protection_interval is
// shorter: a refresh of a large tenant may take minutes.
const minRefreshTimeout = 5 * time.Minute

// errRefreshUnderWay is a job's error while its first figures are read.
var errRefreshUnderWay = errors.New("the first protection refresh is still under way")

// figures are a job's protection as of one complete refresh.
type figures struct {
	protection.Result
	at   time.Time     // when the refresh started
	took time.Duration // how long it took
	// kept are the times of the workloads whose figures come from an
	// earlier refresh than at; zero for the others.
	kept [protection.NumWorkloads]time.Time
}

// workloadAt is when the reading behind workload w's figures started.
func (f *figures) workloadAt(w protection.Workload) time.Time {
	if !f.kept[w].IsZero() {
		return f.kept[w]
	}
	return f.at
}

// keepWorkloads carries into f the figures of old for each workload that
// f lacks (its site or team list failed) and old has, so that a failing
// list does not blank complete figures; it returns those workloads.
func (f *figures) keepWorkloads(old figures) []protection.Workload {
	var kept []protection.Workload
	for w := range protection.Workload(protection.NumWorkloads) {
		if f.Workloads[w].Err != nil && old.Workloads[w].Err == nil {
			f.Workloads[w], f.kept[w] = old.Workloads[w], old.workloadAt(w)
			kept = append(kept, w)
		}
	}
	return kept
}

// refresher keeps each job's last complete figures and refreshes them in
// the background at most once per interval, so that a scrape never waits
// for a refresh of a large tenant, except for a job's first figures. A
// refresh that fails for a job keeps its earlier figures: they stay
// complete, and their time shows their age.
type refresher struct {
	interval time.Duration
	logger   log.Logger
	compute  func(ctx context.Context, v vboapi.Version, all []vboapi.Job, want []*vboapi.Job) []protection.Result

	ctx    context.Context // cancelled by close
	cancel context.CancelFunc

	mu      sync.Mutex
	figures map[string]figures // by normalized job id
	failed  map[string]error   // the last refresh's error, per job
	running chan struct{}      // closed when the refresh under way ends; nil when none
	started time.Time          // the last refresh's start
}

func newRefresher(interval time.Duration, logger log.Logger,
	compute func(ctx context.Context, v vboapi.Version, all []vboapi.Job, want []*vboapi.Job) []protection.Result) *refresher {
	ctx, cancel := context.WithCancel(context.Background())
	return &refresher{interval: interval, logger: logger, compute: compute, ctx: ctx, cancel: cancel,
		figures: map[string]figures{}, failed: map[string]error{}}
}

// close stops a refresh under way and waits for it.
func (r *refresher) close() {
	r.cancel()
	r.mu.Lock()
	running := r.running
	r.mu.Unlock()
	if running != nil {
		<-running
	}
}

// get returns the figures of each job of want, or the error that keeps a
// job from having any yet. It starts a refresh when the last one is older
// than the interval, or when a job has neither figures nor an error (it is
// new); it waits for that refresh, within ctx, only for jobs without any.
func (r *refresher) get(ctx context.Context, v vboapi.Version, all []vboapi.Job, want []*vboapi.Job) ([]*figures, []error) {
	r.mu.Lock()
	missing := false
	for _, j := range want {
		id := vboapi.NormalizeID(j.ID)
		_, have := r.figures[id]
		_, failed := r.failed[id]
		missing = missing || (!have && !failed)
	}
	if r.running == nil && (missing || time.Since(r.started) >= r.interval) {
		r.start(v, all, want)
	}
	running := r.running
	waitFor := false
	for _, j := range want {
		_, have := r.figures[vboapi.NormalizeID(j.ID)]
		waitFor = waitFor || !have
	}
	r.mu.Unlock()
	if running != nil && waitFor {
		select {
		case <-running:
		case <-ctx.Done():
		}
	}

	r.mu.Lock()
	defer r.mu.Unlock()
	out, errs := make([]*figures, len(want)), make([]error, len(want))
	for k, j := range want {
		id := vboapi.NormalizeID(j.ID)
		if f, ok := r.figures[id]; ok {
			out[k] = &f
		} else if errs[k] = r.failed[id]; errs[k] == nil {
			errs[k] = errRefreshUnderWay
		}
	}
	return out, errs
}

// start runs one refresh in the background; the caller holds r.mu.
func (r *refresher) start(v vboapi.Version, all []vboapi.Job, want []*vboapi.Job) {
	done := make(chan struct{})
	r.running, r.started = done, time.Now()
	// The refresh owns its copies: the poll that started it goes on.
	all = append([]vboapi.Job(nil), all...)
	mine := make([]*vboapi.Job, len(want))
	for k, j := range want {
		c := *j
		mine[k] = &c
	}
	started := r.started
	go func() {
		defer close(done)
		ctx, cancel := context.WithTimeout(r.ctx, max(r.interval, minRefreshTimeout))
		defer cancel()
		results := r.compute(ctx, v, all, mine)
		took := time.Since(started)
		r.mu.Lock()
		defer r.mu.Unlock()
		keep := map[string]bool{}
		for k, j := range mine {
			id := vboapi.NormalizeID(j.ID)
			keep[id] = true
			if err := results[k].Err; err != nil {
				r.failed[id] = err
				if old, ok := r.figures[id]; ok {
					level.Warn(r.logger).Log("msg", "protection refresh failed; the job keeps its earlier complete figures",
						"job_id", j.ID, "job_name", j.Name, "figures_from", old.at.UTC().Format(time.RFC3339), "err", err)
				}
				continue
			}
			delete(r.failed, id)
			f := figures{Result: results[k], at: started, took: took}
			if old, ok := r.figures[id]; ok {
				for _, w := range f.keepWorkloads(old) {
					level.Warn(r.logger).Log("msg", "protection refresh failed for a workload; it keeps its earlier complete figures",
						"job_id", j.ID, "job_name", j.Name, "workload", w, "figures_from", f.kept[w].UTC().Format(time.RFC3339), "err", results[k].Workloads[w].Err)
				}
			}
			r.figures[id] = f
		}
		// Jobs no longer wanted leave no figures behind.
		for id := range r.figures {
			if !keep[id] {
				delete(r.figures, id)
			}
		}
		for id := range r.failed {
			if !keep[id] {
				delete(r.failed, id)
			}
		}
		r.running = nil
	}()
}

// figuresOf turns one computation into figures as of start, for the
// polls that compute in place.
func figuresOf(results []protection.Result, start time.Time) ([]*figures, []error) {
	took := time.Since(start)
	out, errs := make([]*figures, len(results)), make([]error, len(results))
	for k, res := range results {
		if res.Err != nil {
			errs[k] = res.Err
			continue
		}
		out[k] = &figures{Result: res, at: start, took: took}
		if res.Took > 0 {
			out[k].took = res.Took
		}
	}
	return out, errs
}
