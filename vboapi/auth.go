package vboapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/go-kit/log/level"
)

// token is one access token and what is known of its life.
type token struct {
	access  string
	refresh string
	issued  time.Time
	expires time.Time // zero when the server did not say
}

// stale reports whether the token should be replaced before use: it has
// expired, or it is in the last tenth of its life (at most a minute), which
// leaves room for requests already under way.
func (t *token) stale(now time.Time) bool {
	if t.expires.IsZero() {
		return false
	}
	margin := min(t.expires.Sub(t.issued)/10, time.Minute)
	return !now.Before(t.expires.Add(-margin))
}

func (t *token) expired(now time.Time) bool {
	return !t.expires.IsZero() && !now.Before(t.expires)
}

// tokenSource hands out the current access token and makes sure that only
// one login or refresh is under way at a time; concurrent callers wait for it.
type tokenSource struct {
	c *Client

	mu       sync.Mutex
	current  *token
	pending  chan struct{} // closed when the login under way ends
	lastErr  error         // outcome of the last login, for its waiters
	replaced []string      // earlier tokens, kept only to redact them
}

func newTokenSource(c *Client) *tokenSource { return &tokenSource{c: c} }

// get returns a usable access token, logging in or refreshing as needed.
func (ts *tokenSource) get(ctx context.Context) (string, error) {
	ts.mu.Lock()
	for {
		now := time.Now()
		cur := ts.current
		if cur != nil && !cur.stale(now) {
			ts.mu.Unlock()
			return cur.access, nil
		}
		if ts.pending != nil {
			// A login is under way. A token that is stale but not expired
			// is still good for this request.
			if cur != nil && !cur.expired(now) {
				ts.mu.Unlock()
				return cur.access, nil
			}
			wait := ts.pending
			ts.mu.Unlock()
			select {
			case <-wait:
			case <-ctx.Done():
				return "", fmt.Errorf("waiting for login: %w", ctx.Err())
			}
			ts.mu.Lock()
			if ts.current == nil && ts.lastErr != nil {
				err := ts.lastErr
				ts.mu.Unlock()
				return "", err
			}
			continue
		}
		ts.pending = make(chan struct{})
		ts.mu.Unlock()

		next, err := ts.login(ctx, cur)

		ts.mu.Lock()
		if cur != nil {
			ts.retire(cur)
		}
		ts.current, ts.lastErr = next, err
		close(ts.pending)
		ts.pending = nil
		if err != nil {
			ts.mu.Unlock()
			return "", err
		}
	}
}

// invalidate drops the token if it is still the current one, so that the
// next get logs in again; a token another caller already replaced is kept.
func (ts *tokenSource) invalidate(access string) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if ts.current != nil && ts.current.access == access {
		ts.retire(ts.current)
		ts.current = nil
	}
}

// reset drops the current token whatever it is: after a change of API
// version it was issued on another prefix.
func (ts *tokenSource) reset() {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if ts.current != nil {
		ts.retire(ts.current)
		ts.current = nil
	}
}

// retire remembers a replaced token for redaction. Only the last few are
// kept: an old token can only turn up in an error from around its own time,
// and a server that revokes tokens again and again must not grow the list.
// The caller holds ts.mu.
func (ts *tokenSource) retire(t *token) {
	ts.replaced = append(ts.replaced[max(0, len(ts.replaced)-8):], t.access, t.refresh)
}

// secrets lists everything that must never be shown: the password and the
// tokens issued to this client.
func (ts *tokenSource) secrets() []string {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	out := append([]string{ts.c.opts.Password}, ts.replaced...)
	if ts.current != nil {
		out = append(out, ts.current.access, ts.current.refresh)
	}
	return out
}

// login refreshes prev when it carries a refresh token, and falls back to the
// password grant when there is none or the refresh is refused. The login is
// shared by every waiting request, so it is not bound to the caller's
// cancellation, only to the request timeout and the caller's deadline.
func (ts *tokenSource) login(ctx context.Context, prev *token) (*token, error) {
	base := context.WithoutCancel(ctx)
	// Keep the caller's deadline, though: the caller waits for this login,
	// so a token endpoint that never answers would otherwise hold the scrape
	// for a whole request_timeout past its deadline (found by the fault
	// matrix: a black-hole server kept a 1s scrape for 5s).
	if deadline, ok := ctx.Deadline(); ok {
		var cancelDeadline context.CancelFunc
		base, cancelDeadline = context.WithDeadline(base, deadline)
		defer cancelDeadline()
	}
	ctx, cancel := context.WithTimeout(base, ts.c.opts.RequestTimeout)
	defer cancel()
	logger := level.Debug(ts.c.opts.Logger)
	if prev != nil && prev.refresh != "" {
		tok, err := ts.requestToken(ctx, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {prev.refresh}})
		if err == nil {
			logger.Log("msg", "refreshed the access token")
			return tok, nil
		}
		logger.Log("msg", "refreshing the access token failed, logging in again", "err", err)
	}
	tok, err := ts.requestToken(ctx, url.Values{
		"grant_type": {"password"},
		"username":   {ts.c.opts.Username},
		"password":   {ts.c.opts.Password},
	})
	if err != nil {
		return nil, err
	}
	logger.Log("msg", "logged in", "user", ts.c.opts.Username)
	return tok, nil
}

// tokenResponse is the OWIN OAuth response; expires_in is a number in the
// documentation but is read leniently, since nothing here depends on its type.
type tokenResponse struct {
	AccessToken  string          `json:"access_token"`
	RefreshToken string          `json:"refresh_token"`
	ExpiresIn    json.RawMessage `json:"expires_in"`
	Expires      string          `json:".expires"`
}

func (ts *tokenSource) requestToken(ctx context.Context, form url.Values) (*token, error) {
	v := ts.c.currentVersion()
	endpoint := "/" + string(v) + "/token"
	if v == V1 {
		endpoint = "/v1/Token"
	}
	if v == V7 || v == V8 {
		// Without it v7 and later expect an antiforgery cookie, as a
		// browser session would carry.
		form.Set("disable_antiforgery_token", "true")
	}
	var body tokenResponse
	sent := time.Now()
	err := ts.c.do(ctx, request{
		method:   http.MethodPost,
		endpoint: endpoint,
		path:     endpoint,
		form:     form,
		decode: func(r io.Reader) error {
			return decodeTokenResponse(r, &body)
		},
	})
	if err != nil {
		if code := StatusCode(err); code == http.StatusBadRequest || code == http.StatusUnauthorized {
			return nil, fmt.Errorf("login as %q refused: %w: %w", ts.c.opts.Username, ErrBadCredentials, err)
		}
		return nil, fmt.Errorf("login as %q: %w", ts.c.opts.Username, err)
	}
	return body.token(sent), nil
}

// decodeTokenResponse is separate from the request so that it can be fuzzed.
func decodeTokenResponse(r io.Reader, body *tokenResponse) error {
	if err := json.NewDecoder(r).Decode(body); err != nil {
		return err
	}
	if body.AccessToken == "" {
		return errors.New("the token response has no access_token")
	}
	return nil
}

// token derives the expiry from expires_in, measured from when the request
// was sent (so clock skew with the server does not matter), or else from
// .expires.
func (b *tokenResponse) token(sent time.Time) *token {
	t := &token{access: b.AccessToken, refresh: b.RefreshToken, issued: sent}
	if secs, err := strconv.ParseFloat(string(trimQuotes(b.ExpiresIn)), 64); err == nil && secs > 0 {
		// A lifetime past what a Duration holds overflowed into a negative
		// one, i.e. a token already expired and a login before every
		// request (found by FuzzTokenResponse with 1e300); cap it instead.
		life := maxTokenLifetime
		if secs < maxTokenLifetime.Seconds() {
			life = time.Duration(secs * float64(time.Second))
		}
		t.expires = sent.Add(life)
	} else if b.Expires != "" {
		for _, layout := range []string{http.TimeFormat, time.RFC1123, time.RFC3339Nano} {
			if exp, err := time.Parse(layout, b.Expires); err == nil {
				t.expires = exp
				break
			}
		}
	}
	return t
}

// maxTokenLifetime bounds expires_in; any longer is as good as forever.
const maxTokenLifetime = 100 * 365 * 24 * time.Hour

func trimQuotes(b []byte) []byte {
	if len(b) >= 2 && b[0] == '"' && b[len(b)-1] == '"' {
		return b[1 : len(b)-1]
	}
	return b
}
