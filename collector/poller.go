package collector

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/go-kit/log"
	"github.com/go-kit/log/level"
	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/sync/singleflight"

	"github.com/vbo365-exporter/vbo365_exporter/config"
	"github.com/vbo365-exporter/vbo365_exporter/protection"
	"github.com/vbo365-exporter/vbo365_exporter/vboapi"
)

// ServerResult is one complete poll of a server.
type ServerResult struct {
	Server   string
	Up       bool  // the token was obtained and the job list read
	Err      error // why Up is false
	Start    time.Time
	Duration time.Duration
	Jobs     []*JobResult
	// APIVersion is the REST API version the poll used; Service is what
	// /vN/ServiceInstance said (v6 and later), zero when unknown.
	APIVersion vboapi.Version
	Service    vboapi.ServiceInstance
	// LastError is the most recent error of the server itself, from this
	// poll or an earlier one, and LastErrorAt when it happened; for people
	// reading the status page after the problem went away.
	LastError   string
	LastErrorAt time.Time
	// Collectors are the outcomes of the enabled collectors, in
	// Names order; when the server is down, all failed but those
	// its version lacked in the last poll.
	Collectors []*Result
	// License, Repositories and Proxies are what the license,
	// repositories and proxies collectors read in this poll, typed, for
	// the status page, which never calls the API. Each is nil when its
	// collector is off, was skipped or could not read it (Collectors says
	// which), a list also when the server has none; License is kept when
	// only the organizations' licensing failed. Do not modify them.
	License      *vboapi.License
	Repositories []vboapi.Repository
	Proxies      []vboapi.Proxy
	// OrganizationSync is what the organizations collector read of the
	// organizations' synchronization with the organization cache (v7 and
	// later), in list order: those whose state it could read. Nil on v6,
	// or when the collector is off or could not read the list.
	OrganizationSync []OrganizationSync
	// UnidentifiedJobs counts the jobs the job list gave without an id,
	// which are not in Jobs.
	UnidentifiedJobs int
}

// collector returns the outcome of the named collector, nil when it is off.
func (r *ServerResult) collector(name string) *Result {
	for _, c := range r.Collectors {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// Result is one collector's part of a poll.
type Result struct {
	Name string
	// Skipped is true when the server's API version lacks what the
	// collector reads: it then exports nothing, and has not failed.
	Skipped  bool
	Err      error // nil when it succeeded
	Duration time.Duration
	// Metrics are its series, exported after its success and duration.
	Metrics []prometheus.Metric
}

// JobResult is one job's part of a poll.
type JobResult struct {
	ID   string
	Name string      // the configured name, else the API's
	Job  *vboapi.Job // nil when the job was not in the server's job list
	// Success is true when every list the job's figures depend on was
	// read whole; Figures are only meaningful then.
	Success bool
	// Figures are the job's protection, the same on every API version;
	// the unprotected lists are cut to the configured number of series.
	// Figures.Workloads holds those of WorkloadsOn, the server's workloads
	// setting (v6 and later), the mailbox's included.
	Figures     protection.Result
	WorkloadsOn protection.WorkloadSet
	// FiguresAt is when the reading behind Figures started: this poll's
	// start, or with protection_interval that of the refresh they come
	// from; WorkloadsAt the same per workload, whose figures may be kept
	// from an earlier refresh when its site or team list fails.
	FiguresAt   time.Time
	WorkloadsAt [protection.NumWorkloads]time.Time
	Duration    time.Duration
	Err         error
	// LastError and LastErrorAt carry the job's most recent error forward
	// across polls, as for the server.
	LastError   string
	LastErrorAt time.Time
}

// poller polls one server. Scrapes that arrive while a poll is under way
// share it, and with min_interval a recent poll is reused.
type poller struct {
	cfg    config.Server
	client *vboapi.Client
	memory *protection.Memory // what this server's polls keep from one to the next
	logger log.Logger         // with the server's name: call sites add no "server" key
	flight singleflight.Group

	mu   sync.Mutex
	last *ServerResult

	refresh *refresher // v6 and later with protection_interval; nil computes in every poll

	collectors Collectors
	scrapers   []Scraper // this server's own: some keep state across polls
	// skipped holds the collectors the last poll skipped, with the
	// version that lacks them, so that each is logged once; only the
	// poll under way touches it.
	skipped map[string]vboapi.Version
}

func newPoller(cfg config.Server, client *vboapi.Client, memory *protection.Memory, logger log.Logger, collectors Collectors) *poller {
	p := &poller{cfg: cfg, client: client, memory: memory, logger: logger, collectors: collectors,
		scrapers: collectors.newScrapers(), skipped: map[string]vboapi.Version{}}
	if interval := time.Duration(cfg.ProtectionInterval); interval > 0 {
		p.refresh = newRefresher(interval, logger, p.computeProtection)
	}
	return p
}

func (p *poller) close() {
	if p.refresh != nil {
		p.refresh.close()
	}
	p.client.Close()
}

func (p *poller) lastResult() *ServerResult {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.last
}

// poll returns a fresh result, the one of a poll already under way, or the
// last one if it is younger than min_interval.
func (p *poller) poll(ctx context.Context) *ServerResult {
	if interval := time.Duration(p.cfg.MinInterval); interval > 0 {
		if last := p.lastResult(); last != nil && time.Since(last.Start) < interval {
			return last
		}
	}
	// A shared poll runs under the deadline of the scrape that started it.
	v, _, _ := p.flight.Do("poll", func() (any, error) {
		r := p.pollNow(ctx)
		p.mu.Lock()
		r.carryErrors(p.last)
		p.last = r
		p.mu.Unlock()
		return r, nil
	})
	return v.(*ServerResult)
}

func (p *poller) pollNow(ctx context.Context) *ServerResult {
	res := &ServerResult{Server: p.cfg.Name, Start: time.Now()}
	defer func() { res.Duration = time.Since(res.Start) }()

	v, err := p.client.APIVersion(ctx)
	if err != nil {
		what := "cannot tell which REST API version the server serves"
		if errors.Is(err, vboapi.ErrLoginFailed) {
			what = "cannot log in"
		}
		p.serverDown(res, what, err)
		return res
	}
	res.APIVersion = v
	if v.Modern() && !p.readServiceInstance(ctx, res) {
		return res
	}
	listStart := time.Now()
	jobs, err := p.readJobs(ctx)
	if err != nil {
		p.serverDown(res, "cannot read the job list", err)
		return res
	}
	res.Up = true
	jobs = p.leaveOutUnidentified(res, jobs)
	res.Jobs = p.selectJobs(jobs)
	p.runCollectors(ctx, res, jobs, listStart)
	return res
}

// serverDown records a poll that could not read the server itself; every
// configured job then fails too, so that job-level alerts fire.
func (p *poller) serverDown(res *ServerResult, what string, err error) {
	res.Err = fmt.Errorf("%s: %w", what, err)
	level.Error(p.logger).Log("msg", "server not scraped: "+what, "err", err)
	res.Jobs = p.unreadJobs(err)
	res.Collectors = p.downCollectors(res.Err)
	if c := res.collector(protectionCollector); c != nil {
		c.Metrics = jobFigures(res)
	}
}

// readJobs reads the job list. A 404 there means the server no longer
// serves the version in use (it was upgraded), so the next poll detects
// it again.
func (p *poller) readJobs(ctx context.Context) ([]vboapi.Job, error) {
	jobs, err := p.client.Jobs(ctx)
	if vboapi.StatusCode(err) == http.StatusNotFound {
		p.client.ForgetVersion()
	}
	return jobs, err
}

// leaveOutUnidentified drops the jobs the API sent without an id, which
// can be neither read nor labelled, counts them in res and says so: the
// rest of the list is still good.
func (p *poller) leaveOutUnidentified(res *ServerResult, jobs []vboapi.Job) []vboapi.Job {
	jobs, names := vboapi.Unidentified(jobs)
	res.UnidentifiedJobs = len(names)
	if len(names) > 0 {
		level.Warn(p.logger).Log("msg", "jobs sent without an id are left out: their mailboxes are not counted",
			"jobs", len(names), "names", strings.Join(names, ", "))
	}
	return jobs
}

// selectJobs picks the configured jobs from the server's list, or every job
// when none are configured. A configured job the server does not know gets a
// result with an error, so that it shows up as failed rather than vanishing.
func (p *poller) selectJobs(jobs []vboapi.Job) []*JobResult {
	if len(p.cfg.Jobs) == 0 {
		out := make([]*JobResult, len(jobs))
		for i := range jobs {
			out[i] = &JobResult{ID: jobs[i].ID, Name: jobs[i].Name, Job: &jobs[i]}
		}
		return out
	}
	byID := make(map[string]*vboapi.Job, len(jobs))
	for i := range jobs {
		byID[normalizeID(jobs[i].ID)] = &jobs[i]
	}
	out := make([]*JobResult, len(p.cfg.Jobs))
	for i, want := range p.cfg.Jobs {
		r := &JobResult{ID: want.ID, Name: want.Name}
		if job, ok := byID[normalizeID(want.ID)]; ok {
			r.ID, r.Job = job.ID, job
			if r.Name == "" {
				r.Name = job.Name
			}
		} else {
			r.Err = errJobNotFound
		}
		out[i] = r
	}
	return out
}

// unreadJobs reports every configured job as failed when the server itself
// could not be read, so that job-level alerts fire too.
func (p *poller) unreadJobs(cause error) []*JobResult {
	out := make([]*JobResult, len(p.cfg.Jobs))
	for i, want := range p.cfg.Jobs {
		out[i] = &JobResult{ID: want.ID, Name: want.Name, Err: cause}
	}
	return out
}

// carryErrors records this poll's errors and keeps earlier ones where this
// poll had none.
func (r *ServerResult) carryErrors(prev *ServerResult) {
	if r.Err != nil {
		r.LastError, r.LastErrorAt = r.Err.Error(), r.Start
	} else if prev != nil {
		r.LastError, r.LastErrorAt = prev.LastError, prev.LastErrorAt
	}
	earlier := map[string]*JobResult{}
	if prev != nil {
		for _, j := range prev.Jobs {
			earlier[j.ID] = j
		}
	}
	for _, j := range r.Jobs {
		if j.Err != nil {
			j.LastError, j.LastErrorAt = j.Err.Error(), r.Start
		} else if old, ok := earlier[j.ID]; ok {
			j.LastError, j.LastErrorAt = old.LastError, old.LastErrorAt
		}
	}
}

// runCollectors runs the enabled collectors of a poll that read the job
// list (jobs, which began at listStart), concurrently: they share the
// client's request slots. A panic fails its collector only.
func (p *poller) runCollectors(ctx context.Context, res *ServerResult, jobs []vboapi.Job, listStart time.Time) {
	t := &Target{Server: p.cfg.Name, Client: p.client, Version: res.APIVersion, PageSize: p.cfg.PageSize, ServerJobs: jobs, res: res,
		Logger: p.logger, protect: func(ctx context.Context) { p.runProtection(ctx, res, jobs) }}
	for _, j := range res.Jobs {
		if j.Job != nil {
			t.Jobs = append(t.Jobs, TargetJob{ID: j.ID, Name: j.Name})
		}
	}
	var wg sync.WaitGroup
	for _, s := range p.scrapers {
		r := &Result{Name: s.Name()}
		res.Collectors = append(res.Collectors, r)
		start := time.Now()
		if r.Name == jobsCollector {
			start = listStart // the list it reports on is its reading
		}
		wg.Go(func() { runScraper(ctx, s, t, r, start) })
	}
	wg.Wait()
	p.logCollectors(res)
}

// runProtection computes the jobs' figures into res.Jobs. A panic fails
// the jobs still without figures, which keep their series: it is not
// left to runScraper, which would drop them.
func (p *poller) runProtection(ctx context.Context, res *ServerResult, jobs []vboapi.Job) {
	defer func() {
		if v := recover(); v != nil {
			err := fmt.Errorf("internal error: %v", v)
			for _, j := range res.Jobs {
				if !j.Success && j.Err == nil {
					j.Err = err
				}
			}
		}
	}()
	p.protect(ctx, res, jobs)
}

// jobsWithoutFigures says how many jobs have no figures, and why the first
// has none; nil when all have.
func jobsWithoutFigures(jobs []*JobResult) error {
	var first *JobResult
	n := 0
	for _, j := range jobs {
		if !j.Success {
			n++
			if first == nil {
				first = j
			}
		}
	}
	if n == 0 {
		return nil
	}
	return fmt.Errorf("%d of %d jobs have no figures; job %q: %w", n, len(jobs), first.Name, first.Err)
}

// runScraper runs s into r, timed from start.
func runScraper(ctx context.Context, s Scraper, t *Target, r *Result, start time.Time) {
	defer func() {
		if v := recover(); v != nil {
			r.Metrics, r.Err = nil, fmt.Errorf("internal error: %v", v)
		}
		r.Duration = time.Since(start)
	}()
	r.Metrics, r.Err = s.Scrape(ctx, t)
	if errors.Is(r.Err, vboapi.ErrNotInVersion) {
		r.Skipped, r.Err, r.Metrics = true, nil, nil
	}
}

// logCollectors logs each failed scraper, and each skipped collector once
// per API version (jobs and protection log per job instead).
func (p *poller) logCollectors(res *ServerResult) {
	for _, c := range res.Collectors {
		l := log.With(p.logger, "collector", c.Name)
		switch {
		case c.Skipped:
			if v, ok := p.skipped[c.Name]; !ok || v != res.APIVersion {
				level.Info(l).Log("msg", "collector skipped: the server's REST API version does not have what it reads", "api_version", res.APIVersion)
			}
			p.skipped[c.Name] = res.APIVersion
		case c.Err != nil && c.Name != protectionCollector:
			delete(p.skipped, c.Name)
			level.Warn(l).Log("msg", "collector failed; the series it could not read completely are left out", "err", c.Err)
		default:
			delete(p.skipped, c.Name)
		}
	}
}

// downCollectors are the outcomes of a poll that could not read the
// server: every enabled collector failed, except those the server's API
// version lacked in the last poll that ran them, which stay skipped.
func (p *poller) downCollectors(cause error) []*Result {
	var out []*Result
	for _, name := range Names() {
		if !p.collectors.Enabled(name) {
			continue
		}
		if _, lacked := p.skipped[name]; lacked {
			out = append(out, &Result{Name: name, Skipped: true})
			continue
		}
		out = append(out, &Result{Name: name, Err: cause})
	}
	return out
}
