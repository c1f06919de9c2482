// Package poll reads each server: its REST API version, its job list, the
// jobs selected by the configuration and their protection figures, with
// min_interval and the background refresh of protection_interval. Each
// poll leaves a ServerResult, the snapshot that the collectors turn into
// series and the status page shows.
//
// Tests: poller_test.go holds the unit tests (job selection, errors carried
// across polls). What a poll does with a real server (protect.go: the
// figures of every version; refresh.go: protection_interval; min_interval,
// polls shared by concurrent scrapes, faults) is tested through the whole
// exporter against the simulator, in collector's tests: v6plus_test.go,
// collector_test.go (v1), refresh_test.go, faults_test.go,
// v6plus_faults_test.go, workloads_test.go.
package poll
