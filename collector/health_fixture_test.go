package collector

import (
	"testing"
)

// TestHealthFixture: an unhealthy server with one healthy component.
func TestHealthFixture(t *testing.T) {
	runFixtureCases(t, DefaultCollectors().Only("health"), healthScraper{}, nil,
		func(f *fixtureServer) { f.serve("/Health", "health") },
		fixtureCase{"v8", `
# HELP vbo365_health_entry_status v8: 1 for the health of each component the server checks (entry: NATS, PostgreSQL, ...), 0 for the other status; absent when the server answered HTTP 503.
# TYPE vbo365_health_entry_status gauge
vbo365_health_entry_status{entry="NATS",server="east",status="Healthy"} 1
vbo365_health_entry_status{entry="NATS",server="east",status="Unhealthy"} 0
vbo365_health_entry_status{entry="PostgreSQL",server="east",status="Healthy"} 0
vbo365_health_entry_status{entry="PostgreSQL",server="east",status="Unhealthy"} 1
# HELP vbo365_health_status v8: 1 for the server's overall health (Healthy or Unhealthy, GET /v8/Health), 0 for the other; an answer of HTTP 503 counts as Unhealthy.
# TYPE vbo365_health_status gauge
vbo365_health_status{server="east",status="Healthy"} 0
vbo365_health_status{server="east",status="Unhealthy"} 1
`},
	)
}
