package collector

import (
	"context"
	"fmt"
	"net"
	"sync"
	"time"

	"github.com/go-kit/log"
	"github.com/go-kit/log/level"
	promconfig "github.com/prometheus/common/config"

	"github.com/vbo365-exporter/vbo365_exporter/config"
	"github.com/vbo365-exporter/vbo365_exporter/protection"
	"github.com/vbo365-exporter/vbo365_exporter/vboapi"
)

// Exporter holds the state that outlives a scrape: one poller per server.
type Exporter struct {
	logger    log.Logger
	metrics   *vboapi.Metrics
	userAgent string

	mu      sync.RWMutex
	pollers []*poller // in config order, so output and logs are stable

	// dial replaces the clients' dialer; tests set it to reach an
	// in-memory server. nil dials the network.
	dial func(ctx context.Context, network, addr string) (net.Conn, error)

	collectors Collectors // what every server's polls run
}

// Option changes how New builds an Exporter.
type Option func(*Exporter)

// WithCollectors makes the Exporter run the collectors of c instead of
// DefaultCollectors.
func WithCollectors(c Collectors) Option {
	return func(e *Exporter) { e.collectors = c }
}

// New returns an Exporter with no servers; call ApplyConfig before scraping.
// apiMetrics may be nil.
func New(logger log.Logger, apiMetrics *vboapi.Metrics, userAgent string, opts ...Option) *Exporter {
	e := &Exporter{logger: logger, metrics: apiMetrics, userAgent: userAgent, collectors: DefaultCollectors()}
	for _, o := range opts {
		o(e)
	}
	return e
}

// ApplyConfig switches to cfg. Servers whose settings did not change keep
// their poller, and with it their token and last result; the others get a
// new one. It fails without changing anything if a client cannot be built.
func (e *Exporter) ApplyConfig(cfg *config.Config) error {
	e.mu.RLock()
	old := make(map[string]*poller, len(e.pollers))
	for _, p := range e.pollers {
		old[p.cfg.Name] = p
	}
	e.mu.RUnlock()

	next := make([]*poller, 0, len(cfg.Servers))
	kept := map[string]bool{}
	for i := range cfg.Servers {
		s := &cfg.Servers[i]
		if p, ok := old[s.Name]; ok && p.cfg.Equal(s) {
			next = append(next, p)
			kept[s.Name] = true
			continue
		}
		// The one place a server's name joins its log lines: the client and
		// the poller log through this logger and add no "server" key of their own.
		logger := log.With(e.logger, "server", s.Name)
		memory := new(protection.Memory)
		client, err := e.newClient(s, logger, &memory.Lengths)
		if err != nil {
			for _, p := range next {
				if !kept[p.cfg.Name] {
					p.close()
				}
			}
			return fmt.Errorf("server %q: %w", s.Name, err)
		}
		next = append(next, newPoller(*s, client, memory, logger, e.collectors))
	}

	e.mu.Lock()
	e.pollers = next
	e.mu.Unlock()

	current := map[string]bool{}
	for _, p := range next {
		current[p.cfg.Name] = true
	}
	for name, p := range old {
		if !kept[name] {
			p.close()
		}
		if !current[name] {
			e.metrics.Forget(name)
		}
	}
	return nil
}

func (e *Exporter) newClient(s *config.Server, logger log.Logger, lengths *vboapi.ListLengths) (*vboapi.Client, error) {
	tlsConfig, err := promconfig.NewTLSConfig(&s.TLSConfig)
	if err != nil {
		return nil, fmt.Errorf("tls_config: %w", err)
	}
	version, err := vboapi.ParseVersion(s.APIVersion)
	if err != nil {
		return nil, fmt.Errorf("api_version: %w", err)
	}
	return vboapi.New(vboapi.Options{
		Server:           s.Name,
		APIVersion:       version,
		BaseURL:          s.URL.URL,
		Username:         s.Username,
		Password:         s.PasswordValue(),
		TLSConfig:        tlsConfig,
		RequestTimeout:   time.Duration(s.RequestTimeout),
		MaxConcurrent:    s.MaxConcurrentRequests,
		MaxResponseBytes: s.MaxResponseBytes,
		UserAgent:        e.userAgent,
		Logger:           logger,
		Metrics:          e.metrics,
		Dial:             e.dial,
		Lengths:          lengths,
	})
}

// Close releases every server's idle connections.
func (e *Exporter) Close() {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, p := range e.pollers {
		p.close()
	}
	e.pollers = nil
}

// Poll polls every server in parallel (or reuses a shared or recent poll, see
// poller.poll) and returns the results in config order.
func (e *Exporter) Poll(ctx context.Context) []*ServerResult {
	e.mu.RLock()
	pollers := append([]*poller(nil), e.pollers...)
	e.mu.RUnlock()
	results := make([]*ServerResult, len(pollers))
	var wg sync.WaitGroup
	for i, p := range pollers {
		wg.Go(func() { results[i] = p.poll(ctx) })
	}
	wg.Wait()
	return results
}

// LastResults returns each server's last complete poll without polling, for
// pages that show the state; servers never polled are left out.
func (e *Exporter) LastResults() []*ServerResult {
	e.mu.RLock()
	defer e.mu.RUnlock()
	var out []*ServerResult
	for _, p := range e.pollers {
		if r := p.lastResult(); r != nil {
			out = append(out, r)
		}
	}
	return out
}

// logJob writes the one log line a job's poll is worth, if any.
func logJob(logger log.Logger, j *JobResult) {
	l := log.With(logger, "job_id", j.ID, "job_name", j.Name)
	if j.Err != nil {
		level.Error(l).Log("msg", "job not scraped; its counts are left out", "err", j.Err)
		return
	}
	c := &j.Figures
	if c.Unrecognized > 0 {
		level.Warn(l).Log("msg", "isBackedUp values that are neither true nor false were counted as not backed up",
			"mailboxes", c.Unrecognized, "example", c.UnrecognizedExample)
	}
	if c.Duplicates > 0 {
		level.Info(l).Log("msg", "the API served some mailboxes more than once; each was counted once", "duplicates", c.Duplicates)
	}
	if c.NullFlagItems > 0 {
		level.Warn(l).Log("msg", "job items with a flag sent as null were read as false: a selection that adds nothing, an exclusion that removes nothing",
			"items", c.NullFlagItems)
	}
	if c.Unresolved > 0 {
		level.Warn(l).Log("msg", "group members that match no user of the organization, or nested groups not found, were counted as not backed up",
			"unresolved", c.Unresolved)
	}
	logWorkloads(l, j)
}
