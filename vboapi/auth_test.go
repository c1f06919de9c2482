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
