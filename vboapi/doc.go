// Package vboapi speaks the Veeam Backup for Microsoft 365 REST API, v1 and
// v6 to v8: it finds the version a server serves without credentials, logs in
// with the password grant and keeps the token fresh, retries what is safe to
// retry, and reads one resource per file. It knows nothing about Prometheus
// metrics beyond counting its own requests.
//
// The transport: client.go, auth.go, retry.go, slots.go, version.go,
// errors.go, response.go and metrics.go. The resources of v6 and later go
// through one reader for pages and plain arrays (list.go, readahead.go,
// lengths.go) and are decoded with json v2. v1's selected mailboxes have a
// file set of their own (v1mailboxes.go, v1scheduler.go, v1idset.go,
// v1page.go, v1scan.go, v1fastpath.go): their pages are decoded by a
// streaming scanner as they arrive, into 17 bytes per mailbox, and
// de-duplicated across pages; a jsontext decoder costs twice its CPU
// (BENCHMARKS.md).
//
// Tests: the resources' wire types are decoded from recorded fixtures
// (testdata/<resource>/<version>.json) in fixtures_test.go,
// opsfixtures_test.go, sessionfixtures_test.go, storagefixtures_test.go and
// workloadfixtures_test.go, and with every member null in nulls_test.go
// and fuzznulls_test.go; restores_test.go and syncstate_test.go read those
// resources against the simulator. The transport: auth_test.go,
// detect_test.go and version_test.go (version.go), faults_test.go
// (retry.go, errors.go, response.go), slots_test.go, list_test.go
// (list.go, readahead.go, lengths.go), apitime_test.go; v1's file set its
// v1*_test.go files; fuzz_test.go fuzzes every decoder.
package vboapi
