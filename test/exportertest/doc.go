// Package exportertest holds what the exporter's tests share across
// packages: reading a /metrics answer and checking it against the
// simulator's truth, looking for leaked secrets, logfmt lines, servers that
// misbehave at the socket, and the shipped fleet config rendered per shard.
// The unit tests of package main, the end-to-end tests (test/e2e) and the
// deploy checks (deploy/) import it; the exporter itself never does.
package exportertest
