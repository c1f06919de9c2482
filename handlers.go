package main

import (
	"context"
	"fmt"
	stdlog "log"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"github.com/go-kit/log"
	"github.com/go-kit/log/level"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/prometheus/common/version"
	"github.com/prometheus/exporter-toolkit/web"

	"github.com/vbo365-exporter/vbo365_exporter/collector"
	"github.com/vbo365-exporter/vbo365_exporter/config"
	"github.com/vbo365-exporter/vbo365_exporter/statuspage"
)

// metricsHandler serves the exporter's own metrics together with a fresh
// poll of every server, bound to the scrape's deadline.
func metricsHandler(exporter *collector.Exporter, own *prometheus.Registry, logger log.Logger, offset, fallback time.Duration) http.Handler {
	opts := promhttp.HandlerOpts{
		ErrorLog: stdlog.New(log.NewStdlibAdapter(level.Error(logger)), "", 0),
		// A broken series must not turn the whole answer into a 500 and
		// hide every other server's and job's metrics.
		ErrorHandling: promhttp.ContinueOnError,
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		timeout := scrapeTimeout(r.Header.Get("X-Prometheus-Scrape-Timeout-Seconds"), offset, fallback)
		ctx, cancel := context.WithTimeout(r.Context(), timeout)
		defer cancel()
		scrapeRegistry := prometheus.NewRegistry()
		scrapeRegistry.MustRegister(exporter.Collector(ctx))
		// The poll runs while scrapeRegistry is gathered; gathering own after
		// it puts this poll's requests into this answer.
		promhttp.HandlerFor(prometheus.Gatherers{scrapeRegistry, own}, opts).ServeHTTP(w, r)
	})
}

// scrapeTimeout is Prometheus' timeout minus offset, so the answer arrives
// before Prometheus stops waiting; when the offset would eat the whole
// timeout, a tenth of the timeout is left rather than nothing.
func scrapeTimeout(header string, offset, fallback time.Duration) time.Duration {
	seconds, err := strconv.ParseFloat(header, 64)
	if err != nil || seconds <= 0 {
		return fallback
	}
	timeout := time.Duration(seconds * float64(time.Second))
	if timeout-offset <= timeout/10 {
		return timeout / 10
	}
	return timeout - offset
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

// reloadLoop serialises reloads from SIGHUP and from /-/reload.
func reloadLoop(ctx context.Context, logger log.Logger, file string, sc *config.SafeConfig, exporter *collector.Exporter, requests <-chan chan error) {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	reload := func() error {
		err := sc.Reload(file, exporter.ApplyConfig)
		if err != nil {
			level.Error(logger).Log("msg", "reload failed; keeping the running configuration", "file", file, "err", err)
		} else {
			level.Info(logger).Log("msg", "reloaded the configuration", "file", file, "servers", len(sc.Get().Servers))
		}
		return err
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-hup:
			_ = reload()
		case done := <-requests:
			done <- reload()
		}
	}
}

// landingPage is the page at /: the exporter's links and the status table
// of the last poll.
func landingPage(metricsPath string, exporter *collector.Exporter) (http.Handler, error) {
	return statuspage.New(web.LandingConfig{
		Name:        "VBO365 Exporter",
		Description: "Prometheus exporter for Veeam Backup for Microsoft 365 backup jobs",
		Version:     version.Info(),
		Profiling:   "false", // no pprof endpoints are served
		Links: []web.LandingLinks{
			{Address: metricsPath, Text: "Metrics"},
			{Address: sdPath, Text: "Service discovery (targets for /probe)"},
			{Address: "/-/healthy", Text: "Health"},
		},
	}, exporter.LastResults)
}
