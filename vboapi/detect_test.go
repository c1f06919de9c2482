package vboapi

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"testing/synctest"

	"github.com/go-kit/log"

	"github.com/vbo365-exporter/vbo365_exporter/simulator"
)

// passwordWatch records every request a handler receives and where the
// password went.
type passwordWatch struct {
	next     http.Handler
	password string

	mu       sync.Mutex
	seen     []string // "METHOD path"
	sentTo   []string // paths whose request body carried the password
	tokenish []string // those of them that are token endpoints
}

func (w *passwordWatch) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	w.mu.Lock()
	w.seen = append(w.seen, r.Method+" "+r.URL.Path)
	if bytes.Contains(body, []byte(w.password)) || strings.Contains(r.URL.RawQuery, w.password) ||
		strings.Contains(r.Header.Get("Authorization"), w.password) {
		w.sentTo = append(w.sentTo, r.URL.Path)
		if r.Method == http.MethodPost && isTokenPath(r.URL.Path) {
			w.tokenish = append(w.tokenish, r.URL.Path)
		}
	}
	w.mu.Unlock()
	w.next.ServeHTTP(rw, r)
}

func isTokenPath(p string) bool {
	for _, v := range Versions {
		if strings.EqualFold(p, tokenPath(v)) {
			return true
		}
	}
	return false
}

// TestDetectionCannotBeFooledBy401 runs version detection against v1, 6.x,
// 7.x and 8.x servers, each both as a server that routes before it
// authenticates (404 for a version it lacks) and as one that authenticates
// first (401 to every path without a token, whatever it is). Either way the
// newest version served is chosen, with a single login whose token the next
// request uses, and the password goes to token endpoints only.
func TestDetectionCannotBeFooledBy401(t *testing.T) {
	servers := []struct {
		versions []string
		want     Version
	}{
		{[]string{"v1"}, V1},
		{[]string{"v6"}, V6},
		{[]string{"v6", "v7"}, V7},
		{[]string{"v6", "v7", "v8"}, V8},
	}
	for _, srv := range servers {
		for _, authFirst := range []bool{false, true} {
			name := fmt.Sprintf("%s/auth-before-routing=%v", strings.Join(srv.versions, ","), authFirst)
			t.Run(name, func(t *testing.T) {
				synctest.Test(t, func(t *testing.T) {
					checkDetection(t, srv.versions, authFirst, srv.want)
				})
			})
		}
	}
}

func checkDetection(t *testing.T, versions []string, authFirst bool, want Version) {
	opts := simulator.Options{Versions: versions, AuthBeforeRouting: authFirst, Jobs: 1, MailboxesPerJob: []int{1},
		Username: "svc-monitor", Password: "sim-password-1"}
	opts.Tenant.Organizations, opts.Tenant.Users = 1, 10
	sim := simulator.New(opts)
	watch := &passwordWatch{next: sim, password: opts.Password}
	var logs bytes.Buffer
	c := memClient(t, watch, Options{Server: "east", Username: opts.Username, Password: opts.Password,
		RequestTimeout: 2e9, MaxConcurrent: 2, Logger: log.NewLogfmtLogger(&logs)})
	ctx := context.Background()
	v, err := c.APIVersion(ctx)
	if err != nil || v != want {
		t.Fatalf("chose %q, %v; want %q (requests %v)", v, err, want, watch.seen)
	}
	if _, err := c.Jobs(ctx); err != nil {
		t.Fatalf("the job list after detection: %v", err)
	}
	if n := sim.Requests(simulator.EndpointToken); n != 1 {
		t.Errorf("%d logins that issued or refused a token, want 1 (requests %v)", n, watch.seen)
	}
	if len(watch.sentTo) != len(watch.tokenish) || len(watch.sentTo) == 0 {
		t.Errorf("the password went to %v; only token endpoints may have it", watch.sentTo)
	}
	why := "GET " + controlPath + " 404"
	if authFirst {
		why = "every path answers 401 without credentials"
	}
	if !strings.Contains(logs.String(), "REST API version chosen") || !strings.Contains(logs.String(), why) {
		t.Errorf("the log does not say why %s was chosen (want %q):\n%s", want, why, logs.String())
	}
	if strings.Contains(logs.String(), opts.Password) {
		t.Error("the log shows the password")
	}
}

// TestDetectionLoginMovesOnAfter404 is a server whose probe answers a
// meaningful 401 for a version whose token endpoint is gone: the 404 there
// rules the version out and the next one is tried in the same detection.
func TestDetectionLoginMovesOnAfter404(t *testing.T) {
	s := &versionServer{served: map[Version]int{V8: 401, V7: 401, V6: 401}}
	gone := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v8/token" {
			w.WriteHeader(http.StatusNotFound)
			return
		}
		s.ServeHTTP(w, r)
	})
	c := newVersionClientFor(t, gone)
	v, err := c.APIVersion(context.Background())
	if err != nil || v != V7 {
		t.Fatalf("chose %q, %v; want v7 after a 404 on POST /v8/token", v, err)
	}
	if got := strings.Join(s.seen, "; "); !strings.HasSuffix(got, "POST /v7/token auth=no") {
		t.Errorf("requests %s", got)
	}
}

// TestDetectionKeepsVersionWhenLoginRefused: a token endpoint that refuses
// the password still proves the version served; the error says it is the
// login that failed, and the next call does not probe or log in again.
func TestDetectionKeepsVersionWhenLoginRefused(t *testing.T) {
	s := &versionServer{served: map[Version]int{V7: 401, V6: 401}}
	refusing := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			s.mu.Lock()
			s.seen = append(s.seen, "POST "+r.URL.Path)
			s.mu.Unlock()
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprint(w, `{"message":"The user name or password is incorrect."}`)
			return
		}
		s.ServeHTTP(w, r)
	})
	c := newVersionClientFor(t, refusing)
	_, err := c.APIVersion(context.Background())
	if !errors.Is(err, ErrLoginFailed) || !errors.Is(err, ErrBadCredentials) {
		t.Fatalf("err = %v, want a refused login", err)
	}
	n := len(s.seen)
	if v, err := c.APIVersion(context.Background()); v != V7 || err != nil || len(s.seen) != n {
		t.Errorf("second call: %q, %v, %d more requests; want v7 kept and nothing asked", v, err, len(s.seen)-n)
	}
}
