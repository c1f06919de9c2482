package vboapi

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/go-kit/log"

	"github.com/vbo365-exporter/vbo365_exporter/contract"
)

// The recorded responses in testdata/<resource>/<version>.json are built by
// hand from Veeam's schemas (see testdata/README.md). TestFixtureSchemas
// keeps them valid against those schemas; the TestFixture… decoder tests
// serve them to a real Client pinned to their version and check what the
// decoders make of them, field by field.

// Ids the fixtures use.
const (
	fxOrg1      = "2c6d0f1a-8e4b-4c7d-9a35-6b1e0d9f4a21" // contoso
	fxOrg2      = "7e9a3b52-1d4c-4f8e-a6b0-3c5d2e1f0a94" // fabrikam: no jobs yet
	fxRepo1     = "b4f1e6c2-3a9d-4e7b-8c05-9d2a1f6e3b48"
	fxRepo2     = "e1a7c3d9-6b2f-4a8e-9d14-5c0b7e2f8a63"
	fxJob1      = "5a8e2c14-7b3f-4d96-a1e0-2f4c6b8d0e13"
	fxJob2      = "9c1d7e3a-2f5b-4a80-b6d4-1e3f5a7c9b25"
	fxJob3      = "d3f6a9c2-8e1b-4c57-9a0d-6b2e4f8a1c37"
	fxAdele     = "8f2b4d6e-1a3c-4e5f-9b7d-0c2e4a6b8d11"
	fxAlex      = "1c3e5a7b-9d2f-4b6a-8c0e-2d4f6a8b0c22"
	fxReception = "6a8c0e2b-4d6f-4a1c-9e3b-5f7a9c1e3b33" // shared mailbox
	fxPublic    = "3e5a7c9b-1d3f-4e6a-8b0c-4e6a8c0e2d44" // public folder mailbox
	fxRoom      = "0b2d4f6a-8c1e-4b3d-9f5a-7c9e1b3d5f55" // type null
	fxFormer    = "7d9f1b3c-5e7a-4c9e-8d1f-3b5d7f9a1c66" // data of a removed organization
	fxSales     = "a2c4e6f8-0b1d-4f3a-9c5e-7a9b1d3f5e77"
	fxSalesDL   = "c4e6a8b0-2d3f-4b5c-8e7a-9b1d3f5a7c88"
	fxSalesSec  = "e6a8c0d2-4f5b-4d7e-9a9c-1d3f5b7d9e99"

	fxSetUsers   = "4b7e1c9a-0d3f-4a6e-8b25-7c1d9e3f5a40"
	fxSetMembers = "6d903e1c-2f5b-4c80-8d47-9e3f1a5b7c62"
)

// fixtureOps names, per fixture resource, the operations whose 200
// response it records and the versions it exists for.
var fixtureOps = []struct {
	resource string
	paths    []string
	versions []Version
}{
	{"serviceinstance", []string{"/ServiceInstance"}, []Version{V6, V7, V8}},
	{"jobs", []string{"/Jobs"}, []Version{V6, V7, V8}},
	{"job_items", []string{"/Jobs/{jobId}/SelectedItems", "/Jobs/{jobId}/ExcludedItems"}, []Version{V6, V7, V8}},
	{"organizations", []string{"/Organizations"}, []Version{V6, V7, V8}},
	{"organization_jobs", []string{"/Organizations/{organizationId}/Jobs"}, []Version{V6, V7}},
	{"users", []string{"/Organizations/{organizationId}/Users"}, []Version{V6, V7, V8}},
	{"groups", []string{"/Organizations/{organizationId}/Groups"}, []Version{V6, V7, V8}},
	{"group_members", []string{"/Organizations/{organizationId}/Groups/{groupId}/Members"}, []Version{V6, V7, V8}},
	{"userdata", []string{"/BackupRepositories/{repositoryId}/UserData"}, []Version{V6, V7, V8}},
	{"job_items_workloads", []string{"/Jobs/{jobId}/SelectedItems", "/Jobs/{jobId}/ExcludedItems"}, []Version{V6, V7, V8}},
	{"sites", []string{"/Organizations/{organizationId}/Sites"}, []Version{V6, V7, V8}},
	{"teams", []string{"/Organizations/{organizationId}/Teams"}, []Version{V6, V7, V8}},
	{"sitedata", []string{"/BackupRepositories/{repositoryId}/SiteData"}, []Version{V6, V7, V8}},
	{"teamdata", []string{"/BackupRepositories/{repositoryId}/TeamData"}, []Version{V6, V7, V8}},
	{"license", []string{"/License"}, []Version{V6, V7, V8}},
	{"licensing_information", []string{"/Organizations/{organizationId}/LicensingInformation"}, []Version{V6, V7, V8}},
	{"repositories", []string{"/BackupRepositories"}, []Version{V6, V7, V8}},
	{"object_storage", []string{"/objectstoragerepositories"}, []Version{V6, V7}},
	{"proxies", []string{"/Proxies"}, []Version{V6, V7, V8}},
	{"health", []string{"/Health"}, []Version{V8}},
	{"copy_jobs", []string{"/CopyJobs"}, []Version{V6, V7, V8}},
	{"job_sessions", []string{"/JobSessions"}, []Version{V6, V7, V8}},
	{"job_sessions", []string{"/Jobs/{jobId}/JobSessions"}, []Version{V6}},
	{"processed_objects", []string{"/JobSessions/{sessionId}/ProcessedObjects"}, []Version{V7, V8}},
	{"syncstate", []string{"/Organizations/{organizationId}/SyncState"}, []Version{V7}},
	{"syncstate", []string{"/Organizations/SyncState"}, []Version{V8}},
}

// maxFixtureBytes keeps the fixtures readable.
const maxFixtureBytes = 8 << 10

func fixturePath(resource string, v Version) string {
	return filepath.Join("testdata", resource, string(v)+".json")
}

func fxLoad(t *testing.T, resource string, v Version) []byte {
	t.Helper()
	b, err := os.ReadFile(fixturePath(resource, v))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestFixtureSchemas validates every fixture against the response schema of
// its operation in Veeam's schema of its version, undeclared properties
// included, so that a fixture cannot drift from what Veeam documents. It
// also fails on a fixture file that no operation claims.
func TestFixtureSchemas(t *testing.T) {
	want := map[string]bool{}
	for _, op := range fixtureOps {
		for _, v := range op.versions {
			file := fixturePath(op.resource, v)
			want[file] = true
			body, err := os.ReadFile(file)
			if err != nil {
				t.Errorf("%s: %v", file, err)
				continue
			}
			if len(body) > maxFixtureBytes {
				t.Errorf("%s: %d bytes; keep a fixture under %d", file, len(body), maxFixtureBytes)
			}
			for _, p := range op.paths {
				if err := contract.ValidateFixture(string(v), http.MethodGet, p, http.StatusOK, body); err != nil {
					t.Errorf("%s does not conform to Veeam's %s schema of GET %s:\n%v", file, v, p, err)
				}
			}
		}
	}
	files, err := filepath.Glob(filepath.Join("testdata", "*", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if !want[f] {
			t.Errorf("%s is not validated: add it to fixtureOps", f)
		}
	}
}

// fixtureRoute is what the fixture server answers for one path.
type fixtureRoute struct {
	body  []byte
	paged bool // a PageOf… body, served by offset and limit
}

// fixtureAPI serves recorded bodies by path. A page is served as recorded
// when the request asks offset 0 with room for all of it; otherwise the
// page is cut from the recorded results at the asked offset and limit, the
// way the server pages (so the page after the last item is empty).
type fixtureAPI struct {
	routes map[string]fixtureRoute

	mu    sync.Mutex
	asked []*url.URL
}

func (f *fixtureAPI) token(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		http.Error(w, `{"message":"POST only"}`, http.StatusMethodNotAllowed)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	fmt.Fprint(w, `{"access_token":"t","expires_in":3600}`)
}

func (f *fixtureAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	u := *r.URL
	f.asked = append(f.asked, &u)
	f.mu.Unlock()
	if r.Header.Get("Authorization") != "Bearer t" {
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprint(w, `{"message":"Authorization has been denied for this request."}`)
		return
	}
	route, ok := f.routes[r.URL.Path]
	if !ok {
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprintf(w, `{"message":"the fixture server has nothing at %s"}`, r.URL.Path)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	if !route.paged {
		w.Write(route.body)
		return
	}
	var recorded struct {
		SetID   string            `json:"setId"`
		Results []json.RawMessage `json:"results"`
	}
	if err := json.Unmarshal(route.body, &recorded); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	q := r.URL.Query()
	offset, limit := 0, 30 // the API's defaults
	if s := q.Get("offset"); s != "" {
		offset, _ = strconv.Atoi(s)
	}
	if s := q.Get("limit"); s != "" {
		limit, _ = strconv.Atoi(s)
	}
	if offset == 0 && limit >= len(recorded.Results) {
		w.Write(route.body)
		return
	}
	lo, hi := min(offset, len(recorded.Results)), min(offset+limit, len(recorded.Results))
	results := recorded.Results[lo:hi]
	if results == nil {
		results = []json.RawMessage{}
	}
	page := struct {
		Offset  int               `json:"offset"`
		Limit   int               `json:"limit"`
		SetID   string            `json:"setId,omitempty"`
		Results []json.RawMessage `json:"results"`
	}{offset, limit, recorded.SetID, results}
	b, err := json.Marshal(page)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Write(b)
}

// requests returns the requests made for path, in order.
func (f *fixtureAPI) requests(path string) []url.Values {
	f.mu.Lock()
	defer f.mu.Unlock()
	var qs []url.Values
	for _, u := range f.asked {
		if u.Path == path {
			qs = append(qs, u.Query())
		}
	}
	return qs
}

// fixtureClient serves every fixture of version v at the paths its ids
// make, and returns a client pinned to v. Every exchange but the login is
// also checked against Veeam's schema (requests and the pages cut from
// fixtures included) when the test ends.
func fixtureClient(t *testing.T, v Version) (*Client, *fixtureAPI) {
	t.Helper()
	api := fxAPI(t, v)
	validator, err := contract.New()
	if err != nil {
		t.Fatal(err)
	}
	// Cleanups run last in, first out: the client and server that
	// fxServe starts close first, so every exchange is recorded.
	t.Cleanup(func() { validator.Check(t) })
	return fxServe(t, v, validator.Handler(api), api), api
}

// fxAPI serves every fixture of version v at the paths its ids make.
func fxAPI(t *testing.T, v Version) *fixtureAPI {
	t.Helper()
	p := func(rest string) string { return "/" + string(v) + rest }
	page := v.Paged()
	api := &fixtureAPI{routes: map[string]fixtureRoute{
		p("/ServiceInstance"):                                             {body: fxLoad(t, "serviceinstance", v)},
		p("/Jobs"):                                                        {body: fxLoad(t, "jobs", v), paged: page},
		p("/Jobs/" + fxJob1 + "/SelectedItems"):                           {body: fxLoad(t, "job_items", v), paged: page},
		p("/Jobs/" + fxJob1 + "/ExcludedItems"):                           {body: fxLoad(t, "job_items", v), paged: page},
		p("/Organizations"):                                               {body: fxLoad(t, "organizations", v), paged: page},
		p("/Organizations/" + fxOrg1 + "/Users"):                          {body: fxLoad(t, "users", v), paged: true},
		p("/Organizations/" + fxOrg1 + "/Groups"):                         {body: fxLoad(t, "groups", v), paged: true},
		p("/Organizations/" + fxOrg1 + "/Groups/" + fxSales + "/Members"): {body: fxLoad(t, "group_members", v), paged: true},
		p("/BackupRepositories/" + fxRepo1 + "/UserData"):                 {body: fxLoad(t, "userdata", v), paged: true},
	}}
	if v == V6 || v == V7 {
		api.routes[p("/Organizations/"+fxOrg1+"/Jobs")] = fixtureRoute{body: fxLoad(t, "organization_jobs", v)}
		api.routes[p("/Organizations/"+fxOrg2+"/Jobs")] = fixtureRoute{body: []byte("[]")}
	}
	fxOpsRoutes(t, api, v)
	fxWorkloadRoutes(t, api, v)
	return api
}

// fxServe serves h (api's routes, maybe behind a check) and api's login,
// and returns a client pinned to v.
func fxServe(t *testing.T, v Version, h http.Handler, api *fixtureAPI) *Client {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/"+string(v)+"/token" {
			api.token(w, r) // the short token answer is not Veeam's full schema
			return
		}
		h.ServeHTTP(w, r)
	}))
	u, _ := url.Parse(srv.URL)
	c, err := New(Options{
		Server: "fixture", APIVersion: v, BaseURL: u, Username: "svc", Password: "pw",
		RequestTimeout: 10 * time.Second, MaxConcurrent: 1, Logger: log.NewNopLogger(),
	})
	if err != nil {
		srv.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		c.Close()
		srv.Close() // waits for the handlers
	})
	return c
}

// fxVersions runs f once per version as a subtest.
func fxVersions(t *testing.T, versions []Version, f func(t *testing.T, v Version)) {
	for _, v := range versions {
		t.Run(string(v), func(t *testing.T) { f(t, v) })
	}
}

// fxDate is a UTC time, for expectations.
func fxDate(year int, month time.Month, day, hour, minute, sec, nsec int) time.Time {
	return time.Date(year, month, day, hour, minute, sec, nsec, time.UTC)
}

func fxTimeString(t time.Time) string {
	if t.IsZero() {
		return "zero"
	}
	return t.UTC().Format(time.RFC3339Nano)
}

func fxBoolString(b *bool) string {
	if b == nil {
		return "nil"
	}
	return strconv.FormatBool(*b)
}

func fxBool(b bool) *bool { return &b }

// fxField is one named field of a decoded value, as text.
type fxField struct{ name, value string }

// fxCompare reports every field of got that differs from want, by index
// and field name, and a length mismatch.
func fxCompare[T any](t *testing.T, what string, got, want []T, fields func(T) []fxField) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: %d items, want %d", what, len(got), len(want))
	}
	for i := range min(len(got), len(want)) {
		g, w := fields(got[i]), fields(want[i])
		for j := range w {
			if g[j].value != w[j].value {
				t.Errorf("%s[%d].%s = %s, want %s", what, i, w[j].name, g[j].value, w[j].value)
			}
		}
	}
}

func fxJobFields(j Job) []fxField {
	return []fxField{
		{"ID", j.ID}, {"Name", strconv.Quote(j.Name)}, {"OrganizationID", strconv.Quote(j.OrganizationID)},
		{"Enabled", fxBoolString(j.Enabled)}, {"AllMailboxes", fxBoolString(j.AllMailboxes)},
		{"LastStatus", strconv.Quote(j.LastStatus)}, {"LastRun", fxTimeString(j.LastRun)},
		{"NextRun", fxTimeString(j.NextRun)}, {"LastBackup", fxTimeString(j.LastBackup)},
		{"BackupType", strconv.Quote(j.BackupType)}, {"RepositoryID", strconv.Quote(j.RepositoryID)},
	}
}

func fxUserString(u *User) string {
	if u == nil {
		return "nil"
	}
	return fmt.Sprintf("{ID:%q Name:%q DisplayName:%q Type:%q}", u.ID, u.Name, u.DisplayName, u.Type)
}

func fxGroupString(g *Group) string {
	if g == nil {
		return "nil"
	}
	return fmt.Sprintf("{ID:%q Name:%q DisplayName:%q Type:%q}", g.ID, g.Name, g.DisplayName, g.Type)
}

func fxJobItemFields(it JobItem) []fxField {
	return []fxField{
		{"Type", strconv.Quote(it.Type)}, {"ID", strconv.Quote(it.ID)},
		{"User", fxUserString(it.User)}, {"Group", fxGroupString(it.Group)},
		{"Mailbox", strconv.FormatBool(it.Mailbox)}, {"Members", strconv.FormatBool(it.Members)},
		{"MemberMailbox", strconv.FormatBool(it.MemberMailbox)},
	}
}

func fxUserFields(u User) []fxField {
	return []fxField{
		{"ID", strconv.Quote(u.ID)}, {"Name", strconv.Quote(u.Name)},
		{"DisplayName", strconv.Quote(u.DisplayName)}, {"Type", strconv.Quote(u.Type)},
	}
}

func fxGroupFields(g Group) []fxField {
	return []fxField{
		{"ID", strconv.Quote(g.ID)}, {"Name", strconv.Quote(g.Name)},
		{"DisplayName", strconv.Quote(g.DisplayName)}, {"Type", strconv.Quote(g.Type)},
	}
}

func fxMemberFields(m GroupMember) []fxField {
	return []fxField{{"Name", strconv.Quote(m.Name)}, {"Login", strconv.Quote(m.Login)}, {"Type", strconv.Quote(m.Type)}}
}

func fxUserDataFields(d UserData) []fxField {
	return []fxField{
		{"ID", strconv.Quote(d.ID)}, {"Email", strconv.Quote(d.Email)},
		{"MailboxBackedUp", strconv.FormatBool(d.MailboxBackedUp)}, {"MailboxTime", fxTimeString(d.MailboxTime)},
		{"OrganizationID", strconv.Quote(d.OrganizationID)},
	}
}

func fxOrgFields(o Organization) []fxField {
	return []fxField{{"ID", o.ID}, {"Name", strconv.Quote(o.Name)}}
}

// fxWantJobs is what Jobs() must make of testdata/jobs/<v>.json (and, on v6
// and v7, of the organization job lists).
func fxWantJobs(v Version) []Job {
	j1 := Job{
		ID: fxJob1, Name: "Mailboxes daily", OrganizationID: fxOrg1, Enabled: fxBool(true),
		LastStatus: "Success", LastRun: fxDate(2024, 5, 1, 22, 0, 4, 523352100), NextRun: fxDate(2024, 5, 2, 22, 0, 0, 0),
		BackupType: "SelectedItems", RepositoryID: fxRepo1,
	}
	// Disabled, never ran: every time, the status and runNow are null.
	j2 := Job{ID: fxJob2, Name: "Entire organization", OrganizationID: fxOrg1, Enabled: fxBool(false), BackupType: "EntireOrganization", RepositoryID: fxRepo2}
	// isEnabled null; lastRun with a +02:00 offset; nextRun and lastBackup
	// the .NET zero date.
	j3 := Job{
		ID: fxJob3, Name: "OneDrive hourly", OrganizationID: fxOrg1, LastStatus: "Failed",
		LastRun: fxDate(2024, 5, 2, 6, 0, 3, 0), BackupType: "SelectedItems", RepositoryID: fxRepo1,
	}
	if v != V6 { // v6 has no lastBackup
		j1.LastBackup = fxDate(2024, 5, 1, 22, 14, 41, 123456700)
	}
	if v == V8 { // v8 names the organization on the job; this one is fabrikam's
		j3.OrganizationID = fxOrg2
	}
	return []Job{j1, j2, j3}
}

func TestFixtureServiceInstance(t *testing.T) {
	want := map[Version]ServiceInstance{
		V6: {InstallationID: "c1e3a5b7-9d0f-4a2c-8e4b-6d8f0a2c4e61", Version: "6.1.0.254"},
		V7: {InstallationID: "e3a5c7d9-1b2d-4f4a-9c6e-8f0b2d4f6a72", Version: "7.1.0.1401"},
		V8: {InstallationID: "a5c7e9f1-3d4b-4b6c-8e8a-0b2d4f6a8c83", Version: "8.1.0.305"},
	}
	fxVersions(t, []Version{V6, V7, V8}, func(t *testing.T, v Version) {
		c, _ := fixtureClient(t, v)
		got, err := c.ServiceInstance(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if got != want[v] {
			t.Errorf("ServiceInstance() = %+v, want %+v", got, want[v])
		}
	})
}

func TestFixtureJobs(t *testing.T) {
	fxVersions(t, []Version{V6, V7, V8}, func(t *testing.T, v Version) {
		c, api := fixtureClient(t, v)
		got, err := c.Jobs(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		fxCompare(t, "Jobs()", got, fxWantJobs(v), fxJobFields)

		orgs := api.requests("/" + string(v) + "/Organizations")
		if v == V8 {
			if len(orgs) != 0 {
				t.Errorf("v8 Jobs() asked GET /v8/Organizations %d times; v8 jobs carry organizationId", len(orgs))
			}
			return
		}
		// v6 and v7 jobs do not name their organization: it comes from each
		// organization's job list.
		if len(orgs) != 1 {
			t.Fatalf("Jobs() asked GET /%s/Organizations %d times, want 1", v, len(orgs))
		}
		if v == V6 && orgs[0].Get("extendedView") != "false" {
			t.Errorf("GET /v6/Organizations?%s: want extendedView=false (required on v6)", orgs[0].Encode())
		}
		for _, org := range []string{fxOrg1, fxOrg2} {
			if n := len(api.requests("/" + string(v) + "/Organizations/" + org + "/Jobs")); n != 1 {
				t.Errorf("Jobs() asked the job list of organization %s %d times, want 1", org, n)
			}
		}
	})
}

func TestFixtureOrganizations(t *testing.T) {
	want := []Organization{{ID: fxOrg1, Name: "contoso.onmicrosoft.com"}, {ID: fxOrg2, Name: "Fabrikam.onmicrosoft.com"}}
	fxVersions(t, []Version{V6, V7, V8}, func(t *testing.T, v Version) {
		c, _ := fixtureClient(t, v)
		got, err := c.Organizations(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		fxCompare(t, "Organizations()", got, want, fxOrgFields)
	})
}

func TestFixtureOrganizationJobs(t *testing.T) {
	fxVersions(t, []Version{V6, V7}, func(t *testing.T, v Version) {
		c, _ := fixtureClient(t, v)
		got, err := c.OrganizationJobs(context.Background(), fxOrg1)
		if err != nil {
			t.Fatal(err)
		}
		all := fxWantJobs(v)
		// The organization's own list, in its recorded order. Its jobs do
		// not name the organization (no organizationId, no organization
		// link), so OrganizationJobs leaves it empty; Jobs fills it in.
		want := []Job{all[1], all[0], all[2]}
		for i := range want {
			want[i].OrganizationID = ""
		}
		fxCompare(t, "OrganizationJobs(contoso)", got, want, fxJobFields)

		none, err := c.OrganizationJobs(context.Background(), fxOrg2)
		if err != nil {
			t.Fatal(err)
		}
		if len(none) != 0 {
			t.Errorf("OrganizationJobs(fabrikam) = %d jobs from an empty array, want 0", len(none))
		}
	})
}

// fxWantJobItems is what SelectedItems and ExcludedItems must make of
// testdata/job_items/<v>.json, which is the same on every version but for
// the fields each version adds to users and groups. Flags are true only for
// JSON true: false, null and absent are all false.
var fxWantJobItems = []JobItem{
	{Type: ItemUser, ID: "2b38d84080984614b369ebce33f9b2c7" + "8f2b4d6e1a3c4e5f9b7d0c2e4a6b8d11",
		User:    &User{ID: fxAdele, Name: "AdeleV@Contoso.OnMicrosoft.com", DisplayName: "Adele Vance", Type: "User"},
		Mailbox: true},
	{Type: ItemUser, ID: "2b38d84080984614b369ebce33f9b2c7" + "1c3e5a7b9d2f4b6a8c0e2d4f6a8b0c22",
		User: &User{ID: fxAlex, Name: "alexw@contoso.onmicrosoft.com", DisplayName: "Alex Wilber", Type: "User"}},
	{Type: ItemUser, ID: "2b38d84080984614b369ebce33f9b2c7" + "6a8c0e2b4d6f4a1c9e3b5f7a9c1e3b33",
		User:    &User{ID: fxReception, Name: "Reception@contoso.onmicrosoft.com", DisplayName: "Reception", Type: "Shared"},
		Mailbox: true},
	{Type: ItemUser, ID: "2b38d84080984614b369ebce33f9b2c7" + "3e5a7c9b1d3f4e6a8b0c4e6a8c0e2d44",
		User:    &User{ID: fxPublic, Name: "PublicFolders@contoso.onmicrosoft.com", DisplayName: "Public Folders", Type: "Public"},
		Mailbox: true},
	{Type: ItemGroup, ID: "9592732d22d8426a8167d9635158e945" + "a2c4e6f80b1d4f3a9c5e7a9b1d3f5e77",
		Group:   &Group{ID: fxSales, Name: "Sales@Contoso.OnMicrosoft.com", DisplayName: "Sales", Type: "Office365"},
		Members: true, MemberMailbox: true},
	// memberMailbox and mailbox null.
	{Type: ItemGroup, ID: "9592732d22d8426a8167d9635158e945" + "c4e6a8b02d3f4b5c8e7a9b1d3f5a7c88",
		Group:   &Group{ID: fxSalesDL, Name: "sales-dl@contoso.onmicrosoft.com", DisplayName: "Sales", Type: "Distribution"},
		Members: true},
	{Type: ItemPartialOrganization, ID: "c37da4506c4b48c487e2cc557ef5d897" + "2c6d0f1a8e4b4c7d9a356b1e0d9f4a21", Mailbox: true},
	// No flag at all.
	{Type: "PersonalSites", ID: "9a01bcb3d2de427196bb95611ddc70b3" + "2c6d0f1a8e4b4c7d9a356b1e0d9f4a21"},
}

func TestFixtureJobItems(t *testing.T) {
	fxVersions(t, []Version{V6, V7, V8}, func(t *testing.T, v Version) {
		c, _ := fixtureClient(t, v)
		for _, which := range []struct {
			name string
			list func(context.Context, string) ([]JobItem, error)
		}{{"SelectedItems", c.SelectedItems}, {"ExcludedItems", c.ExcludedItems}} {
			got, err := which.list(context.Background(), fxJob1)
			if err != nil {
				t.Fatalf("%s: %v", which.name, err)
			}
			fxCompare(t, which.name+"()", got, fxWantJobItems, fxJobItemFields)
		}
	})
}

// fxPagedCase reads one paged list with a page size and returns its items.
type fxPagedCase[T any] struct {
	name  string
	path  func(v Version) string
	setID string // the recorded setId later pages must carry; "" = none sent
	// dataSource: the list takes dataSource=PreferLocal on v7 and later.
	dataSource bool
	want       func(v Version) []T
	read       func(c *Client, pageSize int, each func(*T) error) error
	fields     func(T) []fxField
}

// fxRunPaged reads the list with page sizes that fit it in one page, that
// fill the first page exactly (so that the next page is empty), and that
// take several pages; each time it checks every item and the requests.
func fxRunPaged[T any](t *testing.T, pc fxPagedCase[T]) {
	fxVersions(t, []Version{V6, V7, V8}, func(t *testing.T, v Version) {
		want := pc.want(v)
		for _, size := range []int{100, len(want), 2} {
			t.Run("pageSize="+strconv.Itoa(size), func(t *testing.T) {
				c, api := fixtureClient(t, v)
				var got []T
				err := pc.read(c, size, func(item *T) error {
					got = append(got, *item)
					return nil
				})
				if err != nil {
					t.Fatal(err)
				}
				fxCompare(t, pc.name, got, want, pc.fields)
				wantSource := ""
				if pc.dataSource && v.HasDataSource() {
					wantSource = "PreferLocal"
				}
				fxCheckPageRequests(t, api.requests(pc.path(v)), size, len(want), pc.setID, wantSource)
			})
		}
	})
}

// fxCheckPageRequests checks that every page up to the first short one was
// asked with the page size, later pages through the recorded setId, and
// that nothing else was asked but pages past the end.
func fxCheckPageRequests(t *testing.T, asked []url.Values, size, n int, setID, dataSource string) {
	t.Helper()
	var wantOffsets []int
	for off := 0; ; off += size {
		wantOffsets = append(wantOffsets, off)
		if off+size > n {
			break
		}
	}
	var offsets []int
	for _, q := range asked {
		off, err := strconv.Atoi(q.Get("offset"))
		if err != nil {
			t.Errorf("a page request without a numeric offset: ?%s", q.Encode())
			continue
		}
		offsets = append(offsets, off)
		if q.Get("limit") != strconv.Itoa(size) {
			t.Errorf("page at offset %d asked limit %q, want %d", off, q.Get("limit"), size)
		}
		switch got := q.Get("setId"); {
		case off == 0 && got != "":
			t.Errorf("the first page was asked with setId %q", got)
		case off > 0 && got != setID:
			t.Errorf("page at offset %d asked setId %q, want %q", off, got, setID)
		}
		if got := q.Get("dataSource"); got != dataSource {
			t.Errorf("page at offset %d asked dataSource %q, want %q", off, got, dataSource)
		}
		if !slices.Contains(wantOffsets, off) && off < n {
			t.Errorf("asked offset %d, which is no page boundary for page size %d", off, size)
		}
	}
	for _, off := range wantOffsets {
		if !slices.Contains(offsets, off) {
			t.Errorf("page at offset %d was never asked (asked %v)", off, offsets)
		}
	}
}

func TestFixtureOrganizationUsers(t *testing.T) {
	fxRunPaged(t, fxPagedCase[User]{
		name:  "OrganizationUsers",
		path:  func(v Version) string { return "/" + string(v) + "/Organizations/" + fxOrg1 + "/Users" },
		setID: fxSetUsers, dataSource: true,
		want: func(Version) []User {
			return []User{
				{ID: fxAdele, Name: "AdeleV@Contoso.OnMicrosoft.com", DisplayName: "Adele Vance", Type: "User"},
				{ID: fxAlex, Name: "alexw@contoso.onmicrosoft.com", DisplayName: "Alex Wilber", Type: "User"},
				{ID: fxReception, Name: "Reception@contoso.onmicrosoft.com", DisplayName: "Reception", Type: "Shared"},
				{ID: fxPublic, Name: "PublicFolders@contoso.onmicrosoft.com", DisplayName: "Public Folders", Type: "Public"},
				{ID: fxRoom, Name: "room4@contoso.onmicrosoft.com", DisplayName: "Meeting Room 4", Type: ""}, // type null
			}
		},
		read: func(c *Client, size int, each func(*User) error) error {
			return c.OrganizationUsers(context.Background(), fxOrg1, size, each)
		},
		fields: fxUserFields,
	})
}

func TestFixtureGroupMembers(t *testing.T) {
	fxRunPaged(t, fxPagedCase[GroupMember]{
		name: "GroupMembers",
		path: func(v Version) string {
			return "/" + string(v) + "/Organizations/" + fxOrg1 + "/Groups/" + fxSales + "/Members"
		},
		setID: fxSetMembers, dataSource: true,
		want: func(Version) []GroupMember {
			return []GroupMember{
				{Name: "Adele Vance", Login: "AdeleV@Contoso.OnMicrosoft.com", Type: MemberUser},
				{Name: "Alex Wilber", Login: "alexw@contoso.onmicrosoft.com", Type: MemberUser},
				{Name: "Sales EMEA", Login: "SalesEMEA@contoso.onmicrosoft.com", Type: MemberGroup}, // a nested group
				{Name: "Partner Contact", Login: "partner@fabrikam.example", Type: "Unknown"},
			}
		},
		read: func(c *Client, size int, each func(*GroupMember) error) error {
			return c.GroupMembers(context.Background(), fxOrg1, fxSales, size, each)
		},
		fields: fxMemberFields,
	})
}

func TestFixtureRepositoryUserData(t *testing.T) {
	fxRunPaged(t, fxPagedCase[UserData]{
		name: "RepositoryUserData",
		path: func(v Version) string { return "/" + string(v) + "/BackupRepositories/" + fxRepo1 + "/UserData" },
		want: func(v Version) []UserData {
			// The data of a removed organization: v6 names its organization
			// (required there); v7 and v8 send organizationId null and only
			// backedUpOrganizationId, which the decoder does not read.
			formerOrg := ""
			if v == V6 {
				formerOrg = fxOrg2
			}
			return []UserData{
				{ID: fxAdele, Email: "AdeleV@Contoso.OnMicrosoft.com", MailboxBackedUp: true,
					MailboxTime: fxDate(2024, 5, 1, 22, 14, 40, 334455600), OrganizationID: fxOrg1},
				{ID: fxReception, Email: "Reception@contoso.onmicrosoft.com", MailboxBackedUp: true, // shared
					MailboxTime: fxDate(2024, 5, 1, 22, 5, 11, 0), OrganizationID: fxOrg1},
				{ID: fxPublic, Email: "PublicFolders@contoso.onmicrosoft.com", MailboxBackedUp: true, // public
					MailboxTime: fxDate(2024, 4, 30, 22, 6, 0, 0), OrganizationID: fxOrg1},
				// isMailboxBackedUp false, mailboxBackedUpTime null.
				{ID: fxAlex, Email: "alexw@contoso.onmicrosoft.com", OrganizationID: fxOrg1},
				// isMailboxBackedUp false, mailboxBackedUpTime the .NET zero date.
				{ID: fxFormer, Email: "Former.Employee@Fabrikam.onmicrosoft.com", OrganizationID: formerOrg},
			}
		},
		read: func(c *Client, size int, each func(*UserData) error) error {
			return c.RepositoryUserData(context.Background(), fxRepo1, size, each)
		},
		fields: fxUserDataFields,
	})
}

func TestFixtureGroupsNamed(t *testing.T) {
	want := []Group{
		{ID: fxSales, Name: "Sales@Contoso.OnMicrosoft.com", DisplayName: "Sales", Type: "Office365"},
		{ID: fxSalesDL, Name: "sales-dl@contoso.onmicrosoft.com", DisplayName: "Sales", Type: "Distribution"},
		{ID: fxSalesSec, Name: "sales-sec@contoso.onmicrosoft.com", DisplayName: "Sales", Type: ""}, // type null
	}
	fxVersions(t, []Version{V6, V7, V8}, func(t *testing.T, v Version) {
		c, api := fixtureClient(t, v)
		got, err := c.GroupsNamed(context.Background(), fxOrg1, "Sales")
		if err != nil {
			t.Fatal(err)
		}
		fxCompare(t, "GroupsNamed(Sales)", got, want, fxGroupFields)
		asked := api.requests("/" + string(v) + "/Organizations/" + fxOrg1 + "/Groups")
		if len(asked) != 1 || asked[0].Get("groupName") != "Sales" {
			t.Errorf("GroupsNamed asked %v, want one request with groupName=Sales", asked)
		}
	})
}
