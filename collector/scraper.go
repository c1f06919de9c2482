package collector

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/alecthomas/kingpin/v2"
	"github.com/go-kit/log"
	"github.com/go-kit/log/level"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/vbo365-exporter/vbo365_exporter/config"
	"github.com/vbo365-exporter/vbo365_exporter/vboapi"
)

// Scraper reads one concern of a server (its licence, its repositories...)
// and turns it into const metrics. Each runs in every poll of a server whose
// API version has it, concurrently with the others, and one failing never
// hides another's series.
type Scraper interface {
	// Name is the collector label of vbo365_collector_success and the
	// name of its flag, --[no-]collector.<name>.
	Name() string
	// Help describes the collector in --help.
	Help() string
	// Descs lists every descriptor its metrics use, for Describe.
	Descs() []*prometheus.Desc
	// Scrape returns the metrics it made and why it could not make the
	// others. An error wrapping vboapi.ErrNotInVersion means the server's
	// API version lacks the concern: the collector is then skipped, which
	// is not a failure. The metrics returned with another error are still
	// exported; a scraper leaves out what it could not read completely
	// rather than export it partly.
	Scrape(ctx context.Context, t *Target) ([]prometheus.Metric, error)
}

// Target is what a scraper reads from: one server in one poll.
type Target struct {
	Server  string // the configured name, the server label
	Client  *vboapi.Client
	Version vboapi.Version // the REST API version this poll uses
	// PageSize is the server's page_size, for the lists a scraper pages.
	PageSize int
	// Jobs are the jobs this poll reports on (the configured ones the
	// server has, else all), with the labels their series carry.
	Jobs []TargetJob
	// ServerJobs is the server's whole job list; do not modify it.
	ServerJobs []vboapi.Job
	// res is the poll's result, where the license, repositories and
	// proxies scrapers keep a typed copy of what they read (each its own
	// field, so they may run at once); nil outside a poll.
	res *ServerResult
	// Logger, with the server's name, is for what a scraper reports
	// besides its error; nil logs nothing.
	Logger log.Logger
}

// logger is t.Logger, or one that discards when there is none.
func (t *Target) logger() log.Logger {
	if t.Logger == nil {
		return log.NewNopLogger()
	}
	return t.Logger
}

// TargetJob is a job a per-job series is labelled with.
type TargetJob struct{ ID, Name string }

// The collectors that are part of the poll itself rather than Scrapers:
// the job list decides vbo365_up and labels every per-job series, and
// protection shares the poller's background refresh.
const (
	jobsCollector       = "jobs"
	protectionCollector = "protection"
)

var builtinCollectors = []struct{ name, help string }{
	{jobsCollector, "The job list: each job's enabled state, last and next run, last status and descriptive facts. " +
		"The list itself is read in every poll, since vbo365_up depends on it; turning this off also turns protection off, " +
		"whose figures are per job."},
	{protectionCollector, "Each job's mailbox protection: mailboxes in scope, backed up, their ratio and the mailboxes " +
		"not backed up (v1: selected mailboxes; v6 and later: job items, users, groups and repository data). Off: job facts only."},
}

// scrapers are the optional collectors in output order, with whether each
// is on by default; see docs/collectors.md for the reasons.
var scrapers = []struct {
	on  bool
	new func(Collectors) Scraper
}{
	{true, newSessionsScraper},
	{true, func(Collectors) Scraper { return licenseScraper{} }},
	{true, func(Collectors) Scraper { return repositoriesScraper{} }},
	{true, func(c Collectors) Scraper { return proxiesScraper{extendedView: c.ProxyExtendedView} }},
	{true, func(Collectors) Scraper { return healthScraper{} }},
	{true, newOrganizationsScraper},
	{true, func(Collectors) Scraper { return copyJobsScraper{} }},
}

// Collectors is the set of collectors an Exporter runs, with their
// settings. The zero value runs none; start from DefaultCollectors.
type Collectors struct {
	enabled map[string]bool
	// SessionLookback is how far back the first reading of a server's job
	// sessions goes; later readings start from the newest session seen.
	SessionLookback time.Duration
	// FailedObjects caps the vbo365_job_last_session_failed_object series
	// per job; 0 exports none.
	FailedObjects int
	// ProxyExtendedView asks v6 and v7 for the proxies' extended view,
	// which adds their thread count but makes the server contact each one.
	ProxyExtendedView bool
}

// Defaults of the collector settings.
const (
	DefaultSessionLookback = 72 * time.Hour
	// MaxFailedObjects bounds --collector.sessions.failed-objects like
	// unprotected_mailbox_series is bounded.
	MaxFailedObjects = config.MaxUnprotectedMailboxSeries
)

// DefaultCollectors is the set a default scrape runs.
func DefaultCollectors() Collectors {
	c := Collectors{enabled: map[string]bool{}, SessionLookback: DefaultSessionLookback}
	for _, b := range builtinCollectors {
		c.enabled[b.name] = true
	}
	for _, s := range scrapers {
		c.enabled[s.new(c).Name()] = s.on
	}
	return c
}

// Names lists every collector, the built-in ones first.
func Names() []string {
	var names []string
	for _, b := range builtinCollectors {
		names = append(names, b.name)
	}
	for _, s := range scrapers {
		names = append(names, s.new(Collectors{}).Name())
	}
	return names
}

// Enabled reports whether the named collector runs; protection needs jobs.
func (c Collectors) Enabled(name string) bool {
	if name == protectionCollector && !c.enabled[jobsCollector] {
		return false
	}
	return c.enabled[name]
}

// Only returns c running just the named collectors, settings kept. It
// panics on a name no collector has, which is a mistake in the caller.
func (c Collectors) Only(names ...string) Collectors {
	out := c
	out.enabled = map[string]bool{}
	for _, n := range names {
		if !slices.Contains(Names(), n) {
			panic(fmt.Sprintf("collector: no collector is named %q", n))
		}
		out.enabled[n] = true
	}
	return out
}

// Without returns c with the named collectors off.
func (c Collectors) Without(names ...string) Collectors {
	var keep []string
	for _, n := range Names() {
		if c.enabled[n] && !slices.Contains(names, n) {
			keep = append(keep, n)
		}
	}
	return c.Only(keep...)
}

// newScrapers builds a poller's own scrapers: a scraper such as sessions
// keeps state of one server across polls.
func (c Collectors) newScrapers() []Scraper {
	var out []Scraper
	for _, s := range scrapers {
		if sc := s.new(c); c.Enabled(sc.Name()) {
			out = append(out, sc)
		}
	}
	return out
}

// RegisterFlags adds --[no-]collector.<name> for every collector, and the
// collectors' settings, to app. The Collectors it returns hold the parsed
// flags once app.Parse succeeded.
func RegisterFlags(app *kingpin.Application) *Collectors {
	def := DefaultCollectors()
	on := map[string]*bool{}
	add := func(name, help string) {
		state := map[bool]string{true: "on", false: "off"}[def.enabled[name]]
		on[name] = app.Flag("collector."+name, help+" Default: "+state+".").Default(fmt.Sprint(def.enabled[name])).Bool()
	}
	for _, b := range builtinCollectors {
		add(b.name, b.help)
	}
	for _, s := range scrapers {
		sc := s.new(def)
		add(sc.Name(), sc.Help())
	}
	lookback := app.Flag("collector.sessions.lookback",
		"How far back the first reading of a server's job sessions goes; later readings start from the newest session seen. "+
			"A job whose last session is older shows no session series until it runs again.").
		Default("3d").Duration()
	failed := app.Flag("collector.sessions.failed-objects",
		fmt.Sprintf("Export up to this many objects (users, groups, sites, teams) that failed in each job's last session, on v7 and later, as vbo365_job_last_session_failed_object; 0 exports none, at most %d.", MaxFailedObjects)).
		Default("0").Int()
	extended := app.Flag("collector.proxies.extended-view",
		"On v6 and v7, read the proxies' extended view, which adds vbo365_proxy_threads but makes the server contact every proxy.").
		Default("false").Bool()

	out := &Collectors{}
	app.Action(func(*kingpin.ParseContext) error {
		if *lookback <= 0 {
			return fmt.Errorf("--collector.sessions.lookback must be positive, got %v", *lookback)
		}
		if *failed < 0 || *failed > MaxFailedObjects {
			return fmt.Errorf("--collector.sessions.failed-objects must be between 0 and %d, got %d", MaxFailedObjects, *failed)
		}
		*out = Collectors{enabled: map[string]bool{}, SessionLookback: *lookback, FailedObjects: *failed, ProxyExtendedView: *extended}
		for name, v := range on {
			out.enabled[name] = *v
		}
		return nil
	})
	return out
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

// metricList collects const metrics, leaving out values the API did not
// give rather than exporting them as 0.
type metricList []prometheus.Metric

func (l *metricList) gauge(d *prometheus.Desc, v float64, labels ...string) {
	*l = append(*l, prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...))
}

// timestamp adds t in Unix seconds, unless it is zero (unknown).
func (l *metricList) timestamp(d *prometheus.Desc, t time.Time, labels ...string) {
	if !t.IsZero() {
		l.gauge(d, float64(t.UnixNano())/1e9, labels...)
	}
}

// flag adds 1 or 0, unless b is nil (unknown).
func (l *metricList) flag(d *prometheus.Desc, b *bool, labels ...string) {
	if b != nil {
		l.gauge(d, boolValue(*b), labels...)
	}
}

// number adds *n, unless n is nil (unknown).
func (l *metricList) number(d *prometheus.Desc, n *int64, labels ...string) {
	if n != nil {
		l.gauge(d, float64(*n), labels...)
	}
}

// oneHot adds a series per known value, 1 for value and 0 for the others,
// so that an alert on a value that is 0 now still has data; a value the
// API documents nowhere gets a series of its own. Nothing is added for an
// empty value. The enum label is the last of d's.
func (l *metricList) oneHot(d *prometheus.Desc, known []string, value string, labels ...string) {
	if value == "" {
		return
	}
	for _, k := range known {
		l.gauge(d, boolValue(k == value), with(labels, k)...)
	}
	if !slices.Contains(known, value) {
		l.gauge(d, 1, with(labels, value)...)
	}
}

// with returns labels followed by extra, in a new slice: appending to
// labels itself could overwrite a caller's values.
func with(labels []string, extra ...string) []string {
	return append(append(make([]string, 0, len(labels)+len(extra)), labels...), extra...)
}

// runCollectors runs the enabled collectors of a poll that read the job
// list (jobs, which took listTook), concurrently: they share the client's
// request slots. A panic fails its collector only.
func (p *poller) runCollectors(ctx context.Context, res *ServerResult, jobs []vboapi.Job, listTook time.Duration) {
	t := &Target{Server: p.cfg.Name, Client: p.client, Version: res.APIVersion, PageSize: p.cfg.PageSize, ServerJobs: jobs, res: res,
		Logger: p.logger}
	for _, j := range res.Jobs {
		if j.Job != nil {
			t.Jobs = append(t.Jobs, TargetJob{ID: j.ID, Name: j.Name})
		}
	}
	if p.collectors.Enabled(jobsCollector) {
		res.Collectors = append(res.Collectors, &Result{Name: jobsCollector, Duration: listTook})
	}
	var wg sync.WaitGroup
	if p.collectors.Enabled(protectionCollector) {
		r := &Result{Name: protectionCollector}
		res.Collectors = append(res.Collectors, r)
		wg.Go(func() { p.runProtection(ctx, res, jobs, r) })
	}
	for _, s := range p.scrapers {
		r := &Result{Name: s.Name()}
		res.Collectors = append(res.Collectors, r)
		wg.Go(func() { runScraper(ctx, s, t, r) })
	}
	wg.Wait()
	p.logCollectors(res)
}

// runProtection computes the jobs' figures into res.Jobs; it succeeds when
// every job has figures.
func (p *poller) runProtection(ctx context.Context, res *ServerResult, jobs []vboapi.Job, r *Result) {
	start := time.Now()
	defer func() {
		if v := recover(); v != nil {
			err := fmt.Errorf("internal error: %v", v)
			for _, j := range res.Jobs {
				if !j.Success && j.Err == nil {
					j.Err = err
				}
			}
		}
		r.Duration = time.Since(start)
		r.Err = jobsWithoutFigures(res.Jobs)
	}()
	if res.APIVersion.Modern() {
		p.protectModern(ctx, res, jobs)
	} else {
		p.protectV1(ctx, res)
	}
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

func runScraper(ctx context.Context, s Scraper, t *Target, r *Result) {
	start := time.Now()
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
