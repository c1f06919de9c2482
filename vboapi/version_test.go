package vboapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// versionServer serves 401 on the probe path of each served version and 404
// elsewhere, and records what it was asked.
type versionServer struct {
	mu     sync.Mutex
	served map[Version]int // the status its probe path answers; 401 = served
	seen   []string        // "METHOD path auth=yes|no"
	forms  []url.Values
}

func (s *versionServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	auth := "no"
	if r.Header.Get("Authorization") != "" {
		auth = "yes"
	}
	s.seen = append(s.seen, fmt.Sprintf("%s %s auth=%s", r.Method, r.URL.Path, auth))
	for v, status := range s.served {
		switch {
		case r.URL.Path == probePath(v) && auth == "no":
			w.WriteHeader(status)
			fmt.Fprint(w, `{"message":"Authorization has been denied for this request."}`)
			return
		case strings.EqualFold(r.URL.Path, "/"+string(v)+"/token") && status == http.StatusUnauthorized:
			_ = r.ParseForm()
			s.forms = append(s.forms, r.PostForm)
			fmt.Fprint(w, `{"access_token":"tok-`+string(v)+`","token_type":"bearer","expires_in":3600}`)
			return
		case r.URL.Path == "/"+string(v)+"/ServiceInstance" && status == http.StatusUnauthorized:
			fmt.Fprint(w, `{"installationId":"6c9ee0d4-2b0a-4a55-9e1c-0c7a4b7e4a51","version":"8.1.0.305"}`)
			return
		}
	}
	w.WriteHeader(http.StatusNotFound)
	fmt.Fprintf(w, `{"message":"No HTTP resource was found that matches the request URI '%s'."}`, r.URL.Path)
}

func newVersionClient(t *testing.T, s *versionServer, pinned Version) *Client {
	t.Helper()
	return newPinnedClient(t, s, pinned)
}

// newVersionClientFor is a client that detects the version of h.
func newVersionClientFor(t *testing.T, h http.Handler) *Client {
	t.Helper()
	return newPinnedClient(t, h, Auto)
}

func newPinnedClient(t *testing.T, h http.Handler, pinned Version) *Client {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	u, _ := url.Parse(srv.URL)
	c, err := New(Options{Server: "east", BaseURL: u, Username: "svc", Password: "pw-secret-1", APIVersion: pinned, RequestTimeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

func TestDetectNewestServedWithoutCredentials(t *testing.T) {
	for _, tc := range []struct {
		served map[Version]int
		want   Version
		probes int
	}{
		{map[Version]int{V6: 401, V7: 401, V8: 401}, V8, 1}, // an 8.x server
		{map[Version]int{V6: 401, V7: 401}, V7, 2},
		{map[Version]int{V6: 401}, V6, 3},
		{map[Version]int{V1: 401}, V1, 4},
	} {
		s := &versionServer{served: tc.served}
		c := newVersionClient(t, s, Auto)
		v, err := c.APIVersion(context.Background())
		if err != nil || v != tc.want {
			t.Fatalf("served %v: got %q, %v; want %q", tc.served, v, err, tc.want)
		}
		// The probes, the control probe, and the login that settles it.
		want := len(s.seen) == tc.probes+2 && s.seen[tc.probes] == "GET "+controlPath+" auth=no" &&
			s.seen[tc.probes+1] == "POST "+tokenPath(tc.want)+" auth=no"
		if !want {
			t.Fatalf("served %v: requests %v, want %d probes, the control probe and one login", tc.served, s.seen, tc.probes)
		}
		for _, line := range s.seen[:tc.probes+1] {
			if !strings.HasSuffix(line, "auth=no") || !strings.HasPrefix(line, "GET ") {
				t.Errorf("a probe carried credentials or was not a GET: %s", line)
			}
		}
		// The version and the token are kept: a second call asks nothing.
		if v, _ := c.APIVersion(context.Background()); v != tc.want || len(s.seen) != tc.probes+2 {
			t.Errorf("a second call probed again (%d requests)", len(s.seen))
		}
	}
}

func TestDetectFailures(t *testing.T) {
	c := newVersionClient(t, &versionServer{}, Auto)
	if _, err := c.APIVersion(context.Background()); !errors.Is(err, ErrNoVersion) {
		t.Errorf("no version served: %v, want ErrNoVersion", err)
	}
	// A server error is no answer: detection fails rather than guessing v7.
	c = newVersionClient(t, &versionServer{served: map[Version]int{V8: 400, V7: 401}}, Auto)
	if _, err := c.APIVersion(context.Background()); err == nil || StatusCode(err) != 400 {
		t.Errorf("a 400 on the v8 probe: %v, want that error", err)
	}
	c = newVersionClient(t, &versionServer{served: map[Version]int{V8: 200}}, Auto)
	if _, err := c.APIVersion(context.Background()); err == nil || !strings.Contains(err.Error(), "api_version") {
		t.Errorf("a 200 without credentials: %v, want advice to pin api_version", err)
	}
}

func TestLoginPerVersion(t *testing.T) {
	for _, v := range []Version{V6, V7, V8} {
		s := &versionServer{served: map[Version]int{v: 401}}
		c := newVersionClient(t, s, Auto)
		si, err := func() (ServiceInstance, error) {
			if _, err := c.APIVersion(context.Background()); err != nil {
				return ServiceInstance{}, err
			}
			return c.ServiceInstance(context.Background())
		}()
		if err != nil || si.Version != "8.1.0.305" {
			t.Fatalf("%s: %+v %v", v, si, err)
		}
		if len(s.forms) != 1 {
			t.Fatalf("%s: %d logins", v, len(s.forms))
		}
		f := s.forms[0]
		if f.Get("grant_type") != "password" || f.Get("username") != "svc" || f.Get("password") != "pw-secret-1" {
			t.Errorf("%s: login form %v", v, f)
		}
		if got, want := f.Get("disable_antiforgery_token"), map[Version]string{V6: "", V7: "true", V8: "true"}[v]; got != want {
			t.Errorf("%s: disable_antiforgery_token=%q, want %q", v, got, want)
		}
	}
}

func TestPinnedVersionNeverProbes(t *testing.T) {
	s := &versionServer{served: map[Version]int{V7: 401}}
	c := newVersionClient(t, s, V7)
	if _, err := c.ServiceInstance(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(s.seen) != 2 || s.seen[0] != "POST /v7/token auth=no" {
		t.Errorf("requests %v, want the login and the request only", s.seen)
	}
	c.ForgetVersion() // pinned: nothing to forget
	if v, _ := c.APIVersion(context.Background()); v != V7 || len(s.seen) != 2 {
		t.Errorf("a pinned version was probed: %v", s.seen)
	}
}

func TestForgetVersionDetectsAgainAndLogsInAgain(t *testing.T) {
	s := &versionServer{served: map[Version]int{V7: 401, V6: 401}}
	c := newVersionClient(t, s, Auto)
	ctx := context.Background()
	if v, err := c.APIVersion(ctx); err != nil || v != V7 {
		t.Fatal(v, err)
	}
	if _, err := c.ServiceInstance(ctx); err != nil {
		t.Fatal(err)
	}
	s.mu.Lock()
	s.served = map[Version]int{V8: 401, V7: 401, V6: 401} // upgraded to 8.x
	s.mu.Unlock()
	c.ForgetVersion()
	if v, err := c.APIVersion(ctx); err != nil || v != V8 {
		t.Fatal(v, err)
	}
	if _, err := c.ServiceInstance(ctx); err != nil {
		t.Fatal(err)
	}
	if len(s.forms) != 2 {
		t.Errorf("%d logins, want one per version: a v7 token is not used on v8", len(s.forms))
	}
}

func TestParseVersion(t *testing.T) {
	for _, c := range []struct {
		in   string
		want Version
	}{{"", Auto}, {"auto", Auto}, {"V8", V8}, {" v6 ", V6}, {"v1", V1}} {
		if got, err := ParseVersion(c.in); err != nil || got != c.want {
			t.Errorf("ParseVersion(%q) = %q, %v", c.in, got, err)
		}
	}
	if _, err := ParseVersion("v5"); err == nil {
		t.Error("v5 accepted")
	}
}
