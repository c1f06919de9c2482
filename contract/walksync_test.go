package contract

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/vbo365-exporter/vbo365_exporter/simulator"
)

// TestSimulatorSyncStateContract walks a simulator whose organizations'
// synchronizations show every shape the schemas allow: failed, never
// finished (v7 status None, v8 lastSyncState null), running and queued.
func TestSimulatorSyncStateContract(t *testing.T) {
	tenant := contractTenant()
	tenant.Organizations = 4
	tenant.Ops.Sync = simulator.SyncOptions{Failed: simulator.OrgsOf(0), Never: simulator.OrgsOf(1), Running: simulator.OrgsOf(1, 2), Queued: simulator.OrgsOf(3)}
	v := runContractWith(t, nil, tenant)
	for _, ver := range Versions {
		for _, op := range expectedOps(ver) {
			if v.Covered()[op] == 0 {
				t.Errorf("the walk never exercised %s", op)
			}
		}
	}
	v.Check(t)
}

// walkSyncStates reads each organization's synchronization state (v7,
// v8) and v8's list of all, and checks that v6, which has none, and v7,
// which has no list, answer 404.
func walkSyncStates(c *apiClient) {
	q := url.Values{}
	if c.ver == "v6" {
		q.Set("extendedView", "false")
	}
	orgs := c.ids("organizations", c.collection("/Organizations", "/Organizations", q, 10, 1, false))
	if c.ver == "v6" {
		c.expect(http.StatusNotFound, http.MethodGet, "/Organizations/"+orgs[0]+"/SyncState", nil, true)
		return
	}
	for _, id := range orgs {
		c.object("/Organizations/"+id+"/SyncState", nil)
	}
	c.expect(http.StatusNotFound, http.MethodGet, "/Organizations/"+absentID+"/SyncState", nil, true)
	if c.ver == "v8" {
		c.collection("/Organizations/SyncState", "/Organizations/SyncState", nil, 0, 0, false)
	}
}

// expectedSyncOps are the operations/status pairs of the sync state
// resources the walk must reach.
func expectedSyncOps(ver string) []string {
	p := "GET /" + ver
	switch ver {
	case "v7":
		return []string{p + "/Organizations/{organizationId}/SyncState 200", p + "/Organizations/{organizationId}/SyncState 404"}
	case "v8":
		return []string{p + "/Organizations/{organizationId}/SyncState 200", p + "/Organizations/{organizationId}/SyncState 404",
			p + "/Organizations/SyncState 200"}
	}
	return nil
}
