package contract

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

// absentID is a well-formed id that no simulated object has, for the 404s.
const absentID = "0badc0de-0000-4000-8000-000000000000"

// apiClient speaks one API version to the server under test.
type apiClient struct {
	t     *testing.T
	srv   *httptest.Server
	ver   string
	token string
	spec  *spec
}

// send makes one request; auth adds the current token. The query is
// encoded sorted, so every run sends the same bytes.
func (c *apiClient) send(method, path string, q url.Values, auth bool, form url.Values) (int, []byte) {
	c.t.Helper()
	u := c.srv.URL + "/" + c.ver + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	hr, err := http.NewRequest(method, u, body)
	if err != nil {
		c.t.Fatal(err)
	}
	if form != nil {
		hr.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if auth {
		hr.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.srv.Client().Do(hr)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, u, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatalf("%s %s: reading body: %v", method, u, err)
	}
	return resp.StatusCode, b
}

// expect sends a request and demands a status; the walk cannot follow ids
// out of an answer it did not expect.
func (c *apiClient) expect(status int, method, path string, q url.Values, auth bool) []byte {
	c.t.Helper()
	got, b := c.send(method, path, q, auth, nil)
	if got != status {
		c.t.Errorf("%s /%s%s?%s: status %d, want %d: %.200s", method, c.ver, path, q.Encode(), got, status, b)
		return nil
	}
	return b
}

// object GETs one resource and decodes it.
func (c *apiClient) object(path string, q url.Values) map[string]any {
	c.t.Helper()
	var m map[string]any
	if b := c.expect(http.StatusOK, http.MethodGet, path, q, true); b != nil {
		if err := json.Unmarshal(b, &m); err != nil {
			c.t.Errorf("GET /%s%s: %v", c.ver, path, err)
		}
	}
	return m
}

// paged says whether the schema gives the operation paging parameters;
// the walk pages exactly where Veeam's schema of that version does.
func (c *apiClient) paged(template string) bool {
	op := c.spec.doc.Paths.Value("/" + c.ver + template).GetOperation(http.MethodGet)
	return op.Parameters.GetByInAndName("query", "limit") != nil
}

// collection reads a bare array, or every page of a paged collection
// (limit small so several pages are read, at most maxPages), sending the
// first page's setId with the later ones when keepSet.
func (c *apiClient) collection(template, path string, q url.Values, limit, maxPages int, keepSet bool) []map[string]any {
	c.t.Helper()
	if !c.paged(template) {
		var items []map[string]any
		if b := c.expect(http.StatusOK, http.MethodGet, path, q, true); b != nil {
			if err := json.Unmarshal(b, &items); err != nil {
				c.t.Errorf("GET /%s%s: want an array: %v", c.ver, path, err)
			}
		}
		return items
	}
	var all []map[string]any
	setID := ""
	for page, offset := 0, 0; page < maxPages; page, offset = page+1, offset+limit {
		pq := url.Values{}
		for k, vs := range q {
			pq[k] = vs
		}
		pq.Set("limit", strconv.Itoa(limit))
		pq.Set("offset", strconv.Itoa(offset))
		if setID != "" {
			pq.Set("setId", setID)
		}
		var p struct {
			SetID   string           `json:"setId"`
			Results []map[string]any `json:"results"`
		}
		b := c.expect(http.StatusOK, http.MethodGet, path, pq, true)
		if b == nil {
			break
		}
		if err := json.Unmarshal(b, &p); err != nil {
			c.t.Errorf("GET /%s%s: want a page: %v", c.ver, path, err)
			break
		}
		if keepSet && setID == "" {
			setID = p.SetID
		}
		all = append(all, p.Results...)
		if len(p.Results) < limit {
			break
		}
	}
	return all
}

// ids collects the "id" of each item, failing on an item without one.
func (c *apiClient) ids(what string, items []map[string]any) []string {
	c.t.Helper()
	var out []string
	for i, it := range items {
		id, _ := it["id"].(string)
		if id == "" {
			c.t.Errorf("%s %s[%d] has no id", c.ver, what, i)
			continue
		}
		out = append(out, id)
	}
	if len(out) == 0 {
		c.t.Errorf("%s: no %s to follow", c.ver, what)
	}
	return out
}

// login runs the password grant, a failed one and a refresh grant, and
// keeps the last access token.
func (c *apiClient) login() {
	c.t.Helper()
	form := url.Values{"grant_type": {"password"}, "username": {"admin"}, "password": {"secret"}}
	if c.ver != "v6" {
		// Declared on v7 and v8 only (veeam-api-v6-v8.md §2).
		form.Set("disable_antiforgery_token", "true")
	}
	bad := url.Values{"grant_type": {"password"}, "username": {"admin"}, "password": {"wrong"}}
	if st, b := c.send(http.MethodPost, "/token", nil, false, bad); st < 400 {
		c.t.Errorf("%s token with a wrong password: status %d: %.200s", c.ver, st, b)
	}
	var tok struct {
		Access  string `json:"access_token"`
		Refresh string `json:"refresh_token"`
	}
	st, b := c.send(http.MethodPost, "/token", nil, false, form)
	if st != http.StatusOK || json.Unmarshal(b, &tok) != nil || tok.Access == "" {
		c.t.Fatalf("%s password grant: status %d: %.200s", c.ver, st, b)
	}
	st, b = c.send(http.MethodPost, "/token", nil, false, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tok.Refresh}})
	if st != http.StatusOK || json.Unmarshal(b, &tok) != nil || tok.Access == "" {
		c.t.Fatalf("%s refresh grant: status %d: %.200s", c.ver, st, b)
	}
	c.token = tok.Access
}

func walkVersion(t *testing.T, srv *httptest.Server, ver string) {
	specs, err := loadSpecs()
	if err != nil {
		t.Fatal(err)
	}
	c := &apiClient{t: t, srv: srv, ver: ver, spec: specs[ver]}

	// Version detection probes: no token, so 401 on protected paths.
	c.expect(http.StatusUnauthorized, http.MethodGet, "/ServiceInstance", nil, false)
	c.expect(http.StatusUnauthorized, http.MethodGet, "/Jobs", nil, false)
	c.token = "not-a-token"
	c.expect(http.StatusUnauthorized, http.MethodGet, "/BackupRepositories", nil, true)
	c.expect(http.StatusOK, http.MethodGet, "/RestorePortalSettings", nil, false)
	if ver == "v8" {
		c.expect(http.StatusOK, http.MethodGet, "/Health", nil, false)
	} else {
		c.expect(http.StatusNotFound, http.MethodGet, "/Health", nil, false)
	}

	c.login()
	c.object("/ServiceInstance", nil)

	orgs := walkOrganizations(c)
	walkJobs(c)
	repos := walkRepositories(c)
	walkWorkloads(c, orgs, repos)
	walkOperations(c)

	// Documented failures: unknown ids, unknown paths and methods.
	c.expect(http.StatusNotFound, http.MethodGet, "/Jobs/"+absentID, nil, true)
	c.expect(http.StatusNotFound, http.MethodGet, "/Organizations/"+absentID, url.Values{"extendedView": {"false"}}, true)
	c.expect(http.StatusNotFound, http.MethodGet, "/BackupRepositories/"+absentID, nil, true)
	c.expect(http.StatusNotFound, http.MethodGet, "/Organizations/"+absentID+"/Users", nil, true)
	c.expect(http.StatusNotFound, http.MethodGet, "/NoSuchResource", nil, true)
	c.expect(http.StatusMethodNotAllowed, http.MethodDelete, "/Jobs", nil, true)
}

// walkOrganizations reads the organizations and what hangs off them, and
// returns their ids.
func walkOrganizations(c *apiClient) []string {
	q := url.Values{}
	if c.ver == "v6" {
		q.Set("extendedView", "true") // required by the v6 schema
	}
	orgs := c.collection("/Organizations", "/Organizations", q, 1, 5, false)
	var src url.Values
	if c.ver != "v6" {
		src = url.Values{"dataSource": {"PreferLocal"}}
	}
	ids := c.ids("organizations", orgs)
	for _, org := range ids {
		op := "/Organizations/" + org
		c.object(op, url.Values{"extendedView": {"false"}})
		c.object(op+"/LicensingInformation", nil)
		if c.ver != "v6" {
			c.object(op, nil) // optional from v7 on
		}
		c.object(op, url.Values{"extendedView": {"true"}})
		if c.ver == "v8" {
			c.expect(http.StatusNotFound, http.MethodGet, op+"/Jobs", nil, true)
		} else {
			c.collection("/Organizations/{organizationId}/Jobs", op+"/Jobs", nil, 0, 0, false)
		}
		users := c.collection("/Organizations/{organizationId}/Users", op+"/Users", src, 7, 4, true)
		c.ids("users", users)
		groups := c.collection("/Organizations/{organizationId}/Groups", op+"/Groups", src, 3, 4, true)
		gids := c.ids("groups", groups)
		if len(groups) == 0 {
			continue
		}
		if name, _ := groups[0]["name"].(string); name != "" {
			gq := url.Values{"groupName": {name}}
			for k, vs := range src {
				gq[k] = vs
			}
			c.collection("/Organizations/{organizationId}/Groups", op+"/Groups", gq, 5, 1, false)
		}
		for _, g := range gids[:min(4, len(gids))] {
			c.collection("/Organizations/{organizationId}/Groups/{groupId}/Members",
				op+"/Groups/"+url.PathEscape(g)+"/Members", src, 10, 3, true)
		}
	}
	return ids
}

func walkJobs(c *apiClient) {
	jobs := c.collection("/Jobs", "/Jobs", nil, 2, 20, false)
	if c.ver == "v8" && len(jobs) > 0 {
		// v8 filters jobs by organization and repository.
		for _, k := range []string{"organizationId", "repositoryId"} {
			if id, _ := jobs[0][k].(string); id != "" {
				c.collection("/Jobs", "/Jobs", url.Values{k: {id}}, 2, 3, false)
			}
		}
	}
	for _, id := range c.ids("jobs", jobs) {
		c.object("/Jobs/"+id, nil)
		c.collection("/Jobs/{jobId}/SelectedItems", "/Jobs/"+id+"/SelectedItems", nil, 3, 5, false)
		c.collection("/Jobs/{jobId}/ExcludedItems", "/Jobs/"+id+"/ExcludedItems", nil, 3, 5, false)
	}
}

// walkRepositories reads the repositories and their user data, and
// returns their ids.
func walkRepositories(c *apiClient) []string {
	repos := c.collection("/BackupRepositories", "/BackupRepositories", nil, 1, 5, false)
	ids := c.ids("repositories", repos)
	for _, id := range ids {
		c.object("/BackupRepositories/"+id, nil)
		c.collection("/BackupRepositories/{repositoryId}/UserData", "/BackupRepositories/"+id+"/UserData", nil, 7, 3, false)
		// A page past the end is an empty page, not an error.
		c.object("/BackupRepositories/"+id+"/UserData", url.Values{"limit": {"5"}, "offset": {"100000"}})
	}
	return ids
}
