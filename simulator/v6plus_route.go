package simulator

import (
	"net/http"
	"strings"
)

// vroute is one v6–v8 path. Its segments are matched case-insensitively;
// "{id}" matches any segment but an empty one. job, org and group are the
// indexes of the segments that name the job (or whatever object the path
// reads), the organization and the group; 0 is none, since segment 0 is never
// an id. since and until bound the versions that serve it, 0 for none.
type vroute struct {
	path            string
	endpoint        string
	job, org, group int
	since, until    int
	segs            []string
}

// vroutes holds every v6–v8 path in one table for all three versions; the
// differences (v8 has Health, v6/v7 have Organizations/{id}/Jobs and
// objectstoragerepositories, v6 has Jobs/{id}/JobSessions, v7/v8
// ProcessedObjects) are bounds on a row, so an absent path is a 404. The first
// row that matches wins.
var vroutes = splitRoutes([]vroute{
	{path: "token", endpoint: EndpointToken},
	{path: "ServiceInstance", endpoint: EndpointServiceInstance},
	{path: "RestorePortalSettings", endpoint: EndpointRestorePortalSettings},
	{path: "Health", endpoint: EndpointHealth, since: 8},
	{path: "Jobs", endpoint: EndpointJobs},
	{path: "Jobs/{id}", endpoint: EndpointJob, job: 1},
	{path: "Jobs/{id}/SelectedItems", endpoint: EndpointSelectedItems, job: 1},
	{path: "Jobs/{id}/ExcludedItems", endpoint: EndpointExcludedItems, job: 1},
	{path: "Organizations", endpoint: EndpointOrganizations},
	{path: "Organizations/SyncState", endpoint: EndpointOrganizationsSyncState, since: 8},
	{path: "Organizations/{id}/SyncState", endpoint: EndpointOrganizationSyncState, job: 1, org: 1, since: 7},
	{path: "Organizations/{id}", endpoint: EndpointOrganization, job: 1, org: 1},
	{path: "Organizations/{id}/Jobs", endpoint: EndpointOrganizationJobs, job: 1, org: 1, until: 7},
	{path: "Organizations/{id}/Users", endpoint: EndpointUsers, job: 1, org: 1},
	{path: "Organizations/{id}/Groups", endpoint: EndpointGroups, job: 1, org: 1},
	{path: "Organizations/{id}/Groups/{id}/Members", endpoint: EndpointGroupMembers, job: 3, org: 1, group: 3},
	{path: "Organizations/{id}/Sites", endpoint: EndpointSites, job: 1, org: 1},
	{path: "Organizations/{id}/Teams", endpoint: EndpointTeams, job: 1, org: 1},
	{path: "BackupRepositories/{id}/SiteData", endpoint: EndpointSiteData, job: 1},
	{path: "BackupRepositories/{id}/TeamData", endpoint: EndpointTeamData, job: 1},
	{path: "BackupRepositories", endpoint: EndpointRepositories},
	{path: "BackupRepositories/{id}", endpoint: EndpointRepository, job: 1},
	{path: "BackupRepositories/{id}/UserData", endpoint: EndpointUserData, job: 1},
	{path: "License", endpoint: EndpointLicense},
	{path: "Organizations/{id}/LicensingInformation", endpoint: EndpointLicensingInformation, job: 1, org: 1},
	{path: "Jobs/{id}/JobSessions", endpoint: EndpointJobSessionsByJob, job: 1, since: 6, until: 6},
	{path: "JobSessions", endpoint: EndpointJobSessions},
	{path: "JobSessions/{id}", endpoint: EndpointJobSession, job: 1},
	{path: "JobSessions/{id}/ProcessedObjects", endpoint: EndpointProcessedObjects, job: 1, since: 7},
	{path: "CopyJobs", endpoint: EndpointCopyJobs},
	{path: "CopyJobs/{id}", endpoint: EndpointCopyJob, job: 1},
	{path: "Proxies", endpoint: EndpointProxies},
	{path: "Proxies/{id}", endpoint: EndpointProxy, job: 1},
	{path: "objectstoragerepositories", endpoint: EndpointObjectStorages, until: 7},
	{path: "objectstoragerepositories/{id}", endpoint: EndpointObjectStorage, job: 1, until: 7},
	{path: "RestoreSessions", endpoint: EndpointRestoreSessions},
	{path: "RestoreSessions/{id}", endpoint: EndpointRestoreSession, job: 1},
	{path: "RestoreSessions/{id}/Events", endpoint: EndpointRestoreSessionEvents, job: 1},
	{path: "RbacRoles", endpoint: EndpointRbacRoles},
	{path: "RbacRoles/{id}/operators", endpoint: EndpointRbacRoleOperators, job: 1},
})

func splitRoutes(routes []vroute) []vroute {
	for k := range routes {
		routes[k].segs = strings.Split(routes[k].path, "/")
	}
	return routes
}

// matches reports whether the route serves seg (the path after the
// version prefix) on version v.
func (vr *vroute) matches(v int, seg []string) bool {
	if len(seg) != len(vr.segs) || v < vr.since || vr.until != 0 && v > vr.until {
		return false
	}
	for k, want := range vr.segs {
		if want == "{id}" && seg[k] == "" || want != "{id}" && !strings.EqualFold(seg[k], want) {
			return false
		}
	}
	return true
}

// routeV6Plus matches the v6–v8 paths (seg is the path after the prefix).
func routeV6Plus(r *http.Request, v int, seg []string) routed {
	for k := range vroutes {
		vr := &vroutes[k]
		if !vr.matches(v, seg) {
			continue
		}
		rt := routed{ver: v, endpoint: vr.endpoint,
			jobID: idAt(seg, vr.job), orgID: idAt(seg, vr.org), groupID: idAt(seg, vr.group)}
		method := http.MethodGet
		if vr.endpoint == EndpointToken {
			method = http.MethodPost
		}
		return checkMethod(r, rt, method)
	}
	return notFound(r)
}

// idAt is the id in segment k of seg, or "" for k 0.
func idAt(seg []string, k int) string {
	if k == 0 {
		return ""
	}
	return seg[k]
}

// anonymous are the v6+ operations the schemas mark x-anonymous besides
// the token endpoint.
func anonymous(endpoint string) bool {
	return endpoint == EndpointRestorePortalSettings || endpoint == EndpointHealth
}
