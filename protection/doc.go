// Package protection works out, for each backup job, which mailboxes the
// job should protect and how many of them are backed up, and on REST API v6
// and later the same for the other workloads: archive mailboxes, OneDrives,
// personal sites, sites and teams. Every API version gives the same Result:
// v1 from the job's selected mailboxes (v1.go), v6 and later from the job's
// items, the organization's users and groups and the repository's data, by
// the rule of docs/protection-v6-v8.md, which the simulator's truth follows
// too.
//
// Tests: protection_test.go (the rule: scope.go, expand.go, rule.go,
// backup.go, result.go, through Compute on fake lists in fake_test.go),
// workload_test.go (workload.go, objects.go, objectdata.go: the other
// workloads), unclear_test.go (nulls and unidentified users), state_test.go
// (compact.go, smallest.go), table_test.go, memory_test.go (the bytes a
// computation keeps per user), v1_test.go (v1.go and memory.go), and
// simulator_test.go (computation.go and lazy.go: every list read once, the
// figures equal to the simulator's truth).
package protection
