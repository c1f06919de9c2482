package collector

import (
	"context"

	"github.com/go-kit/log"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/vbo365-exporter/vbo365_exporter/poll"
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
	// res is the poll's result: the jobs and protection scrapers report on
	// its jobs, and the license, repositories and proxies scrapers keep a
	// typed copy of what they read there (each its own field, so they may
	// run at once); nil outside a poll.
	res *poll.ServerResult
	// protect computes res's job figures: the poller owns that work, as
	// its background refresh outlives a poll; nil outside a poll.
	protect func(context.Context)
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
