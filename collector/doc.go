// Package collector turns what the VBO365 API says about backup jobs into
// Prometheus metrics. An Exporter keeps one poller per configured server
// (its API client, token and last result) across scrapes; each scrape gets a
// short-lived prometheus.Collector bound to the scrape's deadline.
package collector
