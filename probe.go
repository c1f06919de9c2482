package main

import (
	"context"
	"errors"
	"fmt"
	stdlog "log"
	"net/http"
	"net/url"
	"time"

	"github.com/go-kit/log"
	"github.com/go-kit/log/level"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/vbo365-exporter/vbo365_exporter/collector"
	"github.com/vbo365-exporter/vbo365_exporter/config"
)

// The fleet endpoints. Their paths are fixed, as blackbox_exporter's
// /probe is, so that the documented Prometheus configs work unchanged.
const (
	probePath = "/probe"
	sdPath    = "/sd"
)

// maxEchoedTarget bounds how much of a refused target a 400 answer and the
// debug log repeat: enough to spot a typo, never a whole pasted document.
const maxEchoedTarget = 128

// scrapeHandlers is what the scrape endpoints need from main.
type scrapeHandlers struct {
	exporter *collector.Exporter
	own      *prometheus.Registry // the exporter's own metrics
	config   func() *config.Config
	logger   log.Logger
	// metricsPath serves every server's series when servers is true,
	// only the exporter's own metrics otherwise.
	metricsPath string
	servers     bool
	// offset and fallback shape each scrape's deadline: see scrapeTimeout.
	offset, fallback time.Duration
}

// register adds /metrics (or whatever metricsPath is), /probe and /sd to
// mux. It refuses a metricsPath that would shadow one of the others,
// which ServeMux would otherwise answer with a panic.
func (h scrapeHandlers) register(mux *http.ServeMux) error {
	if h.metricsPath == probePath || h.metricsPath == sdPath {
		return fmt.Errorf("--web.telemetry-path=%s is taken by the endpoint of that name; choose another path", h.metricsPath)
	}
	if h.servers {
		mux.Handle(h.metricsPath, metricsHandler(h.exporter, h.own, h.logger, h.offset, h.fallback))
	} else {
		mux.Handle(h.metricsPath, promhttp.HandlerFor(h.own, scrapeHandlerOpts(h.logger)))
	}
	mux.Handle(probePath, probeHandler(h.exporter, h.logger, h.offset, h.fallback))
	mux.Handle(sdPath, sdHandler(h.config, h.logger))
	return nil
}

// scrapeHandlerOpts are metricsHandler's promhttp options, for the
// handlers that serve only part of its answer.
func scrapeHandlerOpts(logger log.Logger) promhttp.HandlerOpts {
	return promhttp.HandlerOpts{
		ErrorLog: stdlog.New(log.NewStdlibAdapter(level.Error(logger)), "", 0),
		// As for /metrics: one broken series must not hide the others.
		ErrorHandling: promhttp.ContinueOnError,
	}
}

// probeHandler serves /probe?target=<server name>: a fresh poll of that one
// configured server (or its shared or recent one, as for /metrics), bound
// to this scrape's deadline. The target is looked up among the configured
// server names and never used as an address, so a scrape request cannot
// make the exporter connect, or send a password, anywhere the config does
// not name.
func probeHandler(exporter *collector.Exporter, logger log.Logger, offset, fallback time.Duration) http.Handler {
	opts := scrapeHandlerOpts(logger)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name, err := probeTarget(r.URL.RawQuery)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		timeout := scrapeTimeout(r.Header.Get("X-Prometheus-Scrape-Timeout-Seconds"), offset, fallback)
		ctx, cancel := context.WithTimeout(r.Context(), timeout)
		defer cancel()
		c, ok := exporter.ProbeCollector(ctx, name)
		if !ok {
			level.Debug(logger).Log("msg", "probe of a target that is not a configured server", "target", echoTarget(name))
			http.Error(w, fmt.Sprintf("unknown target %s: the target must be the name of a server in the exporter's configuration (%s lists them), not an address", echoTarget(name), sdPath), http.StatusBadRequest)
			return
		}
		reg := prometheus.NewRegistry()
		if err := reg.Register(c); err != nil {
			level.Error(logger).Log("msg", "cannot register the probe's collector", "err", err)
			http.Error(w, "internal error: the probe's metrics are inconsistent", http.StatusInternalServerError)
			return
		}
		promhttp.HandlerFor(reg, opts).ServeHTTP(w, r)
	})
}

// probeTarget is the one target parameter of a probe's query string.
func probeTarget(rawQuery string) (string, error) {
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		return "", errors.New("malformed query string: want /probe?target=<server name>")
	}
	switch targets := q["target"]; len(targets) {
	case 0:
		return "", errors.New("missing target parameter: want /probe?target=<server name>, the name of a server in the exporter's configuration")
	case 1:
		return targets[0], nil
	default:
		return "", fmt.Errorf("%d target parameters: a probe polls one server, give exactly one", len(targets))
	}
}

// echoTarget quotes a refused target for a message: Go quoting escapes
// control characters, so the value cannot forge log lines or headers, and
// a long value is cut short.
func echoTarget(name string) string {
	if len(name) > maxEchoedTarget {
		return fmt.Sprintf("%q… (%d bytes)", name[:maxEchoedTarget], len(name))
	}
	return fmt.Sprintf("%q", name)
}
