package web

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/go-kit/log"

	"github.com/vbo365-exporter/vbo365_exporter/config"
)

// TestEndpoints: the probes of liveness and readiness, the landing page
// with its links, and a 404 for any other path.
func TestEndpoints(t *testing.T) {
	h := newProbeFixture(t).serve(t, true, 10*time.Second)
	for _, c := range []struct {
		path string
		code int
		want []string
	}{
		{"/-/healthy", http.StatusOK, []string{"Healthy\n"}},
		{"/-/ready", http.StatusOK, []string{"Ready\n"}},
		{"/", http.StatusOK, []string{"VBO365 Exporter", `href="/metrics"`, `href="/sd"`, `href="/-/healthy"`}},
		{"/nope", http.StatusNotFound, nil},
	} {
		rec := get(h, c.path, nil)
		if rec.Code != c.code {
			t.Errorf("GET %s: %d, want %d", c.path, rec.Code, c.code)
		}
		for _, w := range c.want {
			if !strings.Contains(rec.Body.String(), w) {
				t.Errorf("GET %s: the answer lacks %q", c.path, w)
			}
		}
	}
}

// TestMetricsAtTheRoot: a telemetry path of / takes the place of the
// landing page.
func TestMetricsAtTheRoot(t *testing.T) {
	f := newProbeFixture(t)
	h, err := New(Options{Exporter: f.exporter, Own: f.own, Logger: log.NewNopLogger(), MetricsPath: "/", Servers: true,
		Config: func() *config.Config { return nil }, DefaultTimeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	rec := get(h, "/", nil)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `vbo365_up{server="east"} 1`) {
		t.Errorf("GET /: %d %.200q, want east's metrics", rec.Code, rec.Body)
	}
}

// TestReload: /-/reload takes POST only, and answers with the outcome the
// reload loop sends back.
func TestReload(t *testing.T) {
	requests := make(chan chan error)
	h, err := New(Options{MetricsPath: "/metrics", Logger: log.NewNopLogger(), Reloads: requests})
	if err != nil {
		t.Fatal(err)
	}
	rec := get(h, "/-/reload", nil)
	if rec.Code != http.StatusMethodNotAllowed || rec.Header().Get("Allow") != http.MethodPost {
		t.Errorf("GET /-/reload: %d Allow=%q, want 405 Allow=POST", rec.Code, rec.Header().Get("Allow"))
	}
	for _, c := range []struct {
		outcome error
		code    int
		body    string
	}{
		{nil, http.StatusOK, "config reloaded\n"},
		{errors.New("config.yml:3: bogus_key"), http.StatusInternalServerError, "failed to reload config: config.yml:3: bogus_key\n"},
	} {
		go func() { done := <-requests; done <- c.outcome }()
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/-/reload", nil))
		if rec.Code != c.code || rec.Body.String() != c.body {
			t.Errorf("POST /-/reload with outcome %v: %d %q, want %d %q", c.outcome, rec.Code, rec.Body, c.code, c.body)
		}
	}
}
