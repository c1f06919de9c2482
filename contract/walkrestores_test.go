package contract

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/vbo365-exporter/vbo365_exporter/simulator"
)

// TestSimulatorRestoresContract walks a simulator whose restore activity
// has every shape the simulator serves: finished sessions of each type and
// result, portal sessions, working ones (endTime null), events over
// several pages, an enabled portal.
func TestSimulatorRestoresContract(t *testing.T) {
	tenant := contractTenant()
	tenant.Ops.Restores = simulator.RestoreOptions{Sessions: 9, Working: 2, Events: 12, PortalEnabled: true}
	v := runContractWith(t, nil, tenant)
	for _, ver := range Versions {
		for _, op := range expectedRestoreOps(ver) {
			if v.Covered()[op] == 0 {
				t.Errorf("the walk never exercised %s", op)
			}
		}
	}
	v.Check(t)
}

// walkRestores pages the restore sessions with each time filter the
// version declares, follows a few sessions to themselves and their
// events, and reads the roles and their operators.
func walkRestores(c *apiClient) {
	c.object("/RestorePortalSettings", nil)
	all := c.collection("/RestoreSessions", "/RestoreSessions", nil, 4, 20, false)
	from := url.Values{"startTimeFrom": {time.Date(2024, 4, 30, 0, 0, 0, 0, time.UTC).Format(time.RFC3339)}}
	c.collection("/RestoreSessions", "/RestoreSessions", from, 4, 10, false)
	if c.ver == "v8" {
		end := url.Values{"endTimeFrom": {time.Date(2024, 4, 30, 0, 0, 0, 0, time.UTC).Format(time.RFC3339)},
			"orderAsc": {"true"}, "orderBy": {"EndTime"}}
		c.collection("/RestoreSessions", "/RestoreSessions", end, 4, 10, false)
	}
	ids := c.ids("restore sessions", all)
	for _, id := range ids[:min(3, len(ids))] {
		c.object("/RestoreSessions/"+id, nil)
		c.collection("/RestoreSessions/{restoreSessionId}/Events", "/RestoreSessions/"+id+"/Events", nil, 5, 10, false)
	}
	c.expect(http.StatusNotFound, http.MethodGet, "/RestoreSessions/"+absentID, nil, true)
	c.expect(http.StatusNotFound, http.MethodGet, "/RestoreSessions/"+absentID+"/Events", nil, true)
	roles := c.collection("/RbacRoles", "/RbacRoles", nil, 0, 0, false)
	for _, id := range c.ids("roles", roles) {
		c.collection("/RbacRoles/{roleId}/operators", "/RbacRoles/"+id+"/operators", nil, 0, 0, false)
	}
	c.expect(http.StatusNotFound, http.MethodGet, "/RbacRoles/"+absentID+"/operators", nil, true)
}

// expectedRestoreOps are the operation/status pairs of the restore
// resources the walk must reach.
func expectedRestoreOps(ver string) []string {
	p := "GET /" + ver
	return []string{p + "/RestorePortalSettings 200", p + "/RestoreSessions 200",
		p + "/RestoreSessions/{restoreSessionId} 200", p + "/RestoreSessions/{restoreSessionId} 404",
		p + "/RestoreSessions/{restoreSessionId}/Events 200", p + "/RestoreSessions/{restoreSessionId}/Events 404",
		p + "/RbacRoles 200", p + "/RbacRoles/{roleId}/operators 200", p + "/RbacRoles/{roleId}/operators 404"}
}
