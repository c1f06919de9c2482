package contract

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestPassThrough: the wrapped handler sees the request as sent and the
// client gets the response as written, headers, status and body.
func TestPassThrough(t *testing.T) {
	v := newValidator(t)
	const form = "grant_type=password&username=admin&password=p"
	var seen string
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		seen = r.Method + " " + r.URL.RequestURI() + " " + r.Header.Get("Content-Type") + " " + string(b)
		w.Header().Set("Content-Type", jsonCT)
		w.Header().Set("Cache-Control", "no-cache")
		w.WriteHeader(http.StatusOK)
		_, _ = io.WriteString(w, tokenOK[:10])
		_, _ = io.WriteString(w, tokenOK[10:])
	})
	srv := serve(t, v, h)
	hr, _ := http.NewRequest("POST", srv.URL+"/v8/token", strings.NewReader(form))
	hr.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := srv.Client().Do(hr)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	settle(srv)
	if want := "POST /v8/token application/x-www-form-urlencoded " + form; seen != want {
		t.Errorf("handler saw %q, want %q", seen, want)
	}
	if resp.StatusCode != 200 || resp.Header.Get("Cache-Control") != "no-cache" || string(body) != tokenOK {
		t.Errorf("client got %d %v %q", resp.StatusCode, resp.Header, body)
	}
	wantViolations(t, v, 1)
}

// TestUnreadRequestBodyIsValidated: a handler that ignores the body does
// not hide it from validation.
func TestUnreadRequestBodyIsValidated(t *testing.T) {
	v := newValidator(t)
	srv := serve(t, v, fixed(200, jsonCT, tokenOK))
	do(t, srv, req{method: "POST", path: "/v8/token", ctype: "application/x-www-form-urlencoded", body: "grant_type=magic"})
	settle(srv)
	wantViolations(t, v, 1, `request: body /grant_type: value is not one of the allowed values`)
}

// TestStreamingStillStreams: the client must receive the first part of a
// flushed body while the handler is still waiting to write the rest; a
// wrapper that buffered would deadlock here until the timeout.
func TestStreamingStillStreams(t *testing.T) {
	v := newValidator(t)
	firstSeen := make(chan struct{})
	h := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", jsonCT)
		_, _ = io.WriteString(w, `{"offset":0,"limit":2,`)
		w.(http.Flusher).Flush()
		select {
		case <-firstSeen:
		case <-time.After(10 * time.Second):
			t.Error("the client never saw the flushed first part")
		}
		_, _ = io.WriteString(w, `"results":[]}`)
	})
	srv := serve(t, v, h)
	resp, err := srv.Client().Get(srv.URL + "/v8/Jobs")
	if err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(resp.Body)
	first, err := br.ReadString(',')
	if err != nil {
		t.Fatal(err)
	}
	close(firstSeen)
	rest, _ := io.ReadAll(br)
	resp.Body.Close()
	settle(srv)
	if got := first + string(rest); got != `{"offset":0,"limit":2,"results":[]}` {
		t.Errorf("body %q", got)
	}
	// The request had no token: the streamed exchange was validated whole.
	wantViolations(t, v, 1, "request: security: no Bearer token")
}

// TestTooLarge: past the bound the exchange is reported, not validated,
// and the client still gets every byte.
func TestTooLarge(t *testing.T) {
	v := newValidator(t)
	v.MaxBody = 64
	big := mutate(t, v8JobsPage, "results/0/description", strings.Repeat("x", 1000))
	srv := serve(t, v, fixed(200, jsonCT, big))
	_, body := do(t, srv, req{path: "/v8/Jobs", auth: true})
	_, _ = do(t, srv, req{method: "POST", path: "/v8/token", ctype: "application/x-www-form-urlencoded",
		body: "grant_type=password&username=" + strings.Repeat("u", 100)})
	settle(srv)
	if string(body) != big {
		t.Errorf("client got %d bytes, want %d", len(body), len(big))
	}
	wantViolations(t, v, 2, "GET /v8/Jobs: response: not validated: too large", "POST /v8/token: request: not validated: too large")
}

// TestUnversionedPathsSkipped: v1 has no schema; it is counted, not checked.
func TestUnversionedPathsSkipped(t *testing.T) {
	v := newValidator(t)
	srv := serve(t, v, fixed(200, jsonCT, `[]`))
	do(t, srv, req{path: "/v1/Jobs"})
	do(t, srv, req{path: "/v1/Jobs/x/SelectedMailboxes?limit=5"})
	do(t, srv, req{path: "/"})
	settle(srv)
	wantViolations(t, v, 0)
	if got := v.Skipped(); got["v1"] != 2 || got[""] != 1 {
		t.Errorf("Skipped() = %v, want v1:2 and \"\":1", got)
	}
}

// TestConcurrentUse drives one Validator from many goroutines; under -race
// this proves the bookkeeping is locked, and the counts prove nothing is lost.
func TestConcurrentUse(t *testing.T) {
	v := newValidator(t)
	bad := mutate(t, v6Jobs, "0/organizationId", orgID)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body := v8JobsPage
		if strings.HasPrefix(r.URL.Path, "/v6/") {
			body = bad
		}
		fixed(200, jsonCT, body).ServeHTTP(w, r)
	})
	srv := serve(t, v, h)
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Go(func() {
			path := fmt.Sprintf("/v8/Jobs?limit=%d", i+1)
			if i%2 == 0 {
				path = "/v6/Jobs"
			}
			do(t, srv, req{path: path, auth: true})
		})
	}
	wg.Wait()
	settle(srv)
	if got := v.Checked(); got["v6"] != 8 || got["v8"] != 8 {
		t.Errorf("Checked() = %v, want v6:8 v8:8", got)
	}
	if got := len(v.Violations()); got != 8 {
		t.Errorf("%d violations, want 8 (one per v6 request):\n%s", got, strings.Join(v.Violations(), "\n"))
	}
}

// TestHandlerWritesNothing: an empty 200 is still a response to validate.
func TestHandlerWritesNothing(t *testing.T) {
	v := newValidator(t)
	srv := serve(t, v, http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	do(t, srv, req{path: "/v8/Jobs", auth: true})
	settle(srv)
	wantViolations(t, v, 1, `response: response header Content-Type has unexpected value: ""`)
}

func TestBoundedBuffer(t *testing.T) {
	b := boundedBuffer{max: 5}
	b.add([]byte("abc"))
	b.add([]byte("def"))
	b.add([]byte("g"))
	if got := b.buf.String(); got != "abcde" || !b.overflow {
		t.Errorf("kept %q overflow=%v, want \"abcde\" true", got, b.overflow)
	}
	var exact boundedBuffer
	exact.max = 3
	exact.add(bytes.Repeat([]byte("z"), 3))
	if exact.overflow {
		t.Error("exactly max bytes marked as overflow")
	}
}
