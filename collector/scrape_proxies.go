package collector

import (
	"context"

	"github.com/prometheus/client_golang/prometheus"
)

var proxyLabels = []string{"server", "proxy_id", "proxy_name"}

var (
	proxyOnlineDesc = newDesc("proxy_online",
		"v6 and later: 1 if the server last saw the backup proxy online (status Online), else 0.", proxyLabels)
	proxyMaintenanceDesc = newDesc("proxy_maintenance_mode",
		"v8: 1 for the proxy's maintenance mode state (Disabled, Enabling or Enabled), 0 for the others.", proxyLabels, "state")
	proxyThreadsDesc = newDesc("proxy_threads",
		"v6 and v7 with --collector.proxies.extended-view: processing threads of the proxy (threadsNumber); absent for a proxy that does not answer.", proxyLabels)
	proxyCPUDesc = newDesc("proxy_cpu_usage_ratio",
		"v8: CPU usage of the proxy's machine, 0 to 1 (cpuUsagePercent / 100); absent when the proxy does not answer.", proxyLabels)
	proxyMemoryDesc = newDesc("proxy_memory_usage_ratio",
		"v8: memory usage of the proxy's machine, 0 to 1 (memoryUsagePercent / 100); absent when the proxy does not answer.", proxyLabels)
	proxyInfoDesc = newDesc("proxy_info",
		"v6 and later: descriptive facts about the proxy, as labels; fqdn is empty on v6, version, operating_system and proxy_pool_id but on v8. The value is always 1.",
		proxyLabels, "fqdn", "version", "operating_system", "proxy_pool_id")
)

var knownMaintenanceStates = []string{"Disabled", "Enabling", "Enabled"}

// proxiesScraper reads the backup proxies: one list.
type proxiesScraper struct {
	extendedView bool
}

func (proxiesScraper) Name() string { return "proxies" }

func (proxiesScraper) Help() string {
	return "v6 and later: each backup proxy's online state, maintenance mode, CPU and memory use (v8) and thread count " +
		"(v6 and v7, see --collector.proxies.extended-view)."
}

func (proxiesScraper) Descs() []*prometheus.Desc {
	return []*prometheus.Desc{proxyOnlineDesc, proxyMaintenanceDesc, proxyThreadsDesc, proxyCPUDesc, proxyMemoryDesc, proxyInfoDesc}
}

func (s proxiesScraper) Scrape(ctx context.Context, t *Target) ([]prometheus.Metric, error) {
	proxies, err := t.Client.Proxies(ctx, s.extendedView)
	if err != nil {
		return nil, err
	}
	var out metricList
	for _, p := range proxies {
		labels := []string{t.Server, p.ID, p.HostName}
		if p.Status != "" { // a null status is unknown, not offline
			out.gauge(proxyOnlineDesc, boolValue(p.Online()), labels...)
		}
		out.oneHot(proxyMaintenanceDesc, knownMaintenanceStates, p.MaintenanceMode, labels...)
		if p.ThreadsNumber != nil {
			out.gauge(proxyThreadsDesc, float64(*p.ThreadsNumber), labels...)
		}
		if p.CPUUsagePercent != nil {
			out.gauge(proxyCPUDesc, *p.CPUUsagePercent/100, labels...)
		}
		if p.MemoryUsagePercent != nil {
			out.gauge(proxyMemoryDesc, *p.MemoryUsagePercent/100, labels...)
		}
		out.gauge(proxyInfoDesc, 1, with(labels, p.FQDN, p.Version, p.OperatingSystem, p.ProxyPoolID)...)
	}
	if t.res != nil {
		t.res.Proxies = proxies
	}
	return out, nil
}
