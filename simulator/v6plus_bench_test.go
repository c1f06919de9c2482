package simulator

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// large100k is the benchmark tenant: one 100,000-user organization with an
// entire-organization job, 20 group jobs and 50 user jobs.
var large100k = TenantOptions{Users: 100000, GroupJobs: 20, UserJobs: 50, GroupSize: 2000, LargeGroupSize: 5000, Now: tenantNow}

// BenchmarkTenant100k measures building the tenant, scopes and user data.
func BenchmarkTenant100k(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		New(Options{Versions: []string{"v8"}, Tenant: large100k})
	}
}

// BenchmarkUserDataPage10000 renders one maximal UserData page of the
// 100,000-user tenant in process.
func BenchmarkUserDataPage10000(b *testing.B) {
	sim := New(Options{Versions: []string{"v8"}, Tenant: large100k})
	srv := httptest.NewServer(sim)
	defer srv.Close()
	c := newVClient(b, srv, "v8")
	req := httptest.NewRequest("GET", "/v8/BackupRepositories/"+sim.ProtectionTruth()[0].RepositoryID+"/UserData?limit=10000&offset=20000", nil)
	req.Header.Set("Authorization", "Bearer "+c.token)
	b.ReportAllocs()
	for b.Loop() {
		w := &countingWriter{header: http.Header{}}
		sim.ServeHTTP(w, req)
		b.SetBytes(w.n)
	}
}

// BenchmarkProtectionTruth100k measures the truth of every job.
func BenchmarkProtectionTruth100k(b *testing.B) {
	sim := New(Options{Versions: []string{"v8"}, Tenant: large100k})
	b.ReportAllocs()
	for b.Loop() {
		sim.ProtectionTruth()
	}
}
