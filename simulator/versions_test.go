package simulator

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// keys decodes one JSON object's member names.
func keys(t *testing.T, raw []byte) map[string]json.RawMessage {
	t.Helper()
	var m map[string]json.RawMessage
	mustJSON(t, raw, &m)
	return m
}

// checkMembers fails for every name in want that is absent and every name
// in not that is present.
func checkMembers(t *testing.T, what string, m map[string]json.RawMessage, want, not []string) {
	t.Helper()
	for _, k := range want {
		if _, ok := m[k]; !ok {
			t.Errorf("%s lacks %s", what, k)
		}
	}
	for _, k := range not {
		if _, ok := m[k]; ok {
			t.Errorf("%s has %s", what, k)
		}
	}
}

func TestVersionShapes(t *testing.T) {
	srv, sim := NewServer(t, Options{Versions: allV6Plus, Tenant: TenantOptions{Now: tenantNow}})
	hc := sim.HardCases()
	truth := sim.ProtectionTruth()
	repo := truth[0].RepositoryID
	for _, ver := range allV6Plus {
		c := newVClient(t, srv, ver)
		paged := ver == "v8"
		// Array on v6/v7, page on v8; Users, Groups, Members and UserData
		// are pages everywhere.
		for path, page := range map[string]bool{
			"/Jobs": paged, "/Jobs/" + hc.ExcludedMemberJob + "/SelectedItems": paged,
			"/Jobs/" + hc.EntireOrgJob + "/ExcludedItems": paged, "/Organizations?extendedView=false": paged,
			"/BackupRepositories": paged, "/Organizations/" + hc.OrganizationID + "/Users": true,
			"/Organizations/" + hc.OrganizationID + "/Groups": true, "/BackupRepositories/" + repo + "/UserData": true,
			"/Organizations/" + hc.OrganizationID + "/Groups/" + hc.LargeGroup + "/Members": true,
		} {
			status, b := c.get(c.p + path)
			if status != http.StatusOK || (b[0] == '{') != page {
				t.Errorf("%s%s: %d page=%v %s", c.p, path, status, page, truncate(b))
			}
			if page {
				_, total := keys(t, b)["totalCount"]
				if total == paged {
					t.Errorf("%s%s: totalCount present %v", c.p, path, total)
				}
			}
		}
		var raw json.RawMessage
		c.getJSON("/Jobs/"+hc.EntireOrgJob, &raw)
		job := keys(t, raw)
		checkMembers(t, ver+" job", job, []string{"id", "name", "description", "backupType", "repositoryId", "lastStatus",
			"lastRun", "nextRun", "isEnabled", "schedulePolicy", "_links"}, []string{"selectedItems", "allMailboxes"})
		checkMembers(t, ver+" job", job, map[string][]string{"v6": nil, "v7": {"lastBackup"}, "v8": {"lastBackup", "organizationId", "eTag"}}[ver],
			map[string][]string{"v6": {"lastBackup", "organizationId", "eTag"}, "v7": {"organizationId", "eTag"}, "v8": {"runNow"}}[ver])
		var links map[string]link
		mustJSON(t, job["_links"], &links)
		if links["organization"].Href != c.p+"/Organizations/"+hc.OrganizationID {
			t.Errorf("%s organization link %q", ver, links["organization"].Href)
		}
		if string(job["backupType"]) != `"EntireOrganization"` {
			t.Errorf("%s backupType %s", ver, job["backupType"])
		}
		if sel := c.all("/Jobs/"+hc.EntireOrgJob+"/SelectedItems", 30); len(sel) != 0 {
			t.Errorf("%s entire-org job selects %d items", ver, len(sel))
		}

		users := c.all("/Organizations/"+hc.OrganizationID+"/Users", 500)
		u := keys(t, users[0])
		checkMembers(t, ver+" user", u, []string{"id", "displayName", "name", "type", "locationType", "_links"}, nil)
		checkMembers(t, ver+" user", u, map[string][]string{"v6": nil, "v7": {"office"}, "v8": {"office", "msid", "eTag", "assignedLicenses"}}[ver],
			map[string][]string{"v6": {"office", "msid"}, "v7": {"msid", "eTag"}, "v8": {"isBackedUp"}}[ver])

		ud := keys(t, c.all("/BackupRepositories/"+repo+"/UserData", 30)[0])
		checkMembers(t, ver+" user data", ud, []string{"id", "email", "displayName", "accountType", "isMailboxBackedUp",
			"mailboxBackedUpTime", "isArchiveBackedUp", "organizationId", "itemType", "repositoryId"}, nil)
		checkMembers(t, ver+" user data", ud, map[string][]string{"v6": nil, "v7": {"isDeleted", "proxyId", "backedUpOrganizationId"}, "v8": {"backedUpOrganizationId"}}[ver],
			map[string][]string{"v6": {"isDeleted", "backedUpOrganizationId"}, "v7": nil, "v8": {"isDeleted", "proxyId"}}[ver])

		var si struct{ InstallationID, Version string }
		c.getJSON("/ServiceInstance", &si)
		if id, v := sim.ServiceInstance(); si.InstallationID != id || si.Version != v || v != v8Builds[V8Release84] {
			t.Errorf("%s service instance %+v", ver, si)
		}
		org := keys(t, c.all("/Organizations?extendedView=true", 30)[0])
		checkMembers(t, ver+" organization", org, []string{"id", "name", "isBackedup", "lastBackuptime"}, nil)
		org = keys(t, c.all("/Organizations?extendedView=false", 30)[0])
		checkMembers(t, ver+" organization", org, []string{"id", "name"}, []string{"isBackedup", "lastBackuptime"})
	}
}

// TestServedVersions covers the newest-build rule and 404 for prefixes not
// served or paths a version lacks.
func TestServedVersions(t *testing.T) {
	srv, sim := NewServer(t, Options{Versions: []string{"V6", "v7", "v5"}, Tenant: TenantOptions{Now: tenantNow}})
	if v := sim.Options().Versions; len(v) != 2 || v[0] != "v6" || v[1] != "v7" {
		t.Errorf("versions %v", v)
	}
	if _, v := sim.ServiceInstance(); v != "7.1.0.2031" {
		t.Errorf("build %s", v)
	}
	c := newVClient(t, srv, "v6")
	org := sim.HardCases().OrganizationID
	for _, path := range []string{"/v1/Jobs", "/v8/Jobs", "/v5/Jobs", "/v6/Health", "/v6/Nope", "/v7/Jobs/x/Nope"} {
		status, b := c.get(path)
		if status != http.StatusNotFound || !strings.Contains(string(b), "No HTTP resource was found") {
			t.Errorf("GET %s: %d %s", path, status, b)
		}
	}
	if status, _ := c.get("/v7/Organizations/" + org + "/Jobs"); status != http.StatusOK {
		t.Errorf("v7 organization jobs: %d", status)
	}
	srv8, sim8 := NewServer(t, Options{Versions: allV6Plus, Tenant: TenantOptions{Now: tenantNow}})
	c8 := newVClient(t, srv8, "v8")
	if status, b := c8.get("/v8/Organizations/" + sim8.HardCases().OrganizationID + "/Jobs"); status != http.StatusNotFound ||
		!strings.Contains(string(b), "No HTTP resource was found") {
		t.Errorf("v8 organization jobs: %d %s", status, b)
	}
	for path, want := range map[string]string{"/v8/Jobs/" + zeroGUID: "Job with id", "/v8/Organizations/" + zeroGUID + "/Users": "Organization with id",
		"/v8/Organizations/" + org + "/Groups/x/Members": "Group with id", "/v8/BackupRepositories/" + zeroGUID + "/UserData": "Backup repository"} {
		if status, b := c8.get(path); status != http.StatusNotFound || !strings.Contains(string(b), want) {
			t.Errorf("GET %s: %d %s", path, status, b)
		}
	}
	// v1 still works beside v8 when asked for, with its own jobs.
	srvBoth, _ := NewServer(t, Options{Versions: []string{"v1", "v8"}, Tenant: TenantOptions{Now: tenantNow}})
	if status, b := newClient(t, srvBoth).get("/v1/Jobs"); status != http.StatusOK || b[0] != '[' {
		t.Errorf("v1 beside v8: %d", status)
	}
}

func TestVersionAuth(t *testing.T) {
	srv, sim := NewServer(t, Options{Versions: allV6Plus, Tenant: TenantOptions{Now: tenantNow}})
	anon := &vclient{client: &client{t: t, base: srv.URL, hc: srv.Client()}}
	for _, path := range []string{"/v6/ServiceInstance", "/v7/Jobs", "/v8/Jobs", "/v8/Organizations/" + sim.HardCases().OrganizationID + "/Users",
		"/v8/BackupRepositories/" + zeroGUID + "/UserData"} {
		resp, b, err := anon.do(path)
		if err != nil || resp.StatusCode != http.StatusUnauthorized || resp.Header.Get("WWW-Authenticate") != "Bearer" ||
			string(b) != `{"message":"Authorization has been denied for this request."}` {
			t.Errorf("anonymous GET %s: %v %v %s", path, err, resp, b)
		}
	}
	for _, path := range []string{"/v6/RestorePortalSettings", "/v7/RestorePortalSettings", "/v8/RestorePortalSettings", "/v8/Health"} {
		if status, b := anon.get(path); status != http.StatusOK || !strings.Contains(string(b), `"status":"Healthy"`) && !strings.Contains(string(b), "isEnabled") {
			t.Errorf("anonymous GET %s: %d %s", path, status, b)
		}
	}
	// A token from one prefix works on the others; the v6+ token answer has
	// RFC 3339 times.
	c := newVClient(t, srv, "v8")
	for _, p := range []string{"/v6/Jobs", "/v7/Jobs", "/v8/Jobs"} {
		if status, _ := c.get(p); status != http.StatusOK {
			t.Errorf("v8 token on %s: %d", p, status)
		}
	}
	resp, err := srv.Client().Post(srv.URL+"/v7/token", "application/json",
		strings.NewReader(`{"grant_type":"password","username":"ADMIN","password":"secret","disable_antiforgery_token":true}`))
	if err != nil {
		t.Fatal(err)
	}
	var tok tokenResp
	if err := json.NewDecoder(resp.Body).Decode(&tok); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("JSON token: %d %v", resp.StatusCode, err)
	}
	resp.Body.Close()
	if _, err := time.Parse(time.RFC3339, tok.Expires); err != nil || tok.RefreshToken == "" {
		t.Errorf("token %+v: %v", tok, err)
	}
	resp, err = srv.Client().Post(srv.URL+"/v6/token", "application/x-www-form-urlencoded",
		strings.NewReader(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tok.RefreshToken}}.Encode()))
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Errorf("refresh on another prefix: %v %v", err, resp)
	}
	resp.Body.Close()
	if status, _ := c.get("/v8/token"); status != http.StatusMethodNotAllowed {
		t.Errorf("GET token: %d", status)
	}
}

// TestQueryValidation covers the parameters a schema constrains.
func TestQueryValidation(t *testing.T) {
	srv, sim := NewServer(t, Options{Versions: allV6Plus, Tenant: TenantOptions{Now: tenantNow}})
	hc := sim.HardCases()
	users := "/Organizations/" + hc.OrganizationID + "/Users"
	cases := []struct {
		ver, path string
		status    int
	}{
		{"v6", "/Organizations", 400}, // extendedView is required on v6
		{"v6", "/Organizations/" + hc.OrganizationID, 400},
		{"v7", "/Organizations", 200},
		{"v8", "/Organizations?extendedView=maybe", 400},
		{"v6", users + "?dataSource=Bogus", 200}, // not a v6 parameter
		{"v7", users + "?dataSource=Bogus", 400},
		{"v8", users + "?dataSource=preferlocal", 200},
		{"v8", users + "?dataSource=PreferLocalResynced", 200},
		{"v8", users + "?locationFilter=Mars", 400},
		{"v8", "/Jobs?organizationId=nope", 400},
		{"v8", "/Jobs?organizationId=" + hc.OrganizationID, 200},
		{"v8", "/BackupRepositories?longTerm=yes", 400},
	}
	for _, tc := range cases {
		c := newVClient(t, srv, tc.ver)
		if status, b := c.get(c.p + tc.path); status != tc.status {
			t.Errorf("GET %s%s: %d, want %d: %s", c.p, tc.path, status, tc.status, truncate(b))
		}
	}
	c := newVClient(t, srv, "v8")
	found := decodeAll[wGroup](t, c.all("/Organizations/"+hc.OrganizationID+"/Groups?groupName=ALL-STAFF", 30))
	if len(found) != 1 || found[0].ID != hc.LargeGroup {
		t.Errorf("groupName lookup: %+v", found)
	}
	if n := len(c.all("/Organizations/"+hc.OrganizationID+"/Groups?groupName="+url.QueryEscape(hc.MissingGroupName), 30)); n != 0 {
		t.Errorf("missing group found %d times", n)
	}
	byName := decodeAll[wUser](t, c.all(users+"?userName="+url.QueryEscape(strings.ToUpper(readWireName(t, c, users, hc.SharedUser))), 30))
	if len(byName) != 1 || byName[0].ID != hc.SharedUser {
		t.Errorf("userName lookup: %+v", byName)
	}
	if n := len(c.all(users+"?locationFilter=OnPremises", 30)); n != 0 {
		t.Errorf("on-premises users: %d", n)
	}
	var jobs vpage
	c.getJSON("/Jobs?repositoryId="+sim.ProtectionTruth()[0].RepositoryID, &jobs)
	for _, raw := range jobs.Results {
		var j wJob
		mustJSON(t, raw, &j)
		if j.RepositoryID != sim.ProtectionTruth()[0].RepositoryID {
			t.Errorf("repositoryId filter let %s through", j.Name)
		}
	}
}

func readWireName(t *testing.T, c *vclient, users, id string) string {
	t.Helper()
	for _, u := range decodeAll[wUser](t, c.all(users, 1000)) {
		if u.ID == id {
			return u.Name
		}
	}
	t.Fatalf("user %s not listed", id)
	return ""
}

// TestV8ReleaseShapes: /v8 of an 8.0 server has the private object counts
// on jobs and sessions and no dataLocation; an 8.4 server the reverse.
// Each reports a build of its release, on every prefix.
func TestV8ReleaseShapes(t *testing.T) {
	for _, release := range []string{V8Release80, V8Release84} {
		t.Run(release, func(t *testing.T) {
			srv, sim := NewServer(t, Options{Versions: allV6Plus, V8Release: release,
				Tenant: TenantOptions{Now: tenantNow, Workloads: true, Users: 60}})
			is80 := release == V8Release80
			counts, location := []string{"totalObjects", "processedObjects"}, []string{"dataLocation"}
			have := func(b bool, names []string) (want, not []string) {
				if b {
					return names, nil
				}
				return nil, names
			}
			if _, build := sim.ServiceInstance(); !strings.HasPrefix(build, release+".") {
				t.Errorf("build %s, want one of %s", build, release)
			}
			hc := sim.HardCases()
			c := newVClient(t, srv, "v8")
			org := "/Organizations/" + hc.OrganizationID
			for _, path := range []string{org + "/Users", org + "/Groups", org + "/Groups/" + hc.LargeGroup + "/Members",
				org + "/Sites", org + "/Teams"} {
				want, not := have(!is80, location)
				checkMembers(t, release+" "+path, keys(t, c.all(path, 50)[0]), want, not)
			}
			var job json.RawMessage
			c.getJSON("/Jobs/"+hc.EntireOrgJob, &job)
			want, not := have(is80, counts)
			checkMembers(t, release+" job", keys(t, job), want, not)
			sessions := c.all("/JobSessions?jobId="+hc.EntireOrgJob, 50)
			if len(sessions) == 0 {
				t.Fatal("the entire-organization job has no sessions")
			}
			want, not = have(is80, []string{"total"})
			checkMembers(t, release+" session", keys(t, sessions[0]), want, not)
			if !is80 {
				return
			}
			var j struct{ TotalObjects, ProcessedObjects int }
			var s struct{ Total, Progress int }
			mustJSON(t, job, &j)
			mustJSON(t, sessions[0], &s)
			if j.TotalObjects != s.Total || j.TotalObjects == 0 || j.ProcessedObjects > s.Progress {
				t.Errorf("job counts %+v, its last session's %+v", j, s)
			}
		})
	}
	for _, v := range []string{"v6", "v7"} {
		if _, build := New(Options{Versions: []string{v}, V8Release: V8Release80}).ServiceInstance(); build != builds[versionNumber(v)] {
			t.Errorf("a %s server reports build %s", v, build)
		}
	}
}
