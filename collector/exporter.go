package collector

import (
	"context"
	"fmt"
	"net"
	"sync"
	"time"

	"github.com/go-kit/log"
	promconfig "github.com/prometheus/common/config"

	"github.com/vbo365-exporter/vbo365_exporter/config"
	"github.com/vbo365-exporter/vbo365_exporter/poll"
	"github.com/vbo365-exporter/vbo365_exporter/protection"
	"github.com/vbo365-exporter/vbo365_exporter/vboapi"
)

// Exporter holds the state that outlives a scrape: one poller per server.
type Exporter struct {
	logger    log.Logger
	metrics   *vboapi.Metrics
	userAgent string

	mu      sync.RWMutex
	pollers []*server // in config order, so output and logs are stable

	// dial replaces the clients' dialer; tests set it to reach an
	// in-memory server. nil dials the network.
	dial func(ctx context.Context, network, addr string) (net.Conn, error)

	collectors Collectors // what every server's polls run
}

// server is one configured server: its poller, and the collectors its
// polls run.
type server struct {
	*poll.Poller
	run *runner
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
	old := make(map[string]*server, len(e.pollers))
	for _, p := range e.pollers {
		old[p.Config().Name] = p
	}
	e.mu.RUnlock()

	next := make([]*server, 0, len(cfg.Servers))
	kept := map[string]bool{}
	for i := range cfg.Servers {
		s := &cfg.Servers[i]
		if p, ok := old[s.Name]; ok && p.Config().Equal(s) {
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
				if !kept[p.Config().Name] {
					p.Close()
				}
			}
			return fmt.Errorf("server %q: %w", s.Name, err)
		}
		run := newRunner(s.Name, client, s.PageSize, logger, e.collectors)
		next = append(next, &server{Poller: poll.New(*s, client, memory, logger, run), run: run})
	}

	e.mu.Lock()
	e.pollers = next
	e.mu.Unlock()

	current := map[string]bool{}
	for _, p := range next {
		current[p.Config().Name] = true
	}
	for name, p := range old {
		if !kept[name] {
			p.Close()
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
		p.Close()
	}
	e.pollers = nil
}

// Poll polls every server in parallel (or reuses a shared or recent poll, see
// poll.Poller.Poll) and returns the results in config order.
func (e *Exporter) Poll(ctx context.Context) []*poll.ServerResult {
	e.mu.RLock()
	pollers := append([]*server(nil), e.pollers...)
	e.mu.RUnlock()
	results := make([]*poll.ServerResult, len(pollers))
	var wg sync.WaitGroup
	for i, p := range pollers {
		wg.Go(func() { results[i] = p.Poll(ctx) })
	}
	wg.Wait()
	return results
}

// LastResults returns each server's last complete poll without polling, for
// pages that show the state; servers never polled are left out.
func (e *Exporter) LastResults() []*poll.ServerResult {
	e.mu.RLock()
	defer e.mu.RUnlock()
	var out []*poll.ServerResult
	for _, p := range e.pollers {
		if r := p.Last(); r != nil {
			out = append(out, r)
		}
	}
	return out
}
