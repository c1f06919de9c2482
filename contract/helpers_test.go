package contract

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
)

// Ids in the shape Veeam uses (random .NET Guids).
const (
	jobID  = "6f3c2a1e-9b8d-4c7a-a1b2-3c4d5e6f7a8b"
	orgID  = "0c8f5d2b-7e41-4a9c-b3d6-1f2e3a4b5c6d"
	repoID = "a7b6c5d4-e3f2-4a1b-9c8d-7e6f5a4b3c2d"
	setID  = "1d2c3b4a-5f6e-4d7c-8b9a-0f1e2d3c4b5a"
	userID = "9e8d7c6b-5a4f-4e3d-2c1b-0a9f8e7d6c5b"
)

// v8JobsPage is a PageOfRESTJob as a v8 server sends it.
const v8JobsPage = `{"offset":0,"limit":2,"setId":"` + setID + `","results":[{
 "id":"` + jobID + `","name":"Daily mail","description":"","backupType":"SelectedItems",
 "organizationId":"` + orgID + `","repositoryId":"` + repoID + `",
 "lastRun":"2024-05-01T22:00:03.1234567Z","nextRun":"2024-05-02T22:00:00+02:00","lastBackup":"2024-05-01T22:14:41Z",
 "isEnabled":true,"lastStatus":"Success","eTag":3,
 "schedulePolicy":{"scheduleEnabled":true,"backupWindowEnabled":false,"type":"Daily","dailyType":"Everyday",
  "dailyTime":"22:00:00","periodicallyEvery":"Hours12","retryEnabled":true,"retryNumber":3,"retryWaitInterval":10},
 "_links":{"self":{"href":"/v8/Jobs/` + jobID + `"},"organization":{"href":"/v8/Organizations/` + orgID + `"}}}],
 "_links":{"self":{"href":"/v8/Jobs?offset=0&limit=2"}}}`

// v6Jobs is the bare RESTJob array of GET /v6/Jobs.
const v6Jobs = `[{"id":"` + jobID + `","name":"Daily mail","description":"","backupType":"EntireOrganization",
 "repositoryId":"` + repoID + `","lastRun":"2024-05-01T22:00:03Z","nextRun":null,"isEnabled":true,"lastStatus":"Warning",
 "runNow":false,"schedulePolicy":{"scheduleEnabled":true,"type":"Periodically","periodicallyEvery":"Hours8"},
 "_links":{"self":{"href":"/v6/Jobs/` + jobID + `"}}}]`

// v8UserData is a PageOfRESTBackupUserData of a v8 repository.
const v8UserData = `{"offset":0,"limit":1,"results":[{"id":"` + userID + `","itemType":"User",
 "repositoryId":"` + repoID + `","backedUpOrganizationId":"` + orgID + `","organizationId":"` + orgID + `",
 "displayName":"Adele Vance","email":"adele@contoso.example","accountType":"User",
 "isMailboxBackedUp":true,"mailboxBackedUpTime":"2024-05-01T22:10:00Z","isArchiveBackedUp":false,"archiveBackedUpTime":null,
 "isOneDriveBackedUp":false,"isPersonalSiteBackedUp":false,"oneDriveUrl":[],"personalSiteUrl":[],
 "_links":{"self":{"href":"/v8/BackupRepositories/` + repoID + `/UserData/` + userID + `"}}}]}`

// v6UserData is the v6 page, which has totalCount and requires two names
// (itemType, repositoryId) that its properties do not list.
const v6UserData = `{"offset":0,"limit":1,"totalCount":1,"results":[{"id":"` + userID + `","itemType":"User",
 "repositoryId":"` + repoID + `","organizationId":"` + orgID + `","displayName":"Adele Vance",
 "email":"adele@contoso.example","accountType":"User","isMailboxBackedUp":true,
 "mailboxBackedUpTime":"2024-05-01T22:10:00Z"}]}`

// tokenOK is an OAuthTokenResponse.
const tokenOK = `{"access_token":"eyJhbGciOi.secret-access","token_type":"bearer","expires_in":3600,
 "refresh_token":"secret-refresh","userName":"admin",".issued":"2024-05-01T10:00:00Z",".expires":"2024-05-01T11:00:00Z"}`

const jsonCT = "application/json; charset=utf-8"

func newValidator(t testing.TB) *Validator {
	t.Helper()
	v, err := New()
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// fixed answers every request with the same status, type and body.
func fixed(status int, ctype, body string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		if ctype != "" {
			w.Header().Set("Content-Type", ctype)
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	})
}

// serve runs h behind v on a test server closed at cleanup.
func serve(t testing.TB, v *Validator, h http.Handler) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(v.Handler(h))
	t.Cleanup(srv.Close)
	return srv
}

// req describes one request; auth adds a bearer token.
type req struct {
	method, path string
	auth         bool
	ctype, body  string
}

// do sends r and returns the status and the whole body. The client may see
// the end of the body before the wrapper has validated the exchange, so
// read the Validator only after settle.
func do(t testing.TB, srv *httptest.Server, r req) (int, []byte) {
	t.Helper()
	method := r.method
	if method == "" {
		method = http.MethodGet
	}
	hr, err := http.NewRequest(method, srv.URL+r.path, strings.NewReader(r.body))
	if err != nil {
		t.Fatal(err)
	}
	if r.auth {
		hr.Header.Set("Authorization", "Bearer test-token")
	}
	if r.ctype != "" {
		hr.Header.Set("Content-Type", r.ctype)
	}
	resp, err := srv.Client().Do(hr)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, b
}

// settle closes srv's client connections and waits for its handlers, so
// every exchange is recorded before the test reads the Validator.
func settle(srv *httptest.Server) {
	srv.Client().CloseIdleConnections()
	srv.Close()
}

// mutate decodes doc, sets (or with del, removes) the value at the
// slash-separated path, and re-encodes it, so a negative case differs from
// a valid body in exactly one place.
func mutate(t testing.TB, doc, path string, val any) string {
	t.Helper()
	var root any
	if err := json.Unmarshal([]byte(doc), &root); err != nil {
		t.Fatal(err)
	}
	keys := strings.Split(path, "/")
	cur := root
	for i, k := range keys {
		last := i == len(keys)-1
		switch c := cur.(type) {
		case map[string]any:
			if last {
				if val == del {
					delete(c, k)
				} else {
					c[k] = val
				}
			}
			cur = c[k]
		case []any:
			n, err := strconv.Atoi(k)
			if err != nil || n >= len(c) {
				t.Fatalf("mutate: bad index %q", k)
			}
			if last {
				c[n] = val
			}
			cur = c[n]
		default:
			t.Fatalf("mutate: %q is not inside a container", path)
		}
	}
	b, err := json.Marshal(root)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// del as the value makes mutate delete the key.
var del = &struct{ deleted bool }{}

// wantViolations fails unless every want is a substring of some violation
// and, when want is empty, unless there are none; it also demands that
// exactly n exchanges were checked, so a silently skipped case fails too.
func wantViolations(t *testing.T, v *Validator, n int, want ...string) {
	t.Helper()
	got := v.Violations()
	total := 0
	for _, c := range v.Checked() {
		total += c
	}
	if total != n {
		t.Errorf("checked %d exchanges (%v), want %d", total, v.Checked(), n)
	}
	if len(want) == 0 && len(got) > 0 {
		t.Errorf("want no violations, got:\n%s", strings.Join(got, "\n"))
	}
	for _, w := range want {
		found := false
		for _, g := range got {
			if strings.Contains(g, w) {
				found = true
				break
			}
		}
		if !found {
			t.Errorf("no violation contains %q; got:\n%s", w, strings.Join(got, "\n"))
		}
	}
}
