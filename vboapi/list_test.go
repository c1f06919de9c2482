package vboapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// pageServer serves GET /v8/Organizations/o/Users as pages of n users, and
// lets a test spoil them.
type pageServer struct {
	n        int
	maxLimit int                     // the server's cap on limit; 0 = none
	noSetID  bool                    // pages carry no setId: no snapshot
	spoil    func(offset int) string // a body to send instead, "" = none

	mu    sync.Mutex
	asked []url.Values
}

// requests is how many requests have reached the server so far.
func (s *pageServer) requests() int { return len(s.queries()) }

// queries are the query strings of the requests so far, in arrival order.
func (s *pageServer) queries() []url.Values {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]url.Values(nil), s.asked...)
}

func (s *pageServer) forget() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.asked = nil
}

func (s *pageServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/v8/token" {
		fmt.Fprint(w, `{"access_token":"tok","expires_in":3600}`)
		return
	}
	q := r.URL.Query()
	s.mu.Lock()
	s.asked = append(s.asked, q)
	s.mu.Unlock()
	offset, _ := strconv.Atoi(q.Get("offset"))
	limit, _ := strconv.Atoi(q.Get("limit"))
	if s.maxLimit > 0 {
		limit = min(limit, s.maxLimit)
	}
	if s.spoil != nil {
		if body := s.spoil(offset); body != "" {
			fmt.Fprint(w, body)
			return
		}
	}
	users := []User{}
	for i := offset; i < min(offset+limit, s.n); i++ {
		users = append(users, User{ID: fmt.Sprintf("u%d", i), Name: fmt.Sprintf("U%d@example.com", i)})
	}
	page := map[string]any{"offset": offset, "limit": limit, "results": users, "_links": map[string]any{}}
	if !s.noSetID {
		page["setId"] = "0b0d6ac6-3c2e-4bd0-8a7e-3a1d4c1e9f00"
	}
	b, _ := json.Marshal(page)
	w.Write(b)
}

func readUsers(t *testing.T, s *pageServer, pageSize int) ([]string, error) {
	t.Helper()
	return readUsersWith(t, pageClient(t, s, 1), pageSize)
}

func pageClient(t *testing.T, s *pageServer, maxConcurrent int) *Client {
	t.Helper()
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	u, _ := url.Parse(srv.URL)
	c, err := New(Options{BaseURL: u, Username: "svc", Password: "pw", APIVersion: V8, RequestTimeout: 2 * time.Second, MaxConcurrent: maxConcurrent})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

func readUsersWith(t *testing.T, c *Client, pageSize int) ([]string, error) {
	t.Helper()
	var ids []string
	err := c.OrganizationUsers(context.Background(), "o", pageSize, func(u *User) error {
		ids = append(ids, u.ID)
		return nil
	})
	return ids, err
}

// TestListReadsAheadInOrder: with several requests in flight the items still
// come in list order, every page is asked once, at most the client's limit
// of pages past the end is asked on the first read, and none on the next
// read of a list whose length did not change.
func TestListReadsAheadInOrder(t *testing.T) {
	for _, n := range []int{0, 9, 10, 95, 100, 101} {
		s := &pageServer{n: n}
		c := pageClient(t, s, 4)
		for read := 1; read <= 2; read++ {
			s.forget()
			ids, err := readUsersWith(t, c, 10)
			if err != nil || len(ids) != n {
				t.Fatalf("n=%d read %d: %d users, %v", n, read, len(ids), err)
			}
			for i, id := range ids {
				if id != fmt.Sprintf("u%d", i) {
					t.Fatalf("n=%d read %d: user %d is %s", n, read, i, id)
				}
			}
			needed := n/10 + 1
			offsets := map[string]bool{}
			for _, q := range s.queries() {
				if offsets[q.Get("offset")] {
					t.Errorf("n=%d read %d: offset %s asked twice", n, read, q.Get("offset"))
				}
				offsets[q.Get("offset")] = true
			}
			switch extra := s.requests() - needed; {
			case extra < 0:
				t.Fatalf("n=%d read %d: %d requests, fewer than the %d pages", n, read, s.requests(), needed)
			case read == 1 && extra > 3:
				t.Errorf("n=%d: %d requests past the end on the first read, want at most 3", n, extra)
			case read == 2 && extra != 0:
				t.Errorf("n=%d: %d requests past the end on a second read of an unchanged list", n, extra)
			}
		}
	}
}

// TestListThatChangesWhileReadFails: a short page followed by a page with
// items means the list moved under the reader; it must not be taken whole,
// whatever the number of pages in flight, on a list the server does not
// page through one snapshot.
func TestListThatChangesWhileReadFails(t *testing.T) {
	for _, conc := range []int{1, 8} {
		s := &pageServer{n: 100, noSetID: true, spoil: func(offset int) string {
			if offset == 30 {
				return `{"offset":30,"limit":10,"results":[{"id":"x"}]}`
			}
			return ""
		}}
		c := pageClient(t, s, conc)
		if ids, err := readUsersWith(t, c, 10); err == nil {
			t.Fatalf("concurrency %d: read %d users and no error", conc, len(ids))
		}
	}
}

func TestListReadsEveryPageThroughOneSetID(t *testing.T) {
	for _, tc := range []struct{ n, pageSize, maxLimit, pages int }{
		{0, 10, 0, 1},
		{9, 10, 0, 1},
		{10, 10, 0, 2}, // a full last page needs one more, empty page
		{25, 10, 0, 3},
		{25, 10, 4, 7}, // the server caps the page size at 4
	} {
		s := &pageServer{n: tc.n, maxLimit: tc.maxLimit}
		ids, err := readUsers(t, s, tc.pageSize)
		if err != nil || len(ids) != tc.n {
			t.Fatalf("%+v: %d users, %v", tc, len(ids), err)
		}
		for i, id := range ids {
			if id != fmt.Sprintf("u%d", i) {
				t.Fatalf("%+v: user %d is %s", tc, i, id)
			}
		}
		if s.requests() != tc.pages {
			t.Fatalf("%+v: %d requests, want %d", tc, s.requests(), tc.pages)
		}
		for i, q := range s.queries() {
			if q.Get("dataSource") != "PreferLocal" || q.Get("limit") != strconv.Itoa(tc.pageSize) {
				t.Errorf("%+v: request %d asked %v", tc, i, q)
			}
			if (i == 0) != (q.Get("setId") == "") {
				t.Errorf("%+v: request %d setId %q: only later pages carry the first page's setId", tc, i, q.Get("setId"))
			}
		}
	}
}

func TestListFailsWholeOnABadPage(t *testing.T) {
	for name, body := range map[string]string{
		"no results":      `{"offset":10,"limit":10}`,
		"null results":    `{"offset":10,"limit":10,"results":null}`,
		"wrong offset":    `{"offset":0,"limit":10,"results":[]}`,
		"data after":      `{"offset":10,"limit":10,"results":[]} {}`,
		"over the limit":  `{"offset":10,"limit":10,"results":[` + strings.Repeat(`{"id":"x"},`, 10) + `{"id":"y"}]}`,
		"not an array":    `{"offset":10,"limit":10,"results":{}}`,
		"a wrong type":    `{"offset":10,"limit":10,"results":[{"id":7}]}`,
		"truncated JSON":  `{"offset":10,"limit":10,"results":[`,
		"array, not page": `[]`,
		"results twice":   `{"offset":10,"limit":10,"results":[],"results":[{"id":"x"}]}`,
		"a member twice":  `{"offset":10,"limit":10,"results":[{"id":"x","id":"y"}]}`,
		"invalid UTF-8":   "{\"offset\":10,\"limit\":10,\"results\":[{\"id\":\"\xff\"}]}",
	} {
		s := &pageServer{n: 25, spoil: func(offset int) string {
			if offset == 10 {
				return body
			}
			return ""
		}}
		if ids, err := readUsers(t, s, 10); err == nil {
			t.Errorf("%s: read %d users and no error", name, len(ids))
		}
	}
}

func TestListThatNeverEndsFails(t *testing.T) {
	defer func(n int) { maxListItems = n }(maxListItems)
	maxListItems = 100
	s := &pageServer{n: 1 << 30}
	if _, err := readUsers(t, s, 10); err == nil || !strings.Contains(err.Error(), "does not end") {
		t.Fatalf("got %v", err)
	}
	if s.requests() != 11 {
		t.Errorf("%d requests, want 11", s.requests())
	}
}

// A list of exactly the bound fills every page up to it and ends with an
// empty page: it is whole, not endless (at maxListPages 1000 this failed an
// organization of 1,000,000 users read 1000 at a time).
func TestListOfTheBoundEnds(t *testing.T) {
	defer func(n int) { maxListItems = n }(maxListItems)
	maxListItems = 100
	for _, pageSize := range []int{1, 10, 30, 100} {
		s := &pageServer{n: 100}
		ids, err := readUsers(t, s, pageSize)
		if err != nil || len(ids) != 100 {
			t.Errorf("page size %d: %d users, %v", pageSize, len(ids), err)
		}
	}
}

// TestDecodingHoldsNoRequestSlot: a page is decoded after its slot is
// free, so with one slot a second request reaches the server while the
// first page is still being decoded.
func TestDecodingHoldsNoRequestSlot(t *testing.T) {
	var mu sync.Mutex
	seen := 0
	both := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v8/token" {
			w.Write([]byte(`{"access_token":"t","token_type":"bearer","expires_in":3600}`))
			return
		}
		mu.Lock()
		if seen++; seen == 2 {
			close(both)
		}
		mu.Unlock()
		w.Write([]byte(`{}`))
	}))
	t.Cleanup(srv.Close)
	u, _ := url.Parse(srv.URL)
	c, err := New(Options{BaseURL: u, Username: "svc", Password: "pw", APIVersion: V8, RequestTimeout: 10 * time.Second, MaxConcurrent: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	errs := make(chan error, 2)
	for range 2 {
		go func() {
			errs <- c.do(context.Background(), request{method: http.MethodGet, endpoint: "/v8/x", path: "/v8/x", auth: true, buffered: true,
				decode: func(io.Reader) error {
					select {
					case <-both:
						return nil
					case <-time.After(5 * time.Second):
						return errors.New("the other request never reached the server")
					}
				}})
		}()
	}
	for range 2 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
}

// TestListThatIgnoresTheOffsetFails: a server that answers every offset
// with the first page (echoing the offset asked) is caught at the second
// page, not read up to maxListItems.
func TestListThatIgnoresTheOffsetFails(t *testing.T) {
	first := func(offset int) string {
		var b strings.Builder
		fmt.Fprintf(&b, `{"offset":%d,"limit":10,"results":[`, offset)
		for i := range 10 {
			if i > 0 {
				b.WriteString(",")
			}
			fmt.Fprintf(&b, `{"id":"u%d","name":"u%d@example.com"}`, i, i)
		}
		b.WriteString("]}")
		return b.String()
	}
	for _, conc := range []int{1, 4} {
		s := &pageServer{n: 1 << 30, spoil: first}
		_, err := readUsersWith(t, pageClient(t, s, conc), 10)
		if !errors.Is(err, ErrNotAdvancing) {
			t.Fatalf("concurrency %d: got %v", conc, err)
		}
		if s.requests() > 2*conc+1 {
			t.Errorf("concurrency %d: %d requests before failing", conc, s.requests())
		}
	}
}

// TestListLengthsOfListsNoLongerReadAreForgotten: the lengths that pace
// read-ahead are dropped a day after a list was last read, so the lists of
// deleted jobs and groups do not stay in memory for good.
func TestListLengthsOfListsNoLongerReadAreForgotten(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var l ListLengths
		l.remember("/gone", 10)
		l.remember("/kept", 20)
		for range 25 {
			time.Sleep(time.Hour)
			l.remember("/kept", 20)
		}
		if _, known := l.last("/gone"); known {
			t.Error("a list not read for 25 hours is still remembered")
		}
		if n, known := l.last("/kept"); !known || n != 20 {
			t.Errorf("a list read every hour was forgotten: %d %v", n, known)
		}
	})
}

// TestListOpensItsWindowGradually: on a list whose length is not known, a
// list of two or three pages costs at most one page past its end (none for
// two pages of a snapshot), and a long one still gets to the client's
// limit of pages in flight (#21).
func TestListOpensItsWindowGradually(t *testing.T) {
	for _, tc := range []struct {
		n, maxExtra, wantInFlight int
		snapshot                  bool
	}{
		{n: 15, maxExtra: 0, wantInFlight: 1, snapshot: true},
		{n: 15, maxExtra: 1, wantInFlight: 1},
		{n: 25, maxExtra: 1, wantInFlight: 2, snapshot: true},
		{n: 25, maxExtra: 1, wantInFlight: 2},
		{n: 600, maxExtra: 7, wantInFlight: 8, snapshot: true},
	} {
		s := &pageServer{n: tc.n, noSetID: !tc.snapshot}
		var mu sync.Mutex
		inFlight, most := 0, 0
		slow := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			inFlight++
			most = max(most, inFlight)
			mu.Unlock()
			if r.URL.Path != "/v8/token" {
				time.Sleep(40 * time.Millisecond) // long enough for the reader to fill its window
			}
			s.ServeHTTP(w, r)
			mu.Lock()
			inFlight--
			mu.Unlock()
		})
		srv := httptest.NewServer(slow)
		u, _ := url.Parse(srv.URL)
		c, err := New(Options{BaseURL: u, Username: "svc", Password: "pw", APIVersion: V8, MaxConcurrent: 8})
		if err != nil {
			t.Fatal(err)
		}
		ids, err := readUsersWith(t, c, 10)
		c.Close()
		srv.Close()
		if err != nil || len(ids) != tc.n {
			t.Fatalf("n=%d: %d users, %v", tc.n, len(ids), err)
		}
		needed := tc.n/10 + 1
		if extra := s.requests() - needed; extra < 0 || extra > tc.maxExtra {
			t.Errorf("n=%d: %d requests for %d pages, want at most %d past the end", tc.n, s.requests(), needed, tc.maxExtra)
		}
		if tc.wantInFlight < 8 && most > tc.wantInFlight || tc.wantInFlight == 8 && most != 8 {
			t.Errorf("n=%d: at most %d requests in flight, want %d", tc.n, most, tc.wantInFlight)
		}
	}
}
