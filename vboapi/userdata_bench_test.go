package vboapi

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/go-kit/log"

	"github.com/vbo365-exporter/vbo365_exporter/simulator"
)

// BenchmarkRepositoryUserData decodes pages of 1000 user data entries,
// every workload's flag and time, as the simulator renders them (90 %
// backed up), from a server that replays one recorded page: the client's
// cost alone, per page of 1000 (one op).
func BenchmarkRepositoryUserData(b *testing.B) {
	page := recordedUserDataPage(b)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		switch {
		case strings.HasSuffix(r.URL.Path, "/token"):
			_, _ = io.WriteString(w, `{"access_token":"t","expires_in":3600}`)
		case r.URL.Query().Get("offset") == "0":
			w.Write(page)
		default:
			_, _ = io.WriteString(w, `{"offset":1000,"limit":1000,"results":[]}`)
		}
	}))
	defer srv.Close()
	u, _ := url.Parse(srv.URL)
	c, err := New(Options{Server: "bench", APIVersion: V8, BaseURL: u, Username: "admin", Password: "secret",
		RequestTimeout: time.Minute, MaxConcurrent: 1, MaxResponseBytes: 64 << 20, Logger: log.NewNopLogger()})
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	for b.Loop() {
		err := c.RepositoryUserData(context.Background(), "b4f1e6c2-3a9d-4e7b-8c05-9d2a1f6e3b48", 1000, func(*UserData) error { return nil })
		if err != nil {
			b.Fatal(err)
		}
	}
}

// recordedUserDataPage is the first page of 1000 entries of a simulated
// repository.
func recordedUserDataPage(b *testing.B) []byte {
	sim := simulator.New(simulator.Options{Versions: []string{"v8"}, Seed: 1, BackedUpFraction: 0.9,
		Tenant: simulator.TenantOptions{Users: 2000, Now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}})
	rec := httptest.NewRecorder()
	form := "grant_type=password&username=admin&password=secret&disable_antiforgery_token=true"
	req := httptest.NewRequest(http.MethodPost, "/v8/token", strings.NewReader(form))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	sim.ServeHTTP(rec, req)
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := decodeStrict(rec.Body.Bytes(), &tok); err != nil {
		b.Fatal(err)
	}
	repo := sim.ProtectionTruth()[0].RepositoryID
	rec = httptest.NewRecorder()
	req = httptest.NewRequest(http.MethodGet, fmt.Sprintf("/v8/BackupRepositories/%s/UserData?offset=0&limit=1000", repo), nil)
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	sim.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		b.Fatalf("recording the page: %d", rec.Code)
	}
	return rec.Body.Bytes()
}
