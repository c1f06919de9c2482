package vboapi

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-kit/log"
)

// DefaultMaxResponseBytes bounds a response body when Options leaves it zero.
const DefaultMaxResponseBytes = 64 << 20

// Options configures a Client.
type Options struct {
	Server           string   // the server's configured name, used in logs and metric labels
	APIVersion       Version  // Auto (also when empty) probes the server
	BaseURL          *url.URL // scheme://host:port of the REST API, without a path
	Username         string
	Password         string
	TLSConfig        *tls.Config   // nil means Go's defaults (verification on)
	RequestTimeout   time.Duration // bounds one HTTP request, body included
	MaxConcurrent    int           // resource requests in flight to this server at once
	MaxResponseBytes int64
	UserAgent        string
	Logger           log.Logger // carries the server's name already: the client adds no "server" key
	Metrics          *Metrics   // may be nil
	// Transport replaces the HTTP transport built from TLSConfig; tests use it.
	Transport http.RoundTripper
	// Dial, when set, replaces the dialer of the transport built from
	// TLSConfig, keeping its other settings; tests use it to reach an
	// in-memory server.
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)
	// Lengths is where the client's list reads find and leave each list's
	// length, which paces read-ahead; the poll owns it (protection.Memory)
	// so that it lives as long as the server's polls. Nil gives the client
	// a memory of its own.
	Lengths *ListLengths
}

// Client talks to one VBO365 server. It is safe for concurrent use; requests
// made through it share one token and one limit on requests in flight.
type Client struct {
	opts   Options
	http   *http.Client
	slots  *slots
	tokens *tokenSource
	retry  retryPolicy

	lengths *ListLengths

	versionMu sync.Mutex
	version   Version                 // "" until known; guarded by versionMu
	prefix    atomic.Pointer[Version] // the version requests are built for
}

// New returns a Client for one server. It makes no request.
func New(opts Options) (*Client, error) {
	if opts.BaseURL == nil || opts.BaseURL.Host == "" {
		return nil, errors.New("vboapi: BaseURL with a host is required")
	}
	if opts.MaxConcurrent < 1 {
		opts.MaxConcurrent = 1
	}
	if opts.RequestTimeout <= 0 {
		opts.RequestTimeout = 30 * time.Second
	}
	if opts.MaxResponseBytes <= 0 {
		opts.MaxResponseBytes = DefaultMaxResponseBytes
	}
	if opts.Logger == nil {
		opts.Logger = log.NewNopLogger()
	}
	if opts.APIVersion == "" {
		opts.APIVersion = Auto
	}
	rt := opts.Transport
	if rt == nil {
		t := newTransport(opts.TLSConfig, opts.MaxConcurrent)
		if opts.Dial != nil {
			t.DialContext = opts.Dial
		}
		rt = t
	}
	c := &Client{
		opts: opts,
		// Redirects are not followed: the API has none, and following one
		// could carry the bearer token to another host.
		http: &http.Client{Transport: rt, CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		}},
		slots:   newSlots(opts.MaxConcurrent),
		retry:   defaultRetryPolicy,
		lengths: opts.Lengths,
	}
	if c.lengths == nil {
		c.lengths = &ListLengths{}
	}
	c.tokens = newTokenSource(c)
	if opts.APIVersion != Auto {
		c.setVersion(opts.APIVersion)
	}
	return c, nil
}

// Close releases idle connections.
func (c *Client) Close() {
	c.http.CloseIdleConnections()
}

// Server returns the configured server name.
func (c *Client) Server() string { return c.opts.Server }

func newTransport(tlsConfig *tls.Config, maxConcurrent int) *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.TLSClientConfig = tlsConfig
	// One connection per request in flight plus one for the token request,
	// kept alive between scrapes so that a scrape does not pay for TLS
	// handshakes.
	t.MaxConnsPerHost = maxConcurrent + 1
	t.MaxIdleConnsPerHost = maxConcurrent + 1
	t.IdleConnTimeout = 5 * time.Minute
	// Pages are hundreds of kilobytes; a larger buffer means fewer reads.
	t.ReadBufferSize = 64 << 10
	t.Proxy = nil
	return t
}

// request is one logical API call; do may send it several times.
type request struct {
	method   string
	endpoint string // route template for metrics and messages
	path     string
	query    url.Values
	form     url.Values // POST body; nil for GET
	auth     bool       // send the bearer token
	// decode reads a 200 response body. It must not keep body after it
	// returns; an error from it fails the call unless the body itself broke.
	decode func(body io.Reader) error
	// buffered receives the whole body before decode runs, and frees the
	// request slot in between: a page of v6 and later costs more to
	// decode than to receive, and the slot bounds requests at the server,
	// not the exporter's own work.
	buffered bool
	// deferrable waits for a request slot behind every other waiting
	// request (see slots).
	deferrable bool
}

// do sends req, retrying what the retry policy allows within ctx's deadline.
func (c *Client) do(ctx context.Context, req request) error {
	var (
		reauthed bool
		attempt  int
	)
	for {
		attempt++
		var token string
		if req.auth {
			var err error
			if token, err = c.tokens.get(ctx); err != nil {
				return err
			}
		}
		res := c.attempt(ctx, req, token)
		if res.err == nil {
			return nil
		}
		if res.unauthorized && req.auth && !reauthed {
			// The token was revoked or expired early: log in again once.
			reauthed = true
			c.tokens.invalidate(token)
			c.opts.Metrics.retried(c.opts.Server, req.endpoint, "unauthorized")
			continue
		}
		if res.retryReason == "" || attempt >= c.retry.attempts || ctx.Err() != nil {
			return res.err
		}
		wait := c.retry.backoff(attempt, res.retryAfter)
		if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < wait {
			return fmt.Errorf("%w (no time left in the scrape to retry)", res.err)
		}
		c.opts.Metrics.retried(c.opts.Server, req.endpoint, res.retryReason)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return res.err
		case <-t.C:
		}
	}
}

type attemptResult struct {
	err          error
	retryReason  string // non-empty when the attempt may be retried
	retryAfter   time.Duration
	unauthorized bool
}

func (c *Client) attempt(parent context.Context, req request, token string) attemptResult {
	release := func() {}
	if req.auth {
		// Only resource requests take a slot: requests waiting for a token
		// hold none, so the token request can never queue behind them.
		if err := c.slots.acquire(parent, req.deferrable); err != nil {
			return attemptResult{err: fmt.Errorf("%s %s: waiting for a free request slot: %w", req.method, req.endpoint, err)}
		}
		var once sync.Once
		release = func() { once.Do(c.slots.release) }
		defer release()
	}

	ctx, cancel := context.WithTimeout(parent, c.opts.RequestTimeout)
	defer cancel()
	httpReq, err := c.newHTTPRequest(ctx, req, token)
	if err != nil {
		return attemptResult{err: err}
	}
	start := time.Now()
	resp, err := c.http.Do(httpReq)
	if err != nil {
		c.opts.Metrics.observe(c.opts.Server, req.endpoint, "error", time.Since(start).Seconds())
		return c.transportFailure(parent, ctx, req, err)
	}
	defer resp.Body.Close()
	body := &bodyReader{r: resp.Body, left: c.opts.MaxResponseBytes}
	if req.buffered && resp.StatusCode == http.StatusOK {
		buf := bodyBuffers.Get().(*bytes.Buffer)
		defer putBodyBuffer(buf)
		body = receive(buf, body)
		release()
	}
	result := c.handleResponse(req, resp, body)
	// Drain a little so the connection can be reused; a large remainder is
	// cheaper to abandon than to read.
	_, _ = io.CopyN(io.Discard, resp.Body, 64<<10)
	c.opts.Metrics.observe(c.opts.Server, req.endpoint, fmt.Sprint(resp.StatusCode), time.Since(start).Seconds())
	if result.err != nil && body.readErr != nil && !errors.Is(body.readErr, ErrBodyTooLarge) {
		// The body broke off (reset, truncated, timed out): the request may
		// be sent again, as for a failed connection.
		return c.transportFailure(parent, ctx, req, body.readErr)
	}
	return result
}

func (c *Client) newHTTPRequest(ctx context.Context, req request, token string) (*http.Request, error) {
	u := *c.opts.BaseURL
	u.Path = strings.TrimSuffix(u.Path, "/") + req.path
	u.RawQuery = req.query.Encode()
	var body io.Reader
	if req.form != nil {
		body = strings.NewReader(req.form.Encode())
	}
	httpReq, err := http.NewRequestWithContext(ctx, req.method, u.String(), body)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", req.method, req.endpoint, err)
	}
	httpReq.Header.Set("Accept", "application/json")
	if c.opts.UserAgent != "" {
		httpReq.Header.Set("User-Agent", c.opts.UserAgent)
	}
	if req.form != nil {
		httpReq.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if token != "" {
		httpReq.Header.Set("Authorization", "Bearer "+token)
	}
	return httpReq, nil
}

// transportFailure classifies an error that left no complete response.
func (c *Client) transportFailure(parent, reqCtx context.Context, req request, err error) attemptResult {
	// net/http puts the full URL into its errors; the endpoint already says
	// which call failed.
	var urlErr *url.Error
	if errors.As(err, &urlErr) {
		err = urlErr.Err
	}
	wrapped := fmt.Errorf("%s %s: %w", req.method, req.endpoint, err)
	switch {
	case parent.Err() != nil:
		return attemptResult{err: fmt.Errorf("%s %s: scrape deadline reached: %w", req.method, req.endpoint, parent.Err())}
	case reqCtx.Err() != nil:
		return attemptResult{
			err:         fmt.Errorf("%s %s: no complete response within request_timeout %s", req.method, req.endpoint, c.opts.RequestTimeout),
			retryReason: "timeout",
		}
	}
	var certErr *tls.CertificateVerificationError
	if errors.As(err, &certErr) {
		return attemptResult{err: wrapped} // retrying cannot fix a certificate
	}
	return attemptResult{err: wrapped, retryReason: "connection"}
}

var bodyBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func putBodyBuffer(b *bytes.Buffer) {
	if b.Cap() <= 8<<20 {
		b.Reset()
		bodyBuffers.Put(b)
	}
}

// receive reads body whole into buf and returns a reader that gives the
// same bytes and then the same error, so that a body that broke off or
// was too large is still told apart from a malformed one.
func receive(buf *bytes.Buffer, body *bodyReader) *bodyReader {
	buf.Reset()
	_, _ = buf.ReadFrom(body)
	end := io.EOF
	if body.readErr != nil {
		end = body.readErr
	}
	return &bodyReader{r: io.MultiReader(bytes.NewReader(buf.Bytes()), failingReader{end}), left: math.MaxInt64}
}

type failingReader struct{ err error }

func (f failingReader) Read([]byte) (int, error) { return 0, f.err }
