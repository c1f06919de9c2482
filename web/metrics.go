package web

import (
	"context"
	stdlog "log"
	"net/http"
	"strconv"
	"time"

	"github.com/go-kit/log"
	"github.com/go-kit/log/level"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metricsHandler serves the exporter's own metrics together with a fresh
// poll of every server, bound to the scrape's deadline.
func metricsHandler(o Options) http.Handler {
	opts := handlerOpts(o.Logger)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		timeout := scrapeTimeout(r.Header.Get("X-Prometheus-Scrape-Timeout-Seconds"), o.TimeoutOffset, o.DefaultTimeout)
		ctx, cancel := context.WithTimeout(r.Context(), timeout)
		defer cancel()
		scrapeRegistry := prometheus.NewRegistry()
		scrapeRegistry.MustRegister(o.Exporter.Collector(ctx))
		// The poll runs while scrapeRegistry is gathered; gathering Own
		// after it puts this poll's requests into this answer.
		promhttp.HandlerFor(prometheus.Gatherers{scrapeRegistry, o.Own}, opts).ServeHTTP(w, r)
	})
}

// handlerOpts are the promhttp options of every endpoint that serves
// metrics.
func handlerOpts(logger log.Logger) promhttp.HandlerOpts {
	return promhttp.HandlerOpts{
		ErrorLog: stdlog.New(log.NewStdlibAdapter(level.Error(logger)), "", 0),
		// A broken series must not turn the whole answer into a 500 and
		// hide every other server's and job's metrics.
		ErrorHandling: promhttp.ContinueOnError,
	}
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
