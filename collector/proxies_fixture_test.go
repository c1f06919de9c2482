package collector

import (
	"testing"
)

// TestProxiesFixture: an online proxy and an offline one. The recorded
// lists are the extended view, so the exporter asks for it.
func TestProxiesFixture(t *testing.T) {
	runFixtureCases(t, proxiesExtended(), proxiesScraper{extendedView: true}, nil,
		func(f *fixtureServer) { f.serve("/Proxies", "proxies") },
		fixtureCase{"v6", `
# HELP vbo365_proxy_info v6 and later: descriptive facts about the proxy, as labels; fqdn is empty on v6, version, operating_system and proxy_pool_id but on v8. The value is always 1.
# TYPE vbo365_proxy_info gauge
vbo365_proxy_info{fqdn="",operating_system="",proxy_id="3f7a9c1e-5b2d-4e8f-a0c4-6d8e0f2a4b91",proxy_name="vbo-proxy01",proxy_pool_id="",server="east",version=""} 1
vbo365_proxy_info{fqdn="",operating_system="",proxy_id="8b0d2f4a-6c8e-4a1b-9d3f-5e7a9c1b3d02",proxy_name="10.0.4.17",proxy_pool_id="",server="east",version=""} 1
# HELP vbo365_proxy_online v6 and later: 1 if the server last saw the backup proxy online (status Online), 0 if offline (status Offline); absent for any other status, which vbo365_proxy_status shows.
# TYPE vbo365_proxy_online gauge
vbo365_proxy_online{proxy_id="3f7a9c1e-5b2d-4e8f-a0c4-6d8e0f2a4b91",proxy_name="vbo-proxy01",server="east"} 1
vbo365_proxy_online{proxy_id="8b0d2f4a-6c8e-4a1b-9d3f-5e7a9c1b3d02",proxy_name="10.0.4.17",server="east"} 0
# HELP vbo365_proxy_status v6 and later: 1 for the proxy's status as the server spells it (Online, Offline, or a value Veeam's schema does not list), 0 for the other known statuses.
# TYPE vbo365_proxy_status gauge
vbo365_proxy_status{proxy_id="3f7a9c1e-5b2d-4e8f-a0c4-6d8e0f2a4b91",proxy_name="vbo-proxy01",server="east",status="Offline"} 0
vbo365_proxy_status{proxy_id="3f7a9c1e-5b2d-4e8f-a0c4-6d8e0f2a4b91",proxy_name="vbo-proxy01",server="east",status="Online"} 1
vbo365_proxy_status{proxy_id="8b0d2f4a-6c8e-4a1b-9d3f-5e7a9c1b3d02",proxy_name="10.0.4.17",server="east",status="Offline"} 1
vbo365_proxy_status{proxy_id="8b0d2f4a-6c8e-4a1b-9d3f-5e7a9c1b3d02",proxy_name="10.0.4.17",server="east",status="Online"} 0
# HELP vbo365_proxy_threads v6 and v7 with --collector.proxies.extended-view: processing threads of the proxy (threadsNumber); absent for a proxy that does not answer.
# TYPE vbo365_proxy_threads gauge
vbo365_proxy_threads{proxy_id="3f7a9c1e-5b2d-4e8f-a0c4-6d8e0f2a4b91",proxy_name="vbo-proxy01",server="east"} 64
`},
		fixtureCase{"v7", `
# HELP vbo365_proxy_info v6 and later: descriptive facts about the proxy, as labels; fqdn is empty on v6, version, operating_system and proxy_pool_id but on v8. The value is always 1.
# TYPE vbo365_proxy_info gauge
vbo365_proxy_info{fqdn="",operating_system="",proxy_id="8b0d2f4a-6c8e-4a1b-9d3f-5e7a9c1b3d02",proxy_name="10.0.4.17",proxy_pool_id="",server="east",version=""} 1
vbo365_proxy_info{fqdn="vbo-proxy01.corp.example",operating_system="",proxy_id="3f7a9c1e-5b2d-4e8f-a0c4-6d8e0f2a4b91",proxy_name="vbo-proxy01",proxy_pool_id="",server="east",version=""} 1
# HELP vbo365_proxy_online v6 and later: 1 if the server last saw the backup proxy online (status Online), 0 if offline (status Offline); absent for any other status, which vbo365_proxy_status shows.
# TYPE vbo365_proxy_online gauge
vbo365_proxy_online{proxy_id="3f7a9c1e-5b2d-4e8f-a0c4-6d8e0f2a4b91",proxy_name="vbo-proxy01",server="east"} 1
vbo365_proxy_online{proxy_id="8b0d2f4a-6c8e-4a1b-9d3f-5e7a9c1b3d02",proxy_name="10.0.4.17",server="east"} 0
# HELP vbo365_proxy_status v6 and later: 1 for the proxy's status as the server spells it (Online, Offline, or a value Veeam's schema does not list), 0 for the other known statuses.
# TYPE vbo365_proxy_status gauge
vbo365_proxy_status{proxy_id="3f7a9c1e-5b2d-4e8f-a0c4-6d8e0f2a4b91",proxy_name="vbo-proxy01",server="east",status="Offline"} 0
vbo365_proxy_status{proxy_id="3f7a9c1e-5b2d-4e8f-a0c4-6d8e0f2a4b91",proxy_name="vbo-proxy01",server="east",status="Online"} 1
vbo365_proxy_status{proxy_id="8b0d2f4a-6c8e-4a1b-9d3f-5e7a9c1b3d02",proxy_name="10.0.4.17",server="east",status="Offline"} 1
vbo365_proxy_status{proxy_id="8b0d2f4a-6c8e-4a1b-9d3f-5e7a9c1b3d02",proxy_name="10.0.4.17",server="east",status="Online"} 0
# HELP vbo365_proxy_threads v6 and v7 with --collector.proxies.extended-view: processing threads of the proxy (threadsNumber); absent for a proxy that does not answer.
# TYPE vbo365_proxy_threads gauge
vbo365_proxy_threads{proxy_id="3f7a9c1e-5b2d-4e8f-a0c4-6d8e0f2a4b91",proxy_name="vbo-proxy01",server="east"} 64
`},
		fixtureCase{"v8", `
# HELP vbo365_proxy_cpu_usage_ratio v8: CPU usage of the proxy's machine, 0 to 1 (cpuUsagePercent / 100); absent when the proxy does not answer.
# TYPE vbo365_proxy_cpu_usage_ratio gauge
vbo365_proxy_cpu_usage_ratio{proxy_id="3f7a9c1e-5b2d-4e8f-a0c4-6d8e0f2a4b91",proxy_name="vbo-proxy01",server="east"} 0.125
# HELP vbo365_proxy_info v6 and later: descriptive facts about the proxy, as labels; fqdn is empty on v6, version, operating_system and proxy_pool_id but on v8. The value is always 1.
# TYPE vbo365_proxy_info gauge
vbo365_proxy_info{fqdn="",operating_system="Linux",proxy_id="8b0d2f4a-6c8e-4a1b-9d3f-5e7a9c1b3d02",proxy_name="10.0.4.17",proxy_pool_id="5d7f9b1c-3e5a-4c7e-8a9c-1b3d5f7a9c2e",server="east",version=""} 1
vbo365_proxy_info{fqdn="vbo-proxy01.corp.example",operating_system="Windows",proxy_id="3f7a9c1e-5b2d-4e8f-a0c4-6d8e0f2a4b91",proxy_name="vbo-proxy01",proxy_pool_id="",server="east",version="8.1.0.305"} 1
# HELP vbo365_proxy_maintenance_mode v8: 1 for the proxy's maintenance mode state (Disabled, Enabling or Enabled), 0 for the others.
# TYPE vbo365_proxy_maintenance_mode gauge
vbo365_proxy_maintenance_mode{proxy_id="3f7a9c1e-5b2d-4e8f-a0c4-6d8e0f2a4b91",proxy_name="vbo-proxy01",server="east",state="Disabled"} 1
vbo365_proxy_maintenance_mode{proxy_id="3f7a9c1e-5b2d-4e8f-a0c4-6d8e0f2a4b91",proxy_name="vbo-proxy01",server="east",state="Enabled"} 0
vbo365_proxy_maintenance_mode{proxy_id="3f7a9c1e-5b2d-4e8f-a0c4-6d8e0f2a4b91",proxy_name="vbo-proxy01",server="east",state="Enabling"} 0
vbo365_proxy_maintenance_mode{proxy_id="8b0d2f4a-6c8e-4a1b-9d3f-5e7a9c1b3d02",proxy_name="10.0.4.17",server="east",state="Disabled"} 0
vbo365_proxy_maintenance_mode{proxy_id="8b0d2f4a-6c8e-4a1b-9d3f-5e7a9c1b3d02",proxy_name="10.0.4.17",server="east",state="Enabled"} 1
vbo365_proxy_maintenance_mode{proxy_id="8b0d2f4a-6c8e-4a1b-9d3f-5e7a9c1b3d02",proxy_name="10.0.4.17",server="east",state="Enabling"} 0
# HELP vbo365_proxy_memory_usage_ratio v8: memory usage of the proxy's machine, 0 to 1 (memoryUsagePercent / 100); absent when the proxy does not answer.
# TYPE vbo365_proxy_memory_usage_ratio gauge
vbo365_proxy_memory_usage_ratio{proxy_id="3f7a9c1e-5b2d-4e8f-a0c4-6d8e0f2a4b91",proxy_name="vbo-proxy01",server="east"} 0.4825
# HELP vbo365_proxy_online v6 and later: 1 if the server last saw the backup proxy online (status Online), 0 if offline (status Offline); absent for any other status, which vbo365_proxy_status shows.
# TYPE vbo365_proxy_online gauge
vbo365_proxy_online{proxy_id="3f7a9c1e-5b2d-4e8f-a0c4-6d8e0f2a4b91",proxy_name="vbo-proxy01",server="east"} 1
vbo365_proxy_online{proxy_id="8b0d2f4a-6c8e-4a1b-9d3f-5e7a9c1b3d02",proxy_name="10.0.4.17",server="east"} 0
# HELP vbo365_proxy_status v6 and later: 1 for the proxy's status as the server spells it (Online, Offline, or a value Veeam's schema does not list), 0 for the other known statuses.
# TYPE vbo365_proxy_status gauge
vbo365_proxy_status{proxy_id="3f7a9c1e-5b2d-4e8f-a0c4-6d8e0f2a4b91",proxy_name="vbo-proxy01",server="east",status="Offline"} 0
vbo365_proxy_status{proxy_id="3f7a9c1e-5b2d-4e8f-a0c4-6d8e0f2a4b91",proxy_name="vbo-proxy01",server="east",status="Online"} 1
vbo365_proxy_status{proxy_id="8b0d2f4a-6c8e-4a1b-9d3f-5e7a9c1b3d02",proxy_name="10.0.4.17",server="east",status="Offline"} 1
vbo365_proxy_status{proxy_id="8b0d2f4a-6c8e-4a1b-9d3f-5e7a9c1b3d02",proxy_name="10.0.4.17",server="east",status="Online"} 0
`},
	)
}

func proxiesExtended() Collectors {
	c := DefaultCollectors().Only("proxies")
	c.ProxyExtendedView = true
	return c
}
