package collector

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/go-kit/log"
	"github.com/go-kit/log/level"

	"github.com/vbo365-exporter/vbo365_exporter/poll"
	"github.com/vbo365-exporter/vbo365_exporter/vboapi"
)

// runner runs one server's collectors in each of its polls. It is the
// server's own: some scrapers keep state across polls.
type runner struct {
	server     string
	client     *vboapi.Client
	pageSize   int
	logger     log.Logger
	collectors Collectors
	scrapers   []Scraper
	// skipped holds the collectors the last poll skipped, with the
	// version that lacks them, so that each is logged once; only the
	// poll under way touches it.
	skipped map[string]vboapi.Version
}

func newRunner(server string, client *vboapi.Client, pageSize int, logger log.Logger, collectors Collectors) *runner {
	return &runner{server: server, client: client, pageSize: pageSize, logger: logger, collectors: collectors,
		scrapers: collectors.newScrapers(), skipped: map[string]vboapi.Version{}}
}

// Run runs the enabled collectors of a poll, concurrently: they share the
// client's request slots. A panic fails its collector only.
func (p *runner) Run(ctx context.Context, res *poll.ServerResult, jobs []vboapi.Job, listStart time.Time, protect func(context.Context)) {
	t := &Target{Server: p.server, Client: p.client, Version: res.APIVersion, PageSize: p.pageSize, ServerJobs: jobs, res: res,
		Logger: p.logger, protect: protect}
	for _, j := range res.Jobs {
		if j.Job != nil {
			t.Jobs = append(t.Jobs, TargetJob{ID: j.ID, Name: j.Name})
		}
	}
	var wg sync.WaitGroup
	for _, s := range p.scrapers {
		r := &poll.CollectorResult{Name: s.Name()}
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

// jobsWithoutFigures says how many jobs have no figures, and why the first
// has none; nil when all have.
func jobsWithoutFigures(jobs []*poll.JobResult) error {
	var first *poll.JobResult
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
func runScraper(ctx context.Context, s Scraper, t *Target, r *poll.CollectorResult, start time.Time) {
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
func (p *runner) logCollectors(res *poll.ServerResult) {
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

// Down gives the outcomes of a poll that could not read the server: every
// enabled collector failed, except those the server's API version lacked
// in the last poll that ran them, which stay skipped. The protection
// collector reports each configured job as failed.
func (p *runner) Down(res *poll.ServerResult) {
	res.Collectors = p.downCollectors(res.Err)
	if c := res.Collector(protectionCollector); c != nil {
		c.Metrics = jobFigures(res)
	}
}

func (p *runner) downCollectors(cause error) []*poll.CollectorResult {
	var out []*poll.CollectorResult
	for _, name := range Names() {
		if !p.collectors.Enabled(name) {
			continue
		}
		if _, lacked := p.skipped[name]; lacked {
			out = append(out, &poll.CollectorResult{Name: name, Skipped: true})
			continue
		}
		out = append(out, &poll.CollectorResult{Name: name, Err: cause})
	}
	return out
}
