package vboapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/go-kit/log"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/vbo365-exporter/vbo365_exporter/simulator"
)

// simClient starts a simulator and returns a client for it with metrics on
// a fresh registry. edit may change the options before the client is made.
func simClient(t *testing.T, opts simulator.Options, edit func(*Options)) (*Client, *simulator.Simulator, *Metrics) {
	t.Helper()
	opts.Username, opts.Password = "svc-monitor", "sim-password-1"
	srv, sim := simulator.NewServer(t, opts)
	u, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	m := NewMetrics(prometheus.NewRegistry())
	o := Options{
		Server: "east", BaseURL: u, Username: opts.Username, Password: opts.Password,
		RequestTimeout: 2 * time.Second, MaxConcurrent: 4, Logger: log.NewNopLogger(), Metrics: m,
	}
	if edit != nil {
		edit(&o)
	}
	c, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c, sim, m
}

const pagesEndpoint = "/v1/Jobs/{id}/SelectedMailboxes"

// TestRetryAfterIsHonoured: a 429 with Retry-After: 1 is retried once, no
// sooner than a second later, and the count is still exact. It runs on the
// fake clock of a synctest bubble, so the second passes at once and is
// measured exactly.
func TestRetryAfterIsHonoured(t *testing.T) {
	for _, conc := range []int{1, 16} {
		t.Run(fmt.Sprint(conc), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				c, sim, m := memSimClient(t, simulator.Options{Jobs: 2, MailboxesPerJob: []int{45}}, func(o *Options) { o.MaxConcurrent = conc })
				truth := sim.Truth()[0]
				sim.AddFault(simulator.Fault{Endpoint: "mailboxes", Kind: simulator.TooManyRequests, RetryAfter: time.Second, Requests: []int{1}})
				start := time.Now()
				got, err := c.SelectedMailboxes(context.Background(), truth.ID, 10, 0, nil)
				took := time.Since(start)
				if err != nil {
					t.Fatal(err)
				}
				if got.Mailboxes != truth.Mailboxes || got.BackedUp != truth.BackedUp {
					t.Fatalf("got %d/%d, truth %d/%d", got.BackedUp, got.Mailboxes, truth.BackedUp, truth.Mailboxes)
				}
				if took < time.Second {
					t.Fatalf("done after %v: the 1s Retry-After was not waited for", took)
				}
				if n := testutil.ToFloat64(m.retries.WithLabelValues("east", pagesEndpoint, "429")); n != 1 {
					t.Fatalf("%v retries with reason 429, want 1", n)
				}
			})
		})
	}
}

// TestRetryAfterPastTheDeadlineFailsFast: when the server asks for a wait
// longer than the scrape has left, the client gives up at once instead of
// sleeping into the deadline.
func TestRetryAfterPastTheDeadlineFailsFast(t *testing.T) {
	c, sim, m := simClient(t, simulator.Options{Jobs: 1, MailboxesPerJob: []int{45}}, nil)
	sim.AddFault(simulator.Fault{Endpoint: "mailboxes", Kind: simulator.TooManyRequests, RetryAfter: 30 * time.Second})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	start := time.Now()
	_, err := c.SelectedMailboxes(ctx, sim.Truth()[0].ID, 10, 0, nil)
	if took := time.Since(start); took > time.Second {
		t.Fatalf("gave up after %v; it should not have slept", took)
	}
	if StatusCode(err) != http.StatusTooManyRequests || !strings.Contains(err.Error(), "no time left in the scrape to retry") {
		t.Fatalf("err = %v", err)
	}
	if n := testutil.ToFloat64(m.retries.WithLabelValues("east", pagesEndpoint, "429")); n != 0 {
		t.Fatalf("%v retries counted, want none", n)
	}
}

// TestTokenRetryPolicy: the token POST is retried on 5xx (a server that is
// starting) but never on 429 (a login quota, which retrying only drains) or
// another 4xx (which a retry cannot change). It runs on the fake clock of a
// synctest bubble: the backoff takes no real time, and the time it took on
// the fake clock is exactly the sum of the waits, which must lie within the
// retry policy's bounds.
func TestTokenRetryPolicy(t *testing.T) {
	cases := []struct {
		status   int
		requests int64
		badCreds bool
	}{
		{400, 1, true}, {401, 1, true}, {403, 1, false}, {404, 1, false}, {429, 1, false},
		{500, 4, false}, {502, 4, false}, {503, 4, false}, {504, 4, false},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprint(tc.status), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				c, sim, m := memSimClient(t, simulator.Options{Jobs: 1, MailboxesPerJob: []int{1}}, nil)
				sim.AddFault(simulator.Fault{Endpoint: "token", Kind: simulator.StatusError, Status: tc.status})
				if tc.status == 429 {
					sim.ClearFaults()
					sim.AddFault(simulator.Fault{Endpoint: "token", Kind: simulator.TooManyRequests, RetryAfter: time.Second})
				}
				start := time.Now()
				_, err := c.Jobs(context.Background())
				took := time.Since(start)
				if StatusCode(err) != tc.status || !strings.Contains(err.Error(), fmt.Sprintf("POST /v1/Token: HTTP %d", tc.status)) {
					t.Fatalf("err = %v", err)
				}
				if errors.Is(err, ErrBadCredentials) != tc.badCreds {
					t.Errorf("errors.Is(err, ErrBadCredentials) = %v for %d", !tc.badCreds, tc.status)
				}
				if n := sim.Requests("token"); n != tc.requests {
					t.Fatalf("%d token requests, want %d", n, tc.requests)
				}
				// A 429 is counted once: the login is sent again after its
				// Retry-After, not now.
				wantRetries := tc.requests - 1
				if tc.status == http.StatusTooManyRequests {
					wantRetries = 1
				}
				retries := testutil.ToFloat64(m.retries.WithLabelValues("east", "/v1/Token", fmt.Sprint(tc.status)))
				if retries != float64(wantRetries) {
					t.Fatalf("%v retries counted, want %d", retries, wantRetries)
				}
				if tc.requests == 1 && took > 500*time.Millisecond {
					t.Fatalf("a refused login took %v", took)
				}
				if lo, hi := backoffBounds(defaultRetryPolicy, int(tc.requests)); took < lo || took > hi {
					t.Fatalf("%d token requests took %v, want the backoff of %v to %v", tc.requests, took, lo, hi)
				}
				if sim.Requests("jobs") != 0 {
					t.Fatal("the job list was asked for without a token")
				}
			})
		})
	}
}

// backoffBounds is the least and the most time p waits in all between the
// first of n attempts and the last, when the server sends no Retry-After.
func backoffBounds(p retryPolicy, n int) (lo, hi time.Duration) {
	for attempt := 1; attempt < n; attempt++ {
		ceiling := min(p.base<<(attempt-1), p.max)
		lo += ceiling / 2
		hi += ceiling
	}
	return lo, hi
}

// TestBodyLimit: a body of exactly max_response_bytes is read; one byte more
// fails with ErrBodyTooLarge, on every endpoint, and is not retried.
func TestBodyLimit(t *testing.T) {
	const jobs = `[{"id":"job-1","name":"J"}]`
	const limit = 4096
	padded := jobs + strings.Repeat(" ", limit-len(jobs))
	mux := http.NewServeMux()
	var size int
	var jobRequests int
	mux.HandleFunc("POST /v1/Token", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprint(w, `{"access_token":"tok-123456","token_type":"bearer","expires_in":3600}`)
	})
	mux.HandleFunc("GET /v1/Jobs", func(w http.ResponseWriter, _ *http.Request) {
		jobRequests++
		fmt.Fprint(w, padded[:size])
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	u, _ := url.Parse(srv.URL)
	c, err := New(Options{Server: "x", BaseURL: u, Username: "u", Password: "p", MaxResponseBytes: limit, Logger: log.NewNopLogger()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)

	size = limit
	if got, err := c.Jobs(context.Background()); err != nil || len(got) != 1 || got[0].ID != "job-1" {
		t.Fatalf("a body of exactly the limit: %v, %v", got, err)
	}
	padded += " "
	size = limit + 1
	jobRequests = 0
	_, err = c.Jobs(context.Background())
	if !errors.Is(err, ErrBodyTooLarge) || !strings.Contains(err.Error(), "GET /v1/Jobs") {
		t.Fatalf("a body one byte over the limit: err = %v", err)
	}
	if jobRequests != 1 {
		t.Fatalf("%d requests: an oversized body must not be retried", jobRequests)
	}

	// The simulator's generated bodies, on pages and on the job list.
	for _, ep := range []string{"jobs", "mailboxes"} {
		t.Run(ep, func(t *testing.T) {
			c, sim, _ := simClient(t, simulator.Options{Jobs: 1, MailboxesPerJob: []int{45}}, func(o *Options) { o.MaxResponseBytes = 64 << 10 })
			sim.AddFault(simulator.Fault{Endpoint: ep, Kind: simulator.HugeBody, Size: 1 << 20})
			var err error
			if ep == "jobs" {
				_, err = c.Jobs(context.Background())
			} else {
				_, err = c.SelectedMailboxes(context.Background(), sim.Truth()[0].ID, 10, 0, nil)
			}
			if !errors.Is(err, ErrBodyTooLarge) {
				t.Fatalf("err = %v", err)
			}
		})
	}
}

// TestHTMLPageIsReportedAsSuch: an HTML page sent with 200 (a proxy's error
// page) is an APIError carrying the status and content type and the page's
// visible text, never a JSON syntax error.
func TestHTMLPageIsReportedAsSuch(t *testing.T) {
	for _, ep := range []string{"jobs", "mailboxes"} {
		t.Run(ep, func(t *testing.T) {
			c, sim, _ := simClient(t, simulator.Options{Jobs: 1, MailboxesPerJob: []int{45}}, nil)
			sim.AddFault(simulator.Fault{Endpoint: ep, Kind: simulator.HTMLError})
			var err error
			if ep == "jobs" {
				_, err = c.Jobs(context.Background())
			} else {
				_, err = c.SelectedMailboxes(context.Background(), sim.Truth()[0].ID, 10, 0, nil)
			}
			var apiErr *APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("err = %v (%T), want an APIError", err, err)
			}
			if apiErr.StatusCode != 200 || apiErr.ContentType != "text/html; charset=utf-8" ||
				!strings.HasPrefix(apiErr.Message, "the body is not JSON: Service Unavailable") {
				t.Fatalf("APIError = %+v", apiErr)
			}
			if strings.Contains(err.Error(), "invalid character") {
				t.Fatalf("reported as a JSON syntax error: %v", err)
			}
		})
	}
}

// TestPagingFaultsLeaveNoPartialCount runs the paging faults straight at
// the client, at both ends of the concurrency range: one-off faults that
// can be retried give the exact count, the others an error and a zero
// result, never a partial count.
func TestPagingFaultsLeaveNoPartialCount(t *testing.T) {
	cases := []struct {
		fault  simulator.Fault
		reason string // retry reason when the count must be exact
		errIs  error  // else the error
	}{
		{fault: simulator.Fault{Kind: simulator.StatusError, Status: 503, Requests: []int{1}}, reason: "503"},
		{fault: simulator.Fault{Kind: simulator.ResetMidBody, Requests: []int{2}}, reason: "connection"},
		{fault: simulator.Fault{Kind: simulator.Truncated, Requests: []int{3}}, reason: "connection"},
		{fault: simulator.Fault{Kind: simulator.Revoked, Requests: []int{2}}, reason: "unauthorized"},
		{fault: simulator.Fault{Kind: simulator.SlowDrip, Requests: []int{1}}, reason: "timeout"},
		{fault: simulator.Fault{Kind: simulator.IgnoreOffset}, errIs: ErrNotAdvancing},
		{fault: simulator.Fault{Kind: simulator.LoopingNext}, errIs: ErrNotAdvancing},
	}
	for _, tc := range cases {
		for _, conc := range []int{1, 16} {
			t.Run(fmt.Sprintf("%s/%d", tc.fault.Kind, conc), func(t *testing.T) {
				t.Parallel()
				c, sim, m := simClient(t, simulator.Options{Jobs: 1, MailboxesPerJob: []int{95}}, func(o *Options) {
					o.MaxConcurrent, o.RequestTimeout = conc, 300*time.Millisecond
				})
				truth := sim.Truth()[0]
				f := tc.fault
				f.Endpoint = "mailboxes"
				sim.AddFault(f)
				got, err := c.SelectedMailboxes(context.Background(), truth.ID, 10, 0, nil)
				if tc.errIs != nil {
					if !errors.Is(err, tc.errIs) || got.Mailboxes != 0 || got.BackedUp != 0 {
						t.Fatalf("got %+v, %v; want no count and %v", got, err, tc.errIs)
					}
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				if got.Mailboxes != truth.Mailboxes || got.BackedUp != truth.BackedUp {
					t.Fatalf("got %d/%d, truth %d/%d", got.BackedUp, got.Mailboxes, truth.BackedUp, truth.Mailboxes)
				}
				if n := testutil.ToFloat64(m.retries.WithLabelValues("east", pagesEndpoint, tc.reason)); n < 1 {
					t.Fatalf("no retry with reason %q counted", tc.reason)
				}
			})
		}
	}
}
