package simulator

import (
	"bytes"
	"encoding/json"
	"hash/fnv"
	"net/http"
	"slices"
)

// nullShape is how the null storm reads the answer of one v6+ endpoint:
// which schema the answer is, and which schema a page's results are.
type nullShape struct {
	// path is the path after /vN as the schemas spell it, so that a test
	// can check root and item against the schema files.
	path string
	// root is the answer's schema; "[]" in front for an array of it.
	root string
	// item is the schema of a PageOf… answer's results; "" otherwise.
	item string
}

// pageOf is the shape of a PageOf… answer of items of schema item.
func pageOf(path, item string) nullShape { return nullShape{path, "PageOf" + item, item} }

// nullShapes are the endpoints the null storm spoils, with v8's shape;
// nullShapeOf gives v6's and v7's where they differ (plain arrays).
var nullShapes = map[string]nullShape{
	EndpointServiceInstance:       {"/ServiceInstance", "RESTServiceInstance", ""},
	EndpointRestorePortalSettings: {"/RestorePortalSettings", "RESTRestorePortalSettings", ""},
	EndpointHealth:                {"/Health", "RESTHealthReport", ""},
	EndpointJobs:                  pageOf("/Jobs", "RESTJob"),
	EndpointJob:                   {"/Jobs/{jobId}", "RESTJob", ""},
	EndpointSelectedItems:         pageOf("/Jobs/{jobId}/SelectedItems", "RESTJobItemComposed"),
	EndpointExcludedItems:         pageOf("/Jobs/{jobId}/ExcludedItems", "RESTJobItemComposed"),
	EndpointOrganizations:         pageOf("/Organizations", "RestOrganizationComposed"),
	EndpointOrganization:          {"/Organizations/{organizationId}", "RestOrganizationComposed", ""},
	EndpointOrganizationJobs:      {"/Organizations/{organizationId}/Jobs", "[]RESTJob", ""},
	EndpointUsers:                 pageOf("/Organizations/{organizationId}/Users", "RESTUser"),
	EndpointGroups:                pageOf("/Organizations/{organizationId}/Groups", "RESTGroup"),
	EndpointGroupMembers:          pageOf("/Organizations/{organizationId}/Groups/{groupId}/Members", "RESTGroupMember"),
	EndpointSites:                 pageOf("/Organizations/{organizationId}/Sites", "RESTSite"),
	EndpointTeams:                 pageOf("/Organizations/{organizationId}/Teams", "RESTTeam"),
	EndpointRepositories:          pageOf("/BackupRepositories", "RESTBackupRepository"),
	EndpointRepository:            {"/BackupRepositories/{repositoryId}", "RESTBackupRepository", ""},
	EndpointUserData:              pageOf("/BackupRepositories/{repositoryId}/UserData", "RESTBackupUserData"),
	EndpointSiteData:              pageOf("/BackupRepositories/{repositoryId}/SiteData", "RESTBackupSiteData"),
	EndpointTeamData:              pageOf("/BackupRepositories/{repositoryId}/TeamData", "RESTBackupTeamData"),
	EndpointLicense:               {"/License", "RESTLicense", ""},
	EndpointLicensingInformation:  {"/Organizations/{organizationId}/LicensingInformation", "RESTOrganizationLicensingInformation", ""},
	EndpointJobSessions:           pageOf("/JobSessions", "RESTJobSession"),
	EndpointJobSessionsByJob:      pageOf("/Jobs/{jobId}/JobSessions", "RESTJobSession"),
	EndpointJobSession:            {"/JobSessions/{jobSessionsId}", "RESTJobSession", ""},
	EndpointProcessedObjects:      pageOf("/JobSessions/{sessionId}/ProcessedObjects", "RESTJobSessionObject"),
	EndpointCopyJobs:              pageOf("/CopyJobs", "RESTCopyJob"),
	EndpointCopyJob:               {"/CopyJobs/{id}", "RESTCopyJob", ""},
	EndpointProxies:               pageOf("/Proxies", "RESTProxy"),
	EndpointProxy:                 {"/Proxies/{proxyId}", "RESTProxy", ""},
	EndpointObjectStorages:        {"/objectstoragerepositories", "[]RESTObjectStorageRepositoryComposed", ""},
	EndpointRestoreSessions:       pageOf("/RestoreSessions", "RESTRestoreSession"),
	EndpointRestoreSession:        {"/RestoreSessions/{restoreSessionId}", "RESTRestoreSession", ""},
	EndpointRestoreSessionEvents:  pageOf("/RestoreSessions/{restoreSessionId}/Events", "RESTRestoreSessionEvent"),
	EndpointRbacRoles:             {"/RbacRoles", "[]RESTRbacRole", ""},
	EndpointRbacRoleOperators:     {"/RbacRoles/{roleId}/operators", "[]RESTRbacOperator", ""},
}

// nullShapeOf is the shape of endpoint's answer on version ver; ok is
// false for endpoints the storm leaves alone (the token, v1).
func nullShapeOf(ver int, endpoint string) (nullShape, bool) {
	sh, ok := nullShapes[endpoint]
	if !ok || ver < 6 {
		return nullShape{}, false
	}
	if ver <= 7 && endpoint == EndpointRbacRoleOperators {
		sh.root = "[]RESTRbacItemComposed"
	}
	if ver <= 7 && sh.item != "" {
		switch endpoint {
		// v6 and v7 send these lists as plain arrays.
		case EndpointJobs, EndpointSelectedItems, EndpointExcludedItems, EndpointOrganizations,
			EndpointRepositories, EndpointCopyJobs, EndpointProxies:
			sh.root, sh.item = "[]"+sh.item, ""
		}
	}
	return sh, true
}

// pageRequired are the members every PageOf… schema requires.
var pageRequired = []string{"offset", "limit", "results"}

// nullRequired is what a schema of version ver requires, as the schema
// files say (TestNullStormTableMatchesSchemas): the storm keeps these.
// The schemas of the other answers require nothing.
func nullRequired(ver int, schema string) []string {
	if len(schema) > 6 && schema[:6] == "PageOf" {
		return pageRequired
	}
	org := "backedUpOrganizationId"
	if ver == 6 {
		org = "organizationId"
	}
	var deleted []string
	if ver == 7 {
		deleted = []string{"isDeleted", "proxyId"}
	}
	switch schema {
	case "RESTRestoreSession":
		return []string{"id", "type", "creationTime", "state", "result"}
	case "RESTRestoreSessionEvent":
		return []string{"id", "status", "message", "startTime", "order"}
	case "RESTRbacOperator":
		return []string{"type"}
	case "RESTSite":
		return []string{"id", "url", "title", "isCloud", "isPersonal"}
	case "RESTTeam":
		return []string{"id", "displayName", "mail"}
	case "RESTBackupSiteData":
		return append([]string{"id", "itemType", "repositoryId", "title", "url", org}, deleted...)
	case "RESTBackupUserData", "RESTBackupTeamData":
		return append([]string{"id", "itemType", "repositoryId", org}, deleted...)
	}
	return nil
}

// stormNulled are the required members the storm still sends as null, on
// about half the items (which ones is fixed by the seed and the item), as
// real servers do: a repository entry without its id or its
// organization (data of a deleted user or organization), a site without
// its title or personal flag, a team without a mail address.
var stormNulled = map[string][]string{
	"RESTBackupUserData": {"id", "organizationId", "backedUpOrganizationId"},
	"RESTBackupSiteData": {"title", "organizationId", "backedUpOrganizationId"},
	"RESTBackupTeamData": {"organizationId", "backedUpOrganizationId"},
	"RESTSite":           {"title", "isPersonal"},
	"RESTTeam":           {"mail"},
}

// nullStorm rewrites the 200 answer rep of a v6+ request under a NullStorm
// fault: every member its schema does not require is null or absent, and
// the stormNulled members are null on some items. Other replies pass.
func (s *Simulator) nullStorm(f *fired, rt routed, rep *reply) *reply {
	if f == nil || f.Kind != NullStorm || rep.status != http.StatusOK || rep.stream {
		return rep
	}
	sh, ok := nullShapeOf(rt.ver, rt.endpoint)
	if !ok {
		return rep
	}
	var buf bytes.Buffer
	if rep.body(&buf) != nil {
		return rep
	}
	d := json.NewDecoder(&buf)
	d.UseNumber()
	var doc any
	if d.Decode(&doc) != nil {
		return rep
	}
	st := storm{s: s, ver: rt.ver, endpoint: rt.endpoint}
	if len(sh.root) > 2 && sh.root[:2] == "[]" {
		st.items(doc, sh.root[2:])
	} else {
		st.object(doc, sh.root, sh.item)
	}
	body, err := json.Marshal(doc)
	if err != nil {
		return rep
	}
	out := bytesReply(rep.status, body)
	out.items, out.after, out.mangle, out.contentType = rep.items, rep.after, rep.mangle, rep.contentType
	for k, v := range rep.header {
		if k != "Content-Length" {
			out.header[k] = v
		}
	}
	return out
}

// storm is one answer being spoiled.
type storm struct {
	s        *Simulator
	ver      int
	endpoint string
}

// items spoils each element of an array of schema item.
func (st storm) items(v any, item string) {
	arr, ok := v.([]any)
	if !ok {
		return
	}
	for _, e := range arr {
		st.object(e, item, "")
	}
}

// object spoils one object of schema: the members it requires stay (a
// page's results are spoiled as items), the others become null or go.
func (st storm) object(v any, schema, item string) {
	obj, ok := v.(map[string]any)
	if !ok {
		return
	}
	required := nullRequired(st.ver, schema)
	key := st.itemKey(obj)
	for name := range obj {
		switch {
		case name == "results" && item != "":
			st.items(obj[name], item)
		case slices.Contains(required, name):
			if slices.Contains(stormNulled[schema], name) && st.roll(key, "required/"+name)&1 == 1 {
				obj[name] = nil
			}
		case st.roll(key, name)&1 == 1:
			obj[name] = nil
		default:
			delete(obj, name)
		}
	}
}

// itemKey names an object for the seeded choices: its id where it has
// one, so that an item is spoiled the same way on every page and read.
func (st storm) itemKey(obj map[string]any) string {
	if id, ok := obj["id"].(string); ok {
		return id
	}
	return st.endpoint
}

// roll is the seeded choice for member name of the object named key.
func (st storm) roll(key, name string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(st.endpoint))
	h.Write([]byte{0})
	h.Write([]byte(key))
	h.Write([]byte{0})
	h.Write([]byte(name))
	return st.s.seeded(h.Sum64())
}
