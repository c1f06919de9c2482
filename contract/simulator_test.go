package contract

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/vbo365-exporter/vbo365_exporter/simulator"
)

// TestSimulatorContract serves v6, v7 and v8 from one simulator behind the
// Validator, walks every operation the simulator implements on each
// version the way a client would (ids taken from responses, several pages
// with small limits, the documented error answers), and fails on anything
// Veeam's schemas reject.
func TestSimulatorContract(t *testing.T) {
	v := runContract(t, nil)
	t.Logf("validated %v; operations reached: %d", v.Checked(), len(v.Covered()))
	for _, ver := range Versions {
		for _, op := range expectedOps(ver) {
			if v.Covered()[op] == 0 {
				t.Errorf("the walk never exercised %s", op)
			}
		}
	}
	v.Check(t)
}

// contractTenant is the tenant the walks read.
func contractTenant() simulator.TenantOptions {
	return simulator.TenantOptions{
		Organizations:  2,
		Users:          60,
		GroupSize:      6,
		LargeGroupSize: 25,
		Now:            time.Date(2024, 5, 1, 22, 0, 0, 0, time.UTC),
		// Every optional shape of the operations resources: archive
		// repositories with and without limits and immutability,
		// copy jobs, an offline proxy, an unhealthy server.
		Ops: simulator.OpsOptions{Sessions: 6, ArchiveRepositories: 2, NearFullRepository: true,
			OfflineProxy: true, Unhealthy: true},
	}
}

// runContract walks all three versions of a simulator of contractTenant,
// with wrap (if not nil) between the Validator and the simulator, and
// returns the Validator.
func runContract(t *testing.T, wrap func(http.Handler) http.Handler) *Validator {
	return runContractWith(t, wrap, contractTenant())
}

// runContractWith walks all three versions of a simulator of tenant.
func runContractWith(t *testing.T, wrap func(http.Handler) http.Handler, tenant simulator.TenantOptions) *Validator {
	v := newValidator(t)
	var h http.Handler = simulator.New(simulator.Options{
		Versions: []string{"v6", "v7", "v8"},
		Tenant:   tenant,
	})
	if wrap != nil {
		h = wrap(h)
	}
	srv := httptest.NewServer(v.Handler(h))
	defer srv.Close()
	for _, ver := range Versions {
		t.Run(ver, func(t *testing.T) { walkVersion(t, srv, ver) })
	}
	settle(srv)
	return v
}

// TestContractWalkCatchesDefects plants one defect per version in live
// simulator traffic and demands the walk report each: proof that the walk
// validates nested items of real responses, not just that it ran.
func TestContractWalkCatchesDefects(t *testing.T) {
	plant := func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			edit := defectFor(r.URL.Path)
			if edit == nil {
				h.ServeHTTP(w, r)
				return
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, r)
			var doc any
			body := rec.Body.Bytes()
			if json.Unmarshal(body, &doc) == nil {
				edit(doc)
				body, _ = json.Marshal(doc)
			}
			for k, vs := range rec.Header() {
				w.Header()[k] = vs
			}
			w.Header().Del("Content-Length")
			w.WriteHeader(rec.Code)
			_, _ = w.Write(body)
		})
	}
	v := runContract(t, plant)
	got := strings.Join(v.Violations(), "\n")
	for _, want := range []string{
		`GET /v6/Jobs: response: body /0: property "organizationId" is not declared in RESTJob`,
		`/Users?dataSource=PreferLocal&limit=7&offset=0: response: body /results/0/type: value is not one of the allowed values`,
		`/UserData?limit=7&offset=0: response: body /results/0/repositoryId: property "repositoryId" is missing`,
		`GET /v8/Health: response: body /status: value is not one of the allowed values`,
		`GET /v7/JobSessions?limit=7&offset=0: response: body /results/0/status: value is not one of the allowed values`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("planted defect not reported: %q", want)
		}
	}
}

// defectFor returns the edit planted in responses to path, if any.
func defectFor(path string) func(any) {
	first := func(doc any) map[string]any {
		if m, ok := doc.(map[string]any); ok {
			doc = m["results"]
		}
		if a, ok := doc.([]any); ok && len(a) > 0 {
			m, _ := a[0].(map[string]any)
			return m
		}
		return nil
	}
	switch {
	case path == "/v6/Jobs": // a v8-only field on v6
		return func(doc any) {
			if m := first(doc); m != nil {
				m["organizationId"] = orgID
			}
		}
	case strings.HasPrefix(path, "/v7/") && strings.HasSuffix(path, "/Users"): // an enum value off the list
		return func(doc any) {
			if m := first(doc); m != nil {
				m["type"] = "Robot"
			}
		}
	case strings.HasPrefix(path, "/v8/") && strings.HasSuffix(path, "/UserData"): // a required field missing
		return func(doc any) {
			if m := first(doc); m != nil {
				delete(m, "repositoryId")
			}
		}
	case path == "/v7/JobSessions": // the v8 filter's spelling, which no session has
		return func(doc any) {
			if m := first(doc); m != nil {
				m["status"] = "Succeeded"
			}
		}
	case path == "/v8/Health":
		return func(doc any) {
			if m, ok := doc.(map[string]any); ok {
				m["status"] = "OK"
			}
		}
	}
	return nil
}

// expectedOps are the operation/status pairs the walk must reach.
func expectedOps(ver string) []string {
	p := "/" + ver
	ops := []string{
		"POST " + p + "/token 200",
		"GET " + p + "/ServiceInstance 200",
		"GET " + p + "/ServiceInstance 401",
		"GET " + p + "/Jobs 401",
		"GET " + p + "/RestorePortalSettings 200",
		"GET " + p + "/Organizations 200",
		"GET " + p + "/Organizations/{organizationId} 200",
		"GET " + p + "/Organizations/{organizationId} 404",
		"GET " + p + "/Organizations/{organizationId}/Users 200",
		"GET " + p + "/Organizations/{organizationId}/Groups 200",
		"GET " + p + "/Organizations/{organizationId}/Groups/{groupId}/Members 200",
		"GET " + p + "/Jobs 200",
		"GET " + p + "/Jobs/{jobId} 200",
		"GET " + p + "/Jobs/{jobId} 404",
		"GET " + p + "/Jobs/{jobId}/SelectedItems 200",
		"GET " + p + "/Jobs/{jobId}/ExcludedItems 200",
		"GET " + p + "/BackupRepositories 200",
		"GET " + p + "/BackupRepositories/{repositoryId} 200",
		"GET " + p + "/BackupRepositories/{repositoryId} 404",
		"GET " + p + "/BackupRepositories/{repositoryId}/UserData 200",
	}
	ops = append(ops, expectedOpsOps(ver)...)
	if ver == "v8" {
		return append(ops, "GET /v8/Health 200")
	}
	return append(ops, "GET "+p+"/Organizations/{organizationId}/Jobs 200")
}
