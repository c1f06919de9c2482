package collector

import (
	"fmt"
	"slices"
	"time"

	"github.com/alecthomas/kingpin/v2"

	"github.com/vbo365-exporter/vbo365_exporter/config"
)

// The collectors the poll itself depends on: the job list decides vbo365_up
// and labels every per-job series, so it is read even with jobs off; the
// protection figures are per job, and need jobs.
const (
	jobsCollector       = "jobs"
	protectionCollector = "protection"
)

// scrapers are the collectors in output order, with whether each is on by
// default; see docs/collectors.md for the reasons.
var scrapers = []struct {
	on  bool
	new func(Collectors) Scraper
}{
	{true, func(Collectors) Scraper { return jobsScraper{} }},
	{true, func(Collectors) Scraper { return protectionScraper{} }},
	{true, newSessionsScraper},
	{true, func(Collectors) Scraper { return licenseScraper{} }},
	{true, func(Collectors) Scraper { return repositoriesScraper{} }},
	{true, func(c Collectors) Scraper { return proxiesScraper{extendedView: c.ProxyExtendedView} }},
	{true, func(Collectors) Scraper { return healthScraper{} }},
	{true, newOrganizationsScraper},
	{true, func(Collectors) Scraper { return copyJobsScraper{} }},
	{true, newRestoresScraper},
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
	// RestoreOverlap is how far before the newest restore session seen
	// (and, the first time, before the exporter's start) a reading of the
	// restore sessions starts.
	RestoreOverlap time.Duration
	// RestoreInitiators caps the distinct initiated_by values of a
	// server's restore series; later initiators count as "other".
	RestoreInitiators int
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
	c := Collectors{enabled: map[string]bool{}, SessionLookback: DefaultSessionLookback,
		RestoreOverlap: DefaultRestoreOverlap, RestoreInitiators: DefaultRestoreInitiators}
	for _, s := range scrapers {
		c.enabled[s.new(c).Name()] = s.on
	}
	return c
}

// Names lists every collector, in output order.
func Names() []string {
	var names []string
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

	overlap, initiators := restoreFlags(app)
	out := &Collectors{}
	app.Action(func(*kingpin.ParseContext) error {
		if *lookback <= 0 {
			return fmt.Errorf("--collector.sessions.lookback must be positive, got %v", *lookback)
		}
		if *failed < 0 || *failed > MaxFailedObjects {
			return fmt.Errorf("--collector.sessions.failed-objects must be between 0 and %d, got %d", MaxFailedObjects, *failed)
		}
		if *overlap <= 0 || *initiators < 0 {
			return fmt.Errorf("--collector.restores.overlap must be positive and --collector.restores.initiators not negative, got %v and %d", *overlap, *initiators)
		}
		*out = Collectors{enabled: map[string]bool{}, SessionLookback: *lookback, FailedObjects: *failed, ProxyExtendedView: *extended,
			RestoreOverlap: *overlap, RestoreInitiators: *initiators}
		for name, v := range on {
			out.enabled[name] = *v
		}
		return nil
	})
	return out
}

// restoreFlags adds the restores collector's settings to app.
func restoreFlags(app *kingpin.Application) (overlap *time.Duration, initiators *int) {
	overlap = app.Flag("collector.restores.overlap",
		"How far before the exporter's start the first reading of the restore sessions goes, and how far before the newest session seen later readings go. "+
			"Sessions that ended before the exporter started are never counted.").
		Default(DefaultRestoreOverlap.String()).Duration()
	initiators = app.Flag("collector.restores.initiators",
		"Distinct initiated_by values of a server's restore series; sessions of later initiators count as initiated_by=\"other\" and in vbo365_restore_initiators_folded_total.").
		Default(fmt.Sprint(DefaultRestoreInitiators)).Int()
	return overlap, initiators
}
