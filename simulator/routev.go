package simulator

import (
	"net/http"
	"strings"
)

// routeV matches the v6–v8 paths (seg is the path after the prefix). The
// same table serves all three; the differences (v8 has Health, v6/v7 have
// Organizations/{id}/Jobs and objectstoragerepositories, v6 has
// Jobs/{id}/JobSessions, v7/v8 ProcessedObjects) are checked here so an
// absent path is a 404.
func routeV(r *http.Request, v int, seg []string) routed {
	rt := routed{ver: v}
	is := func(i int, name string) bool { return strings.EqualFold(seg[i], name) }
	id := func(i int) bool { return seg[i] != "" }
	method := http.MethodGet
	switch n := len(seg); {
	case n == 1 && is(0, "token"):
		rt.endpoint, method = EndpointToken, http.MethodPost
	case n == 1 && is(0, "ServiceInstance"):
		rt.endpoint = EndpointServiceInstance
	case n == 1 && is(0, "RestorePortalSettings"):
		rt.endpoint = EndpointRestorePortalSettings
	case n == 1 && is(0, "Health") && v >= 8:
		rt.endpoint = EndpointHealth
	case n == 1 && is(0, "Jobs"):
		rt.endpoint = EndpointJobs
	case n == 2 && is(0, "Jobs") && id(1):
		rt.endpoint, rt.jobID = EndpointJob, seg[1]
	case n == 3 && is(0, "Jobs") && id(1) && is(2, "SelectedItems"):
		rt.endpoint, rt.jobID = EndpointSelectedItems, seg[1]
	case n == 3 && is(0, "Jobs") && id(1) && is(2, "ExcludedItems"):
		rt.endpoint, rt.jobID = EndpointExcludedItems, seg[1]
	case n == 1 && is(0, "Organizations"):
		rt.endpoint = EndpointOrganizations
	case n == 2 && is(0, "Organizations") && is(1, "SyncState") && v >= 8, n == 3 && is(0, "Organizations") && id(1) && is(2, "SyncState") && v >= 7:
		rt.endpoint, rt.jobID, rt.orgID = syncRoute(seg)
	case n == 2 && is(0, "Organizations") && id(1):
		rt.endpoint, rt.jobID, rt.orgID = EndpointOrganization, seg[1], seg[1]
	case n == 3 && is(0, "Organizations") && id(1) && is(2, "Jobs") && v <= 7:
		rt.endpoint, rt.jobID, rt.orgID = EndpointOrganizationJobs, seg[1], seg[1]
	case n == 3 && is(0, "Organizations") && id(1) && is(2, "Users"):
		rt.endpoint, rt.jobID, rt.orgID = EndpointUsers, seg[1], seg[1]
	case n == 3 && is(0, "Organizations") && id(1) && is(2, "Groups"):
		rt.endpoint, rt.jobID, rt.orgID = EndpointGroups, seg[1], seg[1]
	case n == 5 && is(0, "Organizations") && id(1) && is(2, "Groups") && id(3) && is(4, "Members"):
		rt.endpoint, rt.jobID, rt.orgID, rt.groupID = EndpointGroupMembers, seg[3], seg[1], seg[3]
	case n == 3 && is(0, "Organizations") && id(1) && is(2, "Sites"):
		rt.endpoint, rt.jobID, rt.orgID = EndpointSites, seg[1], seg[1]
	case n == 3 && is(0, "Organizations") && id(1) && is(2, "Teams"):
		rt.endpoint, rt.jobID, rt.orgID = EndpointTeams, seg[1], seg[1]
	case n == 3 && is(0, "BackupRepositories") && id(1) && is(2, "SiteData"):
		rt.endpoint, rt.jobID = EndpointSiteData, seg[1]
	case n == 3 && is(0, "BackupRepositories") && id(1) && is(2, "TeamData"):
		rt.endpoint, rt.jobID = EndpointTeamData, seg[1]
	case n == 1 && is(0, "BackupRepositories"):
		rt.endpoint = EndpointRepositories
	case n == 2 && is(0, "BackupRepositories") && id(1):
		rt.endpoint, rt.jobID = EndpointRepository, seg[1]
	case n == 3 && is(0, "BackupRepositories") && id(1) && is(2, "UserData"):
		rt.endpoint, rt.jobID = EndpointUserData, seg[1]
	case n == 1 && is(0, "License"):
		rt.endpoint = EndpointLicense
	case n == 3 && is(0, "Organizations") && id(1) && is(2, "LicensingInformation"):
		rt.endpoint, rt.jobID, rt.orgID = EndpointLicensingInformation, seg[1], seg[1]
	case n == 3 && is(0, "Jobs") && id(1) && is(2, "JobSessions") && v == 6:
		rt.endpoint, rt.jobID = EndpointJobSessionsByJob, seg[1]
	case n == 1 && is(0, "JobSessions"):
		rt.endpoint = EndpointJobSessions
	case n == 2 && is(0, "JobSessions") && id(1):
		rt.endpoint, rt.jobID = EndpointJobSession, seg[1]
	case n == 3 && is(0, "JobSessions") && id(1) && is(2, "ProcessedObjects") && v >= 7:
		rt.endpoint, rt.jobID = EndpointProcessedObjects, seg[1]
	case n == 1 && is(0, "CopyJobs"):
		rt.endpoint = EndpointCopyJobs
	case n == 2 && is(0, "CopyJobs") && id(1):
		rt.endpoint, rt.jobID = EndpointCopyJob, seg[1]
	case n == 1 && is(0, "Proxies"):
		rt.endpoint = EndpointProxies
	case n == 2 && is(0, "Proxies") && id(1):
		rt.endpoint, rt.jobID = EndpointProxy, seg[1]
	case n == 1 && is(0, "objectstoragerepositories") && v <= 7:
		rt.endpoint = EndpointObjectStorages
	case n == 2 && is(0, "objectstoragerepositories") && id(1) && v <= 7:
		rt.endpoint, rt.jobID = EndpointObjectStorage, seg[1]
	default:
		return notFound(r)
	}
	return checkMethod(r, rt, method)
}

// anonymous are the v6+ operations the schemas mark x-anonymous besides
// the token endpoint.
func anonymous(endpoint string) bool {
	return endpoint == EndpointRestorePortalSettings || endpoint == EndpointHealth
}
