package vboapi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
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
	// notBefore is when the next token request may be sent: the server
	// answered 429 to the last one. Zero when logins are not limited.
	notBefore time.Time
}

// DefaultLoginRetryAfter is how long logins wait after a 429 on the token
// endpoint that came without a Retry-After.
const DefaultLoginRetryAfter = 30 * time.Second

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

// fresh reports whether a token that need not be replaced is held.
func (ts *tokenSource) fresh() bool {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	return ts.current != nil && !ts.current.stale(time.Now())
}

// install makes t the current token: one issued by a login made to detect
// the version, which the requests that follow use.
func (ts *tokenSource) install(t *token) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if ts.current != nil {
		ts.retire(ts.current)
	}
	ts.current, ts.lastErr = t, nil
}

// deferred returns ErrLoginDeferred, with when the next login may be made,
// while the server's Retry-After after a 429 on the token endpoint runs.
func (ts *tokenSource) deferred(now time.Time) error {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if now.Before(ts.notBefore) {
		return fmt.Errorf("%w: the server answered HTTP 429 to the last login; the next one is not before %s (in %s)",
			ErrLoginDeferred, ts.notBefore.UTC().Format(time.RFC3339), ts.notBefore.Sub(now).Round(time.Second))
	}
	return nil
}

// limited records a 429 on the token endpoint: no token request is sent
// until its Retry-After (DefaultLoginRetryAfter without one) has passed.
func (ts *tokenSource) limited(retryAfter time.Duration) {
	if retryAfter <= 0 {
		retryAfter = DefaultLoginRetryAfter
	}
	ts.mu.Lock()
	defer ts.mu.Unlock()
	ts.notBefore = time.Now().Add(retryAfter)
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
// password grant when there is none or the refresh is refused, on the
// version in use. A refresh deferred or answered 429 is not followed by a
// password login: the server limits logins, and one attempt per Retry-After
// is all it gets.
func (ts *tokenSource) login(ctx context.Context, prev *token) (*token, error) {
	ctx, cancel := ts.loginContext(ctx)
	defer cancel()
	v := ts.c.currentVersion()
	logger := level.Debug(ts.c.opts.Logger)
	if prev != nil && prev.refresh != "" {
		tok, err := ts.requestToken(ctx, v, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {prev.refresh}})
		if err == nil {
			logger.Log("msg", "refreshed the access token")
			return tok, nil
		}
		if errors.Is(err, ErrLoginDeferred) || StatusCode(err) == http.StatusTooManyRequests {
			return nil, err
		}
		logger.Log("msg", "refreshing the access token failed, logging in again", "err", err)
	}
	return ts.passwordLogin(ctx, v)
}

// loginAt logs in with the password on version v, whatever the version in
// use: the login that tells which version a server serves.
func (ts *tokenSource) loginAt(ctx context.Context, v Version) (*token, error) {
	ctx, cancel := ts.loginContext(ctx)
	defer cancel()
	return ts.passwordLogin(ctx, v)
}

func (ts *tokenSource) passwordLogin(ctx context.Context, v Version) (*token, error) {
	tok, err := ts.requestToken(ctx, v, url.Values{
		"grant_type": {"password"},
		"username":   {ts.c.opts.Username},
		"password":   {ts.c.opts.Password},
	})
	if err != nil {
		return nil, err
	}
	level.Debug(ts.c.opts.Logger).Log("msg", "logged in", "user", ts.c.opts.Username)
	return tok, nil
}

// loginContext bounds a login. It is shared by every waiting request, so it
// is not bound to the caller's cancellation, only to the request timeout
// and the caller's deadline.
func (ts *tokenSource) loginContext(ctx context.Context) (context.Context, context.CancelFunc) {
	base := context.WithoutCancel(ctx)
	// Keep the caller's deadline, though: the caller waits for this login,
	// so a token endpoint that never answers would otherwise hold the scrape
	// for a whole request_timeout past its deadline (found by the fault
	// matrix: a black-hole server kept a 1s scrape for 5s).
	if deadline, ok := ctx.Deadline(); ok {
		var cancelDeadline context.CancelFunc
		base, cancelDeadline = context.WithDeadline(base, deadline)
		ctx, cancel := context.WithTimeout(base, ts.c.opts.RequestTimeout)
		return ctx, func() { cancel(); cancelDeadline() }
	}
	return context.WithTimeout(base, ts.c.opts.RequestTimeout)
}

// tokenResponse is the OWIN OAuth response; expires_in is a number in the
// documentation but is read leniently, since nothing here depends on its type.
type tokenResponse struct {
	AccessToken  string         `json:"access_token"`
	RefreshToken string         `json:"refresh_token"`
	ExpiresIn    jsontext.Value `json:"expires_in"`
	Expires      string         `json:".expires"`
}

// requestToken sends one token request to version v, unless the server's
// login limit defers it. Every error it returns wraps ErrLoginFailed.
func (ts *tokenSource) requestToken(ctx context.Context, v Version, form url.Values) (*token, error) {
	if err := ts.deferred(time.Now()); err != nil {
		return nil, loginError{fmt.Errorf("login as %q: %w", ts.c.opts.Username, err)}
	}
	endpoint := tokenPath(v)
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
		switch code := StatusCode(err); code {
		case http.StatusBadRequest, http.StatusUnauthorized:
			return nil, loginError{fmt.Errorf("login as %q refused: %w: %w", ts.c.opts.Username, ErrBadCredentials, err)}
		case http.StatusTooManyRequests:
			var apiErr *APIError
			errors.As(err, &apiErr)
			ts.limited(apiErr.RetryAfter)
			ts.c.opts.Metrics.retried(ts.c.opts.Server, endpoint, "429")
		}
		return nil, loginError{fmt.Errorf("login as %q: %w", ts.c.opts.Username, err)}
	}
	return body.token(sent), nil
}

// tokenPath is the token endpoint of version v.
func tokenPath(v Version) string {
	if v == V1 {
		return "/v1/Token"
	}
	return "/" + string(v) + "/token"
}

// decodeTokenResponse is separate from the request so that it can be fuzzed.
// It reads the first JSON value of the body by lenientOptions and ignores
// what follows, as the exporter always has.
func decodeTokenResponse(r io.Reader, body *tokenResponse) error {
	if err := json.UnmarshalDecode(jsontext.NewDecoder(r, lenientOptions), body); err != nil {
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
