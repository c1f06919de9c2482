package collector

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
	promconfig "github.com/prometheus/common/config"
	"github.com/prometheus/common/model"

	"github.com/vbo365-exporter/vbo365_exporter/config"
	"github.com/vbo365-exporter/vbo365_exporter/internal/memnet"
)

// Ids the recorded fixtures of vboapi/testdata use (see its README).
const (
	fxOrg1    = "2c6d0f1a-8e4b-4c7d-9a35-6b1e0d9f4a21" // contoso
	fxOrg2    = "7e9a3b52-1d4c-4f8e-a6b0-3c5d2e1f0a94" // fabrikam
	fxRepo1   = "b4f1e6c2-3a9d-4e7b-8c05-9d2a1f6e3b48"
	fxJob1    = "5a8e2c14-7b3f-4d96-a1e0-2f4c6b8d0e13"
	fxSales   = "a2c4e6f8-0b1d-4f3a-9c5e-7a9b1d3f5e77" // a Microsoft 365 group
	fxSalesDL = "c4e6a8b0-2d3f-4b5c-8e7a-9b1d3f5a7c88" // a distribution group

	fxSessOK    = "11a3c5e7-9b1d-4f3a-8c5e-7a9b1d3f5a79" // Mailboxes daily's last finished session
	fxSessWarn  = "22b4d6f8-0c2e-4a4b-9d6f-8b0c2e4a6b8a" // Entire organization's
	fxSessRetry = "33c5e7a9-1d3f-4b5c-8e7a-9c1d3f5b7c9b" // OneDrive hourly's
)

// fixtureServer answers GET requests of one API version with recorded
// bodies, by path, and logins with a token. Anything else answers 404 and
// is remembered, and the test fails at its end: a collector that reads
// something its test did not expect must not pass by chance.
type fixtureServer struct {
	t       *testing.T
	version string
	routes  map[string][]byte

	mu     sync.Mutex
	missed []string
}

// newFixtureServer returns a server of version ("v1", "v6", "v7", "v8")
// that serves, from v6 on, its ServiceInstance and job list, as every poll
// reads them (v6 and v7 also the jobs of each organization; fabrikam has
// none).
func newFixtureServer(t *testing.T, version string) *fixtureServer {
	t.Helper()
	f := &fixtureServer{t: t, version: version, routes: map[string][]byte{}}
	if version != "v1" { // v1 has no recorded fixtures: its tests serve their own
		f.serve("/ServiceInstance", "serviceinstance")
		f.serve("/Jobs", "jobs")
	}
	if version == "v6" || version == "v7" {
		f.serve("/Organizations", "organizations")
		f.serve("/Organizations/"+fxOrg1+"/Jobs", "organization_jobs")
		f.serveBody("/Organizations/"+fxOrg2+"/Jobs", "[]")
	}
	t.Cleanup(func() {
		f.mu.Lock()
		defer f.mu.Unlock()
		if len(f.missed) > 0 {
			t.Errorf("the fixture server was asked for what it does not serve:\n%s", strings.Join(f.missed, "\n"))
		}
	})
	return f
}

// serve answers GET /<version><path> with the recorded
// vboapi/testdata/<resource>/<version>.json.
func (f *fixtureServer) serve(path, resource string) {
	f.t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "vboapi", "testdata", resource, f.version+".json"))
	if err != nil {
		f.t.Fatal(err)
	}
	f.routes["/"+f.version+path] = b
}

// serveBody answers GET /<version><path> with body.
func (f *fixtureServer) serveBody(path, body string) {
	f.routes["/"+f.version+path] = []byte(body)
}

func (f *fixtureServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	if r.Method == http.MethodPost && r.URL.Path == tokenPathOf(f.version) {
		fmt.Fprint(w, `{"access_token":"fixture-token","token_type":"bearer","expires_in":3600}`)
		return
	}
	body, ok := f.routes[r.URL.Path]
	// GET /v8/Health alone is anonymous.
	authorized := r.Header.Get("Authorization") == "Bearer fixture-token" ||
		r.URL.Path == "/v8/Health" && r.Header.Get("Authorization") == ""
	if ok = ok && r.Method == http.MethodGet && authorized; ok {
		body, ok = pageOf(body, r.URL.Query())
	}
	if !ok {
		f.mu.Lock()
		f.missed = append(f.missed, r.Method+" "+r.URL.String())
		f.mu.Unlock()
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprintf(w, `{"message":"the fixture server has nothing at %s"}`, r.URL.Path)
		return
	}
	_, _ = w.Write(body)
}

func tokenPathOf(version string) string {
	if version == "v1" {
		return "/v1/Token"
	}
	return "/" + version + "/token"
}

// pageOf is the page of a recorded list that q asks for: the recording
// itself for the first page when it holds all, else the results at q's
// offset and limit, as the server cuts them (the page after the last is
// empty). A body that is no page is served whole; it is not ok for an
// offset it cannot have.
func pageOf(body []byte, q url.Values) ([]byte, bool) {
	offset, limit := 0, 30 // the API's defaults
	if s := q.Get("offset"); s != "" {
		offset, _ = strconv.Atoi(s)
	}
	if s := q.Get("limit"); s != "" {
		limit, _ = strconv.Atoi(s)
	}
	var recorded struct {
		Results []json.RawMessage `json:"results"`
	}
	if json.Unmarshal(body, &recorded) != nil || recorded.Results == nil { // an object or an array
		return body, offset == 0
	}
	if offset == 0 && limit >= len(recorded.Results) {
		return body, true
	}
	results := recorded.Results[min(offset, len(recorded.Results)):min(offset+limit, len(recorded.Results))]
	b, err := json.Marshal(map[string]any{"offset": offset, "limit": limit, "results": append([]json.RawMessage{}, results...)})
	return b, err == nil
}

// fixtureExporter runs, in the synctest bubble the caller is in, an
// exporter of the server "east" pinned to f's version on f, running the
// collectors c; edit, if not nil, changes the server's configuration.
// Exchanges of v6 and later are checked against Veeam's schema of their
// version when the test ends.
func fixtureExporter(t *testing.T, f *fixtureServer, c Collectors, edit func(*config.Server)) *Exporter {
	t.Helper()
	var h http.Handler = f
	if f.version != "v1" {
		v := newReleaseValidator(t, "")
		t.Cleanup(func() { v.Check(t) })
		checked := v.Handler(f)
		// The token answer is short of Veeam's schema on purpose.
		h = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasSuffix(r.URL.Path, "/token") {
				f.ServeHTTP(w, r)
				return
			}
			checked.ServeHTTP(w, r)
		})
	}
	n := memnet.Serve(t, h)
	s := config.Server{
		Name: "east", URL: config.URL{URL: memnet.URL}, Username: "svc-monitor", Password: promconfig.Secret("fixture-password"),
		RequestTimeout: model.Duration(5 * time.Second), MaxConcurrentRequests: 4, PageSize: 1000,
		MaxResponseBytes: 64 << 20, APIVersion: f.version,
	}
	if edit != nil {
		edit(&s)
	}
	return memExporter(t, n, nil, s, WithCollectors(c))
}

// compareFixture fails t unless a scrape of e exports exactly want (the
// exposition text, written out) under the names of sc's descriptors, sc
// succeeded, and the whole scrape lints clean.
func compareFixture(t *testing.T, e *Exporter, sc Scraper, want string) {
	t.Helper()
	c := e.Collector(context.Background())
	if err := testutil.CollectAndCompare(c, strings.NewReader(want), names(sc.Descs()...)...); err != nil {
		t.Error(err)
	}
	res := e.LastResults()[0]
	if r := res.Collector(sc.Name()); r == nil || r.Err != nil || r.Skipped || !res.Up {
		t.Errorf("collector %s: %+v (server up %v: %v)", sc.Name(), r, res.Up, res.Err)
	}
	if problems, err := testutil.CollectAndLint(c); err != nil || len(problems) > 0 {
		t.Errorf("lint: %v %+v", err, problems)
	}
}

// fixtureCase is the exposition text a scraper must export, written out,
// from the fixtures of one version.
type fixtureCase struct{ version, want string }

// runFixtureCases runs each case in a synctest bubble (so that the poll's
// clock, and with it the figures' timestamps, is fixed): a fixture server
// of its version with the routes routes adds, an exporter running c with
// edit applied to its server, and compareFixture for scraper sc.
func runFixtureCases(t *testing.T, c Collectors, sc Scraper, edit func(*config.Server), routes func(*fixtureServer), cases ...fixtureCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.version, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				f := newFixtureServer(t, tc.version)
				routes(f)
				compareFixture(t, fixtureExporter(t, f, c, edit), sc, tc.want)
			})
		})
	}
}
