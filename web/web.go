// Package web serves the exporter's HTTP endpoints: the telemetry path
// (/metrics), /probe, /sd, /-/reload, /-/healthy, /-/ready and the landing
// page with the status table. main builds the exporter and the config and
// hands them here; this package owns the paths, the answers and their
// status codes, so that they can be tested without starting a process.
package web

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/go-kit/log"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/prometheus/common/version"
	toolkit "github.com/prometheus/exporter-toolkit/web"

	"github.com/vbo365-exporter/vbo365_exporter/collector"
	"github.com/vbo365-exporter/vbo365_exporter/config"
	"github.com/vbo365-exporter/vbo365_exporter/statuspage"
)

// The fleet endpoints. Their paths are fixed, as blackbox_exporter's
// /probe is, so that the documented Prometheus configs work unchanged.
const (
	probePath = "/probe"
	sdPath    = "/sd"
)

// ErrPathTaken is why New refuses a MetricsPath that another endpoint
// already has: it is a bad flag, which main reports as it does a flag
// that does not parse, rather than the panic ServeMux would raise.
var ErrPathTaken = errors.New("taken by the endpoint of that name")

// Options is what the endpoints need from main.
type Options struct {
	// Exporter polls the servers for the telemetry path and /probe, and
	// keeps the last results that the landing page shows.
	Exporter *collector.Exporter
	// Own gathers the exporter's own metrics (Go, process, build and API
	// request metrics), which the telemetry path serves after the poll.
	Own prometheus.Gatherer
	// Config is the running configuration; /sd reads it on every request
	// so that its list follows reloads.
	Config func() *config.Config
	// Logger receives the errors of encoding an answer and, at debug
	// level, the probes refused for an unknown target.
	Logger log.Logger
	// MetricsPath is where the telemetry path is served (--web.telemetry-path).
	MetricsPath string
	// Servers makes the telemetry path poll every server; without it,
	// only Own is served there and the servers are read through /probe.
	Servers bool
	// TimeoutOffset and DefaultTimeout shape each scrape's deadline: see
	// scrapeTimeout.
	TimeoutOffset, DefaultTimeout time.Duration
	// Reloads receives one channel per POST /-/reload; the reload's
	// outcome sent on it is the answer. main serialises reloads, from
	// SIGHUP too, by reading them in one loop.
	Reloads chan<- chan error
}

// New returns the exporter's endpoints. Its error wraps ErrPathTaken when
// MetricsPath collides with another endpoint.
func New(o Options) (http.Handler, error) {
	if o.MetricsPath == probePath || o.MetricsPath == sdPath {
		return nil, fmt.Errorf("--web.telemetry-path=%s is %w; choose another path", o.MetricsPath, ErrPathTaken)
	}
	mux := http.NewServeMux()
	if o.Servers {
		mux.Handle(o.MetricsPath, metricsHandler(o))
	} else {
		mux.Handle(o.MetricsPath, promhttp.HandlerFor(o.Own, handlerOpts(o.Logger)))
	}
	mux.Handle(probePath, probeHandler(o))
	mux.Handle(sdPath, sdHandler(o.Config, o.Logger))
	mux.HandleFunc("/-/healthy", func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("Healthy\n")) })
	mux.HandleFunc("/-/ready", func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("Ready\n")) })
	mux.HandleFunc("/-/reload", reloadHandler(o.Reloads))
	// Metrics at / leave no room for the page.
	if o.MetricsPath != "/" {
		status, err := landingPage(o.MetricsPath, o.Exporter)
		if err != nil {
			return nil, fmt.Errorf("cannot build the landing page: %w", err)
		}
		mux.Handle("/", status)
	}
	return mux, nil
}

// reloadHandler asks the reload loop to reload and reports its outcome.
func reloadHandler(requests chan<- chan error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			http.Error(w, "This endpoint requires a POST request.", http.StatusMethodNotAllowed)
			return
		}
		done := make(chan error)
		select {
		case requests <- done:
		case <-r.Context().Done():
			return
		}
		if err := <-done; err != nil {
			http.Error(w, fmt.Sprintf("failed to reload config: %s", err), http.StatusInternalServerError)
			return
		}
		fmt.Fprintln(w, "config reloaded")
	}
}

// landingPage is the page at /: the exporter's links and the status table
// of the last poll.
func landingPage(metricsPath string, exporter *collector.Exporter) (http.Handler, error) {
	return statuspage.New(toolkit.LandingConfig{
		Name:        "VBO365 Exporter",
		Description: "Prometheus exporter for Veeam Backup for Microsoft 365 backup jobs",
		Version:     version.Info(),
		Profiling:   "false", // no pprof endpoints are served
		Links: []toolkit.LandingLinks{
			{Address: metricsPath, Text: "Metrics"},
			{Address: sdPath, Text: "Service discovery (targets for /probe)"},
			{Address: "/-/healthy", Text: "Health"},
		},
	}, exporter.LastResults)
}
