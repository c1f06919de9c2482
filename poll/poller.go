package poll

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
	"golang.org/x/sync/singleflight"

	"github.com/vbo365-exporter/vbo365_exporter/config"
	"github.com/vbo365-exporter/vbo365_exporter/protection"
	"github.com/vbo365-exporter/vbo365_exporter/vboapi"
)

// Collectors are what a poll runs once the job list is read; the collector
// package gives each server its own, as some keep state across polls.
type Collectors interface {
	// Run runs the collectors of a poll that read the job list (jobs, the
	// server's whole list, which began at listStart) into res.Collectors.
	// protect computes the jobs' figures into res.Jobs: the protection
	// collector calls it, the poller owns the work.
	Run(ctx context.Context, res *ServerResult, jobs []vboapi.Job, listStart time.Time, protect func(context.Context))
	// Down fills res.Collectors for a poll that could not read the server.
	Down(res *ServerResult)
}

// Poller polls one server. Scrapes that arrive while a poll is under way
// share it, and with min_interval a recent poll is reused.
type Poller struct {
	cfg        config.Server
	client     *vboapi.Client
	memory     *protection.Memory // what this server's polls keep from one to the next
	logger     log.Logger         // with the server's name: call sites add no "server" key
	collectors Collectors
	flight     singleflight.Group

	mu   sync.Mutex
	last *ServerResult

	refresh *refresher // v6 and later with protection_interval; nil computes in every poll
}

// New returns the poller of the server cfg, which reads it through client;
// memory must be the one whose Lengths the client was given.
func New(cfg config.Server, client *vboapi.Client, memory *protection.Memory, logger log.Logger, collectors Collectors) *Poller {
	p := &Poller{cfg: cfg, client: client, memory: memory, logger: logger, collectors: collectors}
	if interval := time.Duration(cfg.ProtectionInterval); interval > 0 {
		p.refresh = newRefresher(interval, logger, p.computeProtection)
	}
	return p
}

// Config is the server's configuration.
func (p *Poller) Config() *config.Server { return &p.cfg }

// Close stops the background refresh and releases idle connections.
func (p *Poller) Close() {
	if p.refresh != nil {
		p.refresh.close()
	}
	p.client.Close()
}

// Last is the last complete poll, nil before the first.
func (p *Poller) Last() *ServerResult {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.last
}

// Poll returns a fresh result, the one of a poll already under way, or the
// last one if it is younger than min_interval.
func (p *Poller) Poll(ctx context.Context) *ServerResult {
	if interval := time.Duration(p.cfg.MinInterval); interval > 0 {
		if last := p.Last(); last != nil && time.Since(last.Start) < interval {
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

func (p *Poller) pollNow(ctx context.Context) *ServerResult {
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
	if v.V6Plus() && !p.readServiceInstance(ctx, res) {
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
	p.collectors.Run(ctx, res, jobs, listStart, func(ctx context.Context) { p.protect(ctx, res, jobs) })
	return res
}

// readServiceInstance reads the product version of a server of REST API
// v6 or later; it returns false, the server down, when the server no
// longer serves the version in use.
func (p *Poller) readServiceInstance(ctx context.Context, res *ServerResult) bool {
	si, err := p.client.ServiceInstance(ctx)
	if err != nil {
		if errors.Is(err, vboapi.ErrLoginFailed) {
			// Going on would only make a second login in this poll, which a
			// server that limits logins counts against the next one.
			p.serverDown(res, "cannot log in", err)
			return false
		}
		if vboapi.StatusCode(err) == http.StatusNotFound {
			p.client.ForgetVersion()
			p.serverDown(res, "cannot read the service instance", err)
			return false
		}
		// Only vbo365_server_info depends on it.
		level.Warn(p.logger).Log("msg", "cannot read the product version", "err", err)
	}
	res.Service = si
	return true
}

// serverDown records a poll that could not read the server itself; every
// configured job then fails too, so that job-level alerts fire.
func (p *Poller) serverDown(res *ServerResult, what string, err error) {
	res.Err = fmt.Errorf("%s: %w", what, err)
	level.Error(p.logger).Log("msg", "server not scraped: "+what, "err", err)
	res.Jobs = p.unreadJobs(err)
	p.collectors.Down(res)
}

// readJobs reads the job list. A 404 there means the server no longer
// serves the version in use (it was upgraded), so the next poll detects
// it again.
func (p *Poller) readJobs(ctx context.Context) ([]vboapi.Job, error) {
	jobs, err := p.client.Jobs(ctx)
	if vboapi.StatusCode(err) == http.StatusNotFound {
		p.client.ForgetVersion()
	}
	return jobs, err
}

// leaveOutUnidentified drops the jobs the API sent without an id, which
// can be neither read nor labelled, counts them in res and says so: the
// rest of the list is still good.
func (p *Poller) leaveOutUnidentified(res *ServerResult, jobs []vboapi.Job) []vboapi.Job {
	jobs, names := vboapi.Unidentified(jobs)
	res.UnidentifiedJobs = len(names)
	if len(names) > 0 {
		level.Warn(p.logger).Log("msg", "jobs sent without an id are left out: their mailboxes are not counted",
			"jobs", len(names), "names", strings.Join(names, ", "))
	}
	return jobs
}

// errJobNotFound is the error of a configured job the server does not have.
var errJobNotFound = errors.New("the server's job list has no job with this id")

// selectJobs picks the configured jobs from the server's list, or every job
// when none are configured. A configured job the server does not know gets a
// result with an error, so that it shows up as failed rather than vanishing.
func (p *Poller) selectJobs(jobs []vboapi.Job) []*JobResult {
	if len(p.cfg.Jobs) == 0 {
		out := make([]*JobResult, len(jobs))
		for i := range jobs {
			out[i] = &JobResult{ID: jobs[i].ID, Name: jobs[i].Name, Job: &jobs[i]}
		}
		return out
	}
	byID := make(map[string]*vboapi.Job, len(jobs))
	for i := range jobs {
		byID[vboapi.NormalizeID(jobs[i].ID)] = &jobs[i]
	}
	out := make([]*JobResult, len(p.cfg.Jobs))
	for i, want := range p.cfg.Jobs {
		r := &JobResult{ID: want.ID, Name: want.Name}
		if job, ok := byID[vboapi.NormalizeID(want.ID)]; ok {
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
func (p *Poller) unreadJobs(cause error) []*JobResult {
	out := make([]*JobResult, len(p.cfg.Jobs))
	for i, want := range p.cfg.Jobs {
		out[i] = &JobResult{ID: want.ID, Name: want.Name, Err: cause}
	}
	return out
}
