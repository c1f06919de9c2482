package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"github.com/go-kit/log/level"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// maxEchoedTarget bounds how much of a refused target a 400 answer and the
// debug log repeat: enough to spot a typo, never a whole pasted document.
const maxEchoedTarget = 128

// probeHandler serves /probe?target=<server name>: a fresh poll of that one
// configured server (or its shared or recent one, as for /metrics), bound
// to this scrape's deadline. The target is looked up among the configured
// server names and never used as an address, so a scrape request cannot
// make the exporter connect, or send a password, anywhere the config does
// not name.
func probeHandler(o Options) http.Handler {
	opts := handlerOpts(o.Logger)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name, err := probeTarget(r.URL.RawQuery)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		timeout := scrapeTimeout(r.Header.Get("X-Prometheus-Scrape-Timeout-Seconds"), o.TimeoutOffset, o.DefaultTimeout)
		ctx, cancel := context.WithTimeout(r.Context(), timeout)
		defer cancel()
		c, ok := o.Exporter.ProbeCollector(ctx, name)
		if !ok {
			level.Debug(o.Logger).Log("msg", "probe of a target that is not a configured server", "target", echoTarget(name))
			http.Error(w, fmt.Sprintf("unknown target %s: the target must be the name of a server in the exporter's configuration (%s lists them), not an address", echoTarget(name), sdPath), http.StatusBadRequest)
			return
		}
		reg := prometheus.NewRegistry()
		if err := reg.Register(c); err != nil {
			level.Error(o.Logger).Log("msg", "cannot register the probe's collector", "err", err)
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
