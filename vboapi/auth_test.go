package vboapi

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/vbo365-exporter/vbo365_exporter/simulator"
)

func TestLoginOnceForConcurrentRequests(t *testing.T) {
	f := newFakeAPI(10, everyThird)
	c, _ := newTestClient(t, f, 4)
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			if _, err := c.Jobs(context.Background()); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if n := f.logins.Load(); n != 1 {
		t.Fatalf("%d logins for 20 concurrent requests, want 1", n)
	}
}

// TestTokenRefreshedBeforeExpiry runs on the fake clock of a synctest
// bubble: the sleep is exact and takes no real time.
func TestTokenRefreshedBeforeExpiry(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFakeAPI(10, everyThird)
		f.tokenLifetime = 2 * time.Second
		c := newMemTestClient(t, f, 1)
		if _, err := c.Jobs(context.Background()); err != nil {
			t.Fatal(err)
		}
		// In the last tenth of its life the token is refreshed, not reused.
		time.Sleep(1850 * time.Millisecond)
		if _, err := c.Jobs(context.Background()); err != nil {
			t.Fatal(err)
		}
		if f.logins.Load() != 1 || f.refreshCount.Load() != 1 {
			t.Fatalf("logins=%d refreshes=%d, want 1 and 1", f.logins.Load(), f.refreshCount.Load())
		}
	})
}

// TestExpiredTokenWithRefusedRefreshLogsInAgain runs on the fake clock of a
// synctest bubble, like TestTokenRefreshedBeforeExpiry.
func TestExpiredTokenWithRefusedRefreshLogsInAgain(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFakeAPI(10, everyThird)
		f.tokenLifetime = 300 * time.Millisecond
		c := newMemTestClient(t, f, 1)
		if _, err := c.Jobs(context.Background()); err != nil {
			t.Fatal(err)
		}
		f.mu.Lock()
		clear(f.refreshes) // the server forgot its refresh tokens
		f.mu.Unlock()
		time.Sleep(400 * time.Millisecond)
		if _, err := c.Jobs(context.Background()); err != nil {
			t.Fatal(err)
		}
		if f.logins.Load() != 2 {
			t.Fatalf("logins=%d, want 2", f.logins.Load())
		}
	})
}

func TestUnauthorizedRetriedOnceWithNewLogin(t *testing.T) {
	f := newFakeAPI(10, everyThird)
	c, _ := newTestClient(t, f, 1)
	if _, err := c.Jobs(context.Background()); err != nil {
		t.Fatal(err)
	}
	f.revokeNext.Store(1)
	if _, err := c.Jobs(context.Background()); err != nil {
		t.Fatalf("a revoked token was not replaced: %v", err)
	}
	if f.logins.Load() != 2 {
		t.Fatalf("logins=%d, want 2", f.logins.Load())
	}
	// A server that refuses every token fails after one new login, not in a loop.
	f.revokeNext.Store(100)
	_, err := c.Jobs(context.Background())
	if StatusCode(err) != http.StatusUnauthorized {
		t.Fatalf("err = %v, want HTTP 401", err)
	}
	if f.logins.Load() != 3 {
		t.Fatalf("logins=%d, want 3: one new login for the refused request, no loop", f.logins.Load())
	}
}

func TestBadCredentials(t *testing.T) {
	for _, status := range []int{http.StatusBadRequest, http.StatusUnauthorized} {
		f := newFakeAPI(1, everyThird)
		f.tokenStatus = status
		c, _ := newTestClient(t, f, 1)
		_, err := c.Jobs(context.Background())
		if !errors.Is(err, ErrBadCredentials) {
			t.Fatalf("HTTP %d: err = %v, want ErrBadCredentials", status, err)
		}
		msg := err.Error()
		if strings.Contains(msg, "s3cret-pass") || !strings.Contains(msg, `"user"`) || !strings.Contains(msg, "The user name or password is incorrect") {
			t.Fatalf("message %q must name the user and the API's reason, never the password", msg)
		}
	}
}

func TestTokenExpiryFromDotExpires(t *testing.T) {
	sent := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	b := tokenResponse{AccessToken: "a", Expires: "Fri, 02 Jan 2026 04:04:05 GMT"}
	if got := b.token(sent).expires; !got.Equal(sent.Add(time.Hour)) {
		t.Fatalf("expires = %v", got)
	}
	b = tokenResponse{AccessToken: "a", ExpiresIn: []byte(`"3599"`)}
	if got := b.token(sent).expires; !got.Equal(sent.Add(3599 * time.Second)) {
		t.Fatalf("expires = %v", got)
	}
}

// TestEmptyBody401OnV1: on v1 too, a 401 with no body on a page drops the
// token, logs in once more and reads the page again; the count is exact.
func TestEmptyBody401OnV1(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		// One request in flight, so that no other page meets the revoked token.
		c, sim, m := memSimClient(t, simulator.Options{Jobs: 1, MailboxesPerJob: []int{250}}, func(o *Options) { o.MaxConcurrent = 1 })
		sim.AddFault(simulator.Fault{Endpoint: simulator.EndpointMailboxes, Kind: simulator.Revoked, EmptyBody: true, Requests: []int{2}})
		job := sim.Truth()[0]
		counts, err := c.SelectedMailboxes(context.Background(), job.ID, 100, 0, nil)
		if err != nil || counts.Mailboxes != job.Mailboxes || counts.BackedUp != job.BackedUp {
			t.Fatalf("%d/%d, %v; want %d/%d", counts.BackedUp, counts.Mailboxes, err, job.BackedUp, job.Mailboxes)
		}
		if n := sim.Requests(simulator.EndpointToken); n != 2 {
			t.Errorf("%d logins, want 2", n)
		}
		if n := testutil.ToFloat64(m.retries.WithLabelValues("east", "/v1/Jobs/{id}/SelectedMailboxes", "unauthorized")); n != 1 {
			t.Errorf("%v retries with reason unauthorized, want 1", n)
		}
	})
}

// TestLogin429OneAttemptForConcurrentRequests: requests that wait for the
// same login share its 429, and those that come after it are refused
// without a request until the Retry-After has passed; a refresh answered
// 429 is not followed by a password login.
func TestLogin429OneAttemptForConcurrentRequests(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, sim, _ := memSimClient(t, simulator.Options{Jobs: 2, MailboxesPerJob: []int{5}}, nil)
		sim.AddFault(simulator.Fault{Endpoint: simulator.EndpointToken, Kind: simulator.TooManyRequests, RetryAfter: 10 * time.Second})
		var wg sync.WaitGroup
		for range 20 {
			wg.Go(func() {
				if _, err := c.Jobs(context.Background()); !errors.Is(err, ErrLoginFailed) {
					t.Errorf("err = %v, want a failed login", err)
				}
			})
		}
		wg.Wait()
		if _, err := c.Jobs(context.Background()); !errors.Is(err, ErrLoginDeferred) {
			t.Errorf("a request after the 429: %v, want the login deferred", err)
		}
		if n := sim.Requests(simulator.EndpointToken); n != 1 {
			t.Fatalf("%d login attempts, want 1", n)
		}

		// A token that needs refreshing meets a 429 again: no password login.
		time.Sleep(11 * time.Second)
		sim.ClearFaults()
		if _, err := c.Jobs(context.Background()); err != nil {
			t.Fatal(err)
		}
		sim.AddFault(simulator.Fault{Endpoint: simulator.EndpointToken, Kind: simulator.TooManyRequests, RetryAfter: 10 * time.Second})
		time.Sleep(time.Hour) // the simulator's tokens live an hour
		if _, err := c.Jobs(context.Background()); !errors.Is(err, ErrLoginFailed) || StatusCode(err) != http.StatusTooManyRequests {
			t.Errorf("refresh answered 429: %v", err)
		}
		if n := sim.Requests(simulator.EndpointToken); n != 3 {
			t.Errorf("%d token requests, want 3: the 429, the login, and one refresh", n)
		}
	})
}
