package contract

import (
	"net/http"
	"net/url"
	"testing"
)

// TestSimulatorWorkloadsContract walks a simulator whose tenant has sites
// and teams (TenantOptions.Workloads): the site and team items, the
// groups' sites, the organizations' sites and teams and the repositories'
// site and team data are validated with everything else.
func TestSimulatorWorkloadsContract(t *testing.T) {
	tenant := contractTenant()
	tenant.Workloads = true
	v := runContractWith(t, nil, tenant)
	for _, ver := range Versions {
		for _, op := range append(expectedOps(ver), expectedWorkloadOps(ver)...) {
			if v.Covered()[op] == 0 {
				t.Errorf("the walk never exercised %s", op)
			}
		}
	}
	v.Check(t)
}

// walkWorkloads reads each organization's sites and teams with the
// filters the simulator models, and each repository's site and team data;
// the lists are empty without TenantOptions.Workloads.
func walkWorkloads(c *apiClient, orgs, repos []string) {
	var src url.Values
	if c.ver != "v6" {
		src = url.Values{"dataSource": {"PreferLocal"}}
	}
	with := func(q url.Values, k, v string) url.Values {
		out := url.Values{k: {v}}
		for key, vs := range q {
			out[key] = vs
		}
		return out
	}
	for _, org := range orgs {
		op := "/Organizations/" + org
		sites := c.collection("/Organizations/{organizationId}/Sites", op+"/Sites", with(src, "parentId", "root"), 4, 6, true)
		c.collection("/Organizations/{organizationId}/Sites", op+"/Sites", with(src, "includePersonalSites", "false"), 50, 1, false)
		if c.ver != "v6" {
			c.collection("/Organizations/{organizationId}/Sites", op+"/Sites", with(src, "filter", "sales"), 50, 1, false)
		}
		if len(sites) > 0 {
			if id, _ := sites[0]["id"].(string); id != "" {
				c.collection("/Organizations/{organizationId}/Sites", op+"/Sites", with(src, "parentId", id), 50, 1, false)
			}
		}
		c.collection("/Organizations/{organizationId}/Teams", op+"/Teams", src, 3, 6, true)
		c.collection("/Organizations/{organizationId}/Teams", op+"/Teams", with(src, "displayName", "Project*"), 50, 1, false)
	}
	for _, id := range repos {
		c.collection("/BackupRepositories/{repositoryId}/SiteData", "/BackupRepositories/"+id+"/SiteData", nil, 5, 6, false)
		c.collection("/BackupRepositories/{repositoryId}/TeamData", "/BackupRepositories/"+id+"/TeamData", nil, 5, 6, false)
	}
	c.expect(http.StatusNotFound, http.MethodGet, "/Organizations/"+absentID+"/Sites", nil, true)
	c.expect(http.StatusNotFound, http.MethodGet, "/BackupRepositories/"+absentID+"/TeamData", nil, true)
}

// expectedWorkloadOps are the operation/status pairs of the workload
// resources the walk must reach.
func expectedWorkloadOps(ver string) []string {
	p := "/" + ver
	return []string{
		"GET " + p + "/Organizations/{organizationId}/Sites 200",
		"GET " + p + "/Organizations/{organizationId}/Teams 200",
		"GET " + p + "/BackupRepositories/{repositoryId}/SiteData 200",
		"GET " + p + "/BackupRepositories/{repositoryId}/TeamData 200",
	}
}
