package collector

import (
	"fmt"
	"strings"
	"testing"
	"testing/synctest"

	"github.com/vbo365-exporter/vbo365_exporter/simulator"
)

// nullStormLists are the v6–v8 lists a poll reads for the mailbox figures.
var nullStormLists = []string{
	simulator.EndpointJobs, simulator.EndpointServiceInstance, simulator.EndpointOrganizations,
	simulator.EndpointOrganizationJobs, simulator.EndpointSelectedItems, simulator.EndpointExcludedItems,
	simulator.EndpointUsers, simulator.EndpointGroups, simulator.EndpointGroupMembers, simulator.EndpointUserData,
}

// TestNullStormMatrix: with every member the schema does not require null
// or absent (and some required ones null) on one list, or on every list
// at once, each job is exact or flagged, never a count that hides a
// mailbox, on v6, v7 and v8 at one request in flight and at sixteen.
func TestNullStormMatrix(t *testing.T) {
	for _, v := range modernVersions {
		for _, ep := range append(nullStormLists, "") {
			if ep == simulator.EndpointOrganizationJobs && v == "v8" {
				continue // v8 has no such path
			}
			for _, conc := range []int{1, 16} {
				name := ep
				if name == "" {
					name = "all"
				}
				t.Run(fmt.Sprintf("%s/%s/concurrency=%d", v, name, conc), func(t *testing.T) {
					t.Parallel()
					synctest.Test(t, func(t *testing.T) {
						f := simulator.Fault{Endpoint: ep, Kind: simulator.NullStorm}
						res, sim := pollUnderFault(t, v, simulator.TenantOptions{Users: 80, Organizations: 2}, f, conc, nil)
						checkExactOrFlagged(t, res, sim)
					})
				})
			}
		}
	}
}

// checkExactOrFlagged fails t for a job whose figures hide a mailbox: a
// job that succeeds has the truth's figures, or no more backed up and no
// fewer mailboxes and mailboxes not backed up than the truth; a job that
// fails has an error and no counts. A server whose job list cannot be read
// is down with an error.
func checkExactOrFlagged(t *testing.T, res *ServerResult, sim *simulator.Simulator) {
	t.Helper()
	if !res.Up {
		if res.Err == nil {
			t.Fatal("server down without an error")
		}
		return
	}
	truth := map[string]simulator.ProtectionTruth{}
	for _, tr := range sim.ProtectionTruth() {
		truth[tr.JobID] = tr
	}
	if len(res.Jobs) != len(truth) {
		t.Fatalf("%d jobs reported, the server has %d", len(res.Jobs), len(truth))
	}
	for _, j := range res.Jobs {
		tr, ok := truth[j.ID]
		c := j.Counts
		switch {
		case !ok:
			t.Errorf("job %q is not the server's", j.ID)
		case !j.Success && j.Err == nil:
			t.Errorf("job %q failed without an error", tr.JobName)
		case !j.Success && (c.Mailboxes != 0 || c.BackedUp != 0):
			t.Errorf("job %q failed but carries counts %+v", tr.JobName, c)
		case j.Success && j.Err != nil:
			t.Errorf("job %q succeeded with an error: %v", tr.JobName, j.Err)
		case j.Success && (c.BackedUp > tr.BackedUp || c.Mailboxes < tr.Mailboxes ||
			c.Mailboxes-c.BackedUp < tr.Mailboxes-tr.BackedUp):
			t.Errorf("WRONG figures for job %q: %d mailboxes, %d backed up, %d unresolved; truth %d, %d, %d",
				tr.JobName, c.Mailboxes, c.BackedUp, j.Unresolved, tr.Mailboxes, tr.BackedUp, tr.Unresolved)
		}
		if j.Err != nil && strings.Contains(j.Err.Error(), "sim-password-1") {
			t.Errorf("job %q: the error shows the password", tr.JobName)
		}
	}
}
