package config

import (
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// SafeConfig holds the running config and reports reload health, so a bad
// edit followed by SIGHUP keeps the exporter on the last good config while
// an alert on the gauge tells someone to fix the file.
type SafeConfig struct {
	reloadMu sync.Mutex // serialises Reload so an older file cannot win a race
	mu       sync.RWMutex
	cfg      *Config

	successful prometheus.Gauge
	lastOK     prometheus.Gauge
}

// NewSafeConfig registers the reload gauges with reg; a nil reg skips
// registration, which is handy in tests that build several instances.
func NewSafeConfig(reg prometheus.Registerer) *SafeConfig {
	sc := &SafeConfig{
		successful: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "vbo365_exporter_config_last_reload_successful",
			Help: "Whether the last configuration reload attempt was successful (1) or not (0).",
		}),
		lastOK: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "vbo365_exporter_config_last_reload_success_timestamp_seconds",
			Help: "Timestamp of the last successful configuration reload.",
		}),
	}
	if reg != nil {
		reg.MustRegister(sc.successful, sc.lastOK)
	}
	return sc
}

// Reload loads path and publishes it. Each apply hook (e.g. the collector
// building clients for changed servers) runs first with the new config; if
// loading or any hook fails, the previous config stays in place, the
// success gauge drops to 0 and the error is returned for logging.
func (sc *SafeConfig) Reload(path string, apply ...func(*Config) error) error {
	sc.reloadMu.Lock()
	defer sc.reloadMu.Unlock()

	cfg, err := Load(path)
	for _, f := range apply {
		if err != nil {
			break
		}
		err = f(cfg)
	}
	if err != nil {
		sc.successful.Set(0)
		return err
	}
	sc.mu.Lock()
	sc.cfg = cfg
	sc.mu.Unlock()
	sc.successful.Set(1)
	sc.lastOK.Set(float64(time.Now().UnixNano()) / 1e9)
	return nil
}

// Get returns the current config, or nil before the first successful
// Reload. The value is shared and must not be modified.
func (sc *SafeConfig) Get() *Config {
	sc.mu.RLock()
	defer sc.mu.RUnlock()
	return sc.cfg
}
