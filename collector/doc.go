// Package collector turns what the VBO365 API says about a server into
// Prometheus metrics. An Exporter keeps, per configured server, a
// poll.Poller (its API client, token, memory and last result) and the
// server's own scrapers, which each poll runs (run.go); each scrape gets a
// short-lived prometheus.Collector bound to the scrape's deadline.
package collector
