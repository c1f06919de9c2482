package vboapi

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-kit/log"
)

// fakeAPI is a small, deliberately misbehaving-on-request VBO365 server for
// the edge cases the simulator is not meant to reproduce.
type fakeAPI struct {
	mu            sync.Mutex
	mailboxes     []string // raw JSON objects
	maxLimit      int      // server cap on limit; 0 = none
	noEcho        bool     // omit offset/limit from pages
	linkHost      string   // host used in _links
	ignoreOffset  bool
	tokenLifetime time.Duration
	tokenStatus   int  // non-zero: the token endpoint answers this
	overserve     int  // serve this many items more than the limit asked
	nextBack      bool // _links.next always points at offset 0
	afterPage     func(offset int)

	tokens       map[string]time.Time // access token -> expiry
	refreshes    map[string]bool
	logins       atomic.Int64
	refreshCount atomic.Int64
	pageRequests atomic.Int64
	revokeNext   atomic.Int64 // that many resource requests get 401 and revoke their token
	serial       atomic.Int64
}

func newFakeAPI(n int, backedUp func(i int) string) *fakeAPI {
	f := &fakeAPI{linkHost: "vbo.unreachable.invalid:4443", tokens: map[string]time.Time{}, refreshes: map[string]bool{}, tokenLifetime: time.Hour}
	for i := range n {
		f.mailboxes = append(f.mailboxes, mailboxJSON(guid(i), backedUp(i)))
	}
	return f
}

func guid(i int) string { return fmt.Sprintf("%08x-0000-4000-8000-%012x", i, i) }

func mailboxJSON(id, isBackedUp string) string {
	return fmt.Sprintf(`{"id":%q,"email":"user%s@example.onmicrosoft.com","name":"User %s",%s"_links":{"self":{"href":"https://vbo.unreachable.invalid:4443/v1/Organizations/o/Mailboxes/%s"}}}`,
		id, id[:8], id[:8], isBackedUp, id)
}

func (f *fakeAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.URL.Path == "/v1/Token":
		f.token(w, r)
	case r.URL.Path == "/v1/Jobs":
		if !f.authorized(w, r) {
			return
		}
		fmt.Fprint(w, `[{"id":"job-1","name":"Job One","isEnabled":"true","allMailboxes":"false","lastStatus":"Success","lastRun":"2017-04-01T10:12:15.3635382Z","_links":{"organization":{"href":"https://x:4443/v1/Organizations/org-1"}}}]`)
	case strings.HasSuffix(r.URL.Path, "/SelectedMailboxes"):
		if !f.authorized(w, r) {
			return
		}
		f.page(w, r)
	default:
		http.NotFound(w, r)
	}
}

func (f *fakeAPI) token(w http.ResponseWriter, r *http.Request) {
	if f.tokenStatus != 0 {
		w.WriteHeader(f.tokenStatus)
		fmt.Fprint(w, `{"error":"invalid_grant","error_description":"The user name or password is incorrect."}`)
		return
	}
	_ = r.ParseForm()
	f.mu.Lock()
	defer f.mu.Unlock()
	switch r.PostForm.Get("grant_type") {
	case "password":
		if r.PostForm.Get("username") != "user" || r.PostForm.Get("password") != "s3cret-pass" {
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprint(w, `{"error":"invalid_grant","error_description":"The user name or password is incorrect."}`)
			return
		}
		f.logins.Add(1)
	case "refresh_token":
		if !f.refreshes[r.PostForm.Get("refresh_token")] {
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprint(w, `{"error":"invalid_grant"}`)
			return
		}
		delete(f.refreshes, r.PostForm.Get("refresh_token"))
		f.refreshCount.Add(1)
	default:
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	n := f.serial.Add(1)
	access, refresh := fmt.Sprintf("access-%d-zzzzzz", n), fmt.Sprintf("refresh-%d-zzzzzz", n)
	f.tokens[access] = time.Now().Add(f.tokenLifetime)
	f.refreshes[refresh] = true
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"access_token": access, "token_type": "bearer", "refresh_token": refresh,
		"expires_in": f.tokenLifetime.Seconds(),
	})
}

func (f *fakeAPI) authorized(w http.ResponseWriter, r *http.Request) bool {
	tok := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	f.mu.Lock()
	exp, ok := f.tokens[tok]
	if ok && f.revokeNext.Load() > 0 {
		f.revokeNext.Add(-1)
		delete(f.tokens, tok)
		ok = false
	}
	f.mu.Unlock()
	if !ok || time.Now().After(exp) {
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprint(w, `{"message":"Authorization has been denied for this request."}`)
		return false
	}
	return true
}

func (f *fakeAPI) page(w http.ResponseWriter, r *http.Request) {
	f.pageRequests.Add(1)
	offset, _ := strconv.Atoi(r.URL.Query().Get("offset"))
	limit := 30
	if l := r.URL.Query().Get("limit"); l != "" {
		limit, _ = strconv.Atoi(l)
	}
	if f.maxLimit > 0 && limit > f.maxLimit {
		limit = f.maxLimit
	}
	if f.ignoreOffset {
		offset = 0
	}
	f.mu.Lock()
	all := f.mailboxes
	f.mu.Unlock()
	from, to := min(offset, len(all)), min(offset+limit+f.overserve, len(all))
	if f.afterPage != nil {
		defer f.afterPage(offset)
	}
	var b strings.Builder
	b.WriteString("{")
	if !f.noEcho {
		fmt.Fprintf(&b, `"offset":%d,"limit":%d,`, offset, limit)
	}
	b.WriteString(`"results":[` + strings.Join(all[from:to], ",") + `]`)
	self := url.URL{Scheme: "https", Host: f.linkHost, Path: r.URL.Path}
	fmt.Fprintf(&b, `,"_links":{"self":{"href":%q}`, self.String())
	if min(offset+limit, len(all)) < len(all) {
		next := self
		next.RawQuery = fmt.Sprintf("offset=%d&limit=%d", offset+limit, limit)
		if f.nextBack {
			next.RawQuery = fmt.Sprintf("offset=0&limit=%d", limit)
		}
		fmt.Fprintf(&b, `,"next":{"href":%q}`, next.String())
	}
	b.WriteString("}}")
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	fmt.Fprint(w, b.String())
}

// newTestClient starts f and returns a client for it.
func newTestClient(t *testing.T, f http.Handler, concurrency int) (*Client, *httptest.Server) {
	t.Helper()
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	u, _ := url.Parse(srv.URL)
	c, err := New(Options{
		Server: "test", BaseURL: u, Username: "user", Password: "s3cret-pass",
		RequestTimeout: 5 * time.Second, MaxConcurrent: concurrency, Logger: log.NewNopLogger(),
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c, srv
}

func everyThird(i int) string {
	if i%3 == 0 {
		return `"isBackedUp":"false",`
	}
	return `"isBackedUp":"true",`
}
