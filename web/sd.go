package web

import (
	"net/http"

	"github.com/go-json-experiment/json"
	"github.com/go-kit/log"
	"github.com/go-kit/log/level"

	"github.com/vbo365-exporter/vbo365_exporter/config"
)

// Labels of every target /sd lists. Prometheus drops __meta_ labels after
// relabelling, so they cost nothing unless a relabel rule keeps one.
const (
	sdLabelServer     = "__meta_vbo365_server"       // the server's name, as in the server label
	sdLabelAPIVersion = "__meta_vbo365_api_version"  // api_version as configured: auto, v1, v6, v7 or v8
	sdLabelHost       = "__meta_vbo365_url_host"     // host[:port] of the configured URL
	sdLabelHostname   = "__meta_vbo365_url_hostname" // the same without the port, to join with metrics of the VBO host itself
)

// sdGroup is one target group of Prometheus' HTTP service discovery.
type sdGroup struct {
	Targets []string          `json:"targets"`
	Labels  map[string]string `json:"labels"`
}

// sdHandler serves the configured servers in Prometheus' HTTP service
// discovery format, one group per server with its name as the target, so
// that http_sd_configs turns each into a /probe target. current is read on
// every request, so the list follows config reloads. Nothing secret is
// listed: no username, password, password_file or token.
func sdHandler(current func() *config.Config, logger log.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		// Deterministic: labels in the same order on every request.
		body, err := json.Marshal(sdGroups(current()), json.Deterministic(true))
		if err != nil {
			level.Error(logger).Log("msg", "cannot encode the service discovery list", "err", err)
			http.Error(w, "internal error: cannot encode the target list", http.StatusInternalServerError)
			return
		}
		// Prometheus accepts nothing but application/json here.
		w.Header().Set("Content-Type", "application/json")
		w.Write(append(body, '\n'))
	})
}

// sdGroups lists cfg's servers in config order; no config (before the
// first load) is an empty list, which Prometheus reads as no targets.
func sdGroups(cfg *config.Config) []sdGroup {
	groups := []sdGroup{} // [] rather than null, which is no list
	if cfg == nil {
		return groups
	}
	for _, s := range cfg.Servers {
		labels := map[string]string{
			sdLabelServer:     s.Name,
			sdLabelAPIVersion: s.APIVersion,
		}
		if s.URL.URL != nil {
			labels[sdLabelHost] = s.URL.Host
			labels[sdLabelHostname] = s.URL.Hostname()
		}
		groups = append(groups, sdGroup{Targets: []string{s.Name}, Labels: labels})
	}
	return groups
}
