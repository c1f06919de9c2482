// Package collector turns what the VBO365 API says about a server into
// Prometheus metrics. An Exporter keeps, per configured server, a
// poll.Poller (its API client, token, memory and last result) and the
// server's own scrapers, which each poll runs (run.go); each scrape gets a
// short-lived prometheus.Collector bound to the scrape's deadline.
//
// Tests: each scrape_<name>.go has <name>_fixture_test.go, which serves
// vboapi's recorded fixtures to the exporter and compares the collector's
// series with exposition text written out in the test; beside those, the
// scrape_<name>_test.go files and scrape_ops_test.go check the series
// against the simulator's truth on random tenants of v6, v7 and v8.
// collector_test.go (v1), v6plus_test.go, workloads_test.go and the
// *faults_test.go files check every job's figures against the truth, with
// and without faults; exporter_test.go, probe_test.go, login_test.go,
// detect_test.go and refresh_test.go cover exporter.go, probe.go, run.go,
// collect.go and the polls of package poll.
package collector
