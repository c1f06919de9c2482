package vboapi

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/go-json-experiment/json"
)

// bodyReader enforces the body size limit and remembers read errors, so that
// a body that broke off can be told apart from one that is malformed.
type bodyReader struct {
	r       io.Reader
	left    int64
	readErr error
}

func (b *bodyReader) Read(p []byte) (int, error) {
	if b.left <= 0 {
		// Probe one byte so that a body of exactly the limit still passes.
		var one [1]byte
		if n, _ := b.r.Read(one[:]); n > 0 {
			b.readErr = ErrBodyTooLarge
			return 0, ErrBodyTooLarge
		}
		return 0, io.EOF
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.r.Read(p)
	b.left -= int64(n)
	if err != nil && err != io.EOF {
		b.readErr = err
	}
	return n, err
}

func (c *Client) handleResponse(req request, resp *http.Response, body *bodyReader) attemptResult {
	if resp.StatusCode == http.StatusOK {
		// Judge by the body, not the Content-Type: an HTML error page sent
		// with 200 must be reported as such, not as a JSON syntax error.
		br, isJSON := sniffJSON(body)
		if !isJSON {
			if body.readErr != nil {
				return attemptResult{err: fmt.Errorf("%s %s: reading the body: %w", req.method, req.endpoint, body.readErr)}
			}
			apiErr := c.apiError(req, resp, br)
			apiErr.Message = "the body is not JSON: " + apiErr.Message
			return attemptResult{err: apiErr}
		}
		if err := req.decode(br); err != nil {
			if body.readErr != nil {
				return attemptResult{err: fmt.Errorf("%s %s: reading the body: %w", req.method, req.endpoint, body.readErr)}
			}
			return attemptResult{err: fmt.Errorf("%s %s: decoding the body: %w", req.method, req.endpoint, c.redactErr(err))}
		}
		return attemptResult{}
	}

	res := attemptResult{err: c.apiError(req, resp, body)}
	switch code := resp.StatusCode; {
	case code == http.StatusUnauthorized:
		res.unauthorized = true
	case code == http.StatusTooManyRequests && req.auth:
		// The token endpoint's 429 is a quota on logins: retrying it at
		// once only spends more of the quota.
		res.retryReason = "429"
		res.retryAfter = parseRetryAfter(resp.Header.Get("Retry-After"))
	case code == http.StatusBadGateway || code == http.StatusServiceUnavailable || code == http.StatusGatewayTimeout:
		res.retryReason = strconv.Itoa(code)
	case code >= 500 && !req.auth:
		res.retryReason = strconv.Itoa(code)
	}
	return res
}

// sniffJSON reads the start of the body and reports whether, after white
// space, an object or array begins. The returned reader yields the whole
// body again; unlike a bufio.Reader it does not copy the rest of it.
func sniffJSON(body io.Reader) (io.Reader, bool) {
	var head [512]byte
	n, _ := io.ReadAtLeast(body, head[:], 1)
	first := bytes.TrimLeft(head[:n], " \t\r\n")
	isJSON := len(first) > 0 && (first[0] == '{' || first[0] == '[')
	return io.MultiReader(bytes.NewReader(head[:n]), body), isJSON
}

// apiError reads what the API said, within a small limit, into an APIError.
func (c *Client) apiError(req request, resp *http.Response, body io.Reader) *APIError {
	raw, _ := io.ReadAll(io.LimitReader(body, 16<<10))
	e := &APIError{
		Method:      req.method,
		Endpoint:    req.endpoint,
		StatusCode:  resp.StatusCode,
		ContentType: resp.Header.Get("Content-Type"),
		Message:     c.redact(messageOf(raw)),
	}
	if e.StatusCode == http.StatusTooManyRequests || e.StatusCode == http.StatusServiceUnavailable {
		e.RetryAfter = parseRetryAfter(resp.Header.Get("Retry-After"))
	}
	return e
}

var (
	tagPattern   = regexp.MustCompile(`(?s)<(script|style)[^>]*>.*?</(script|style)>|<[^>]*>`)
	spacePattern = regexp.MustCompile(`\s+`)
)

// messageOf extracts the human part of an error body: the API's "message",
// an OAuth error and its description, or the visible text of anything else.
func messageOf(raw []byte) string {
	var fields struct {
		Message          string `json:"message"`
		Error            string `json:"error"`
		ErrorDescription string `json:"error_description"`
	}
	if json.Unmarshal(raw, &fields, lenientOptions) == nil {
		switch {
		case fields.Message != "":
			return truncate(fields.Message, 300)
		case fields.Error != "" && fields.ErrorDescription != "":
			return truncate(fields.Error+": "+fields.ErrorDescription, 300)
		case fields.Error != "":
			return truncate(fields.Error, 300)
		}
	}
	text := tagPattern.ReplaceAllString(string(raw), " ")
	text = strings.TrimSpace(spacePattern.ReplaceAllString(text, " "))
	return truncate(strings.ToValidUTF8(text, "?"), 200)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "") + "…"
}

func isJSONContentType(ct string) bool {
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return false
	}
	return mt == "application/json" || mt == "text/json" || strings.HasSuffix(mt, "+json")
}

// parseRetryAfter reads delay-seconds or an HTTP date; zero means absent.
func parseRetryAfter(v string) time.Duration {
	if v == "" {
		return 0
	}
	if secs, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && secs >= 0 {
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := time.Until(t); d > 0 {
			return d
		}
	}
	return 0
}

// redact replaces every secret the client holds with a marker, so that an
// API that echoes a token or password back cannot leak it through an error.
func (c *Client) redact(s string) string {
	for _, secret := range c.tokens.secrets() {
		if len(secret) >= 4 {
			s = strings.ReplaceAll(s, secret, "<secret>")
		}
	}
	return s
}

func (c *Client) redactErr(err error) error {
	msg := err.Error()
	if red := c.redact(msg); red != msg {
		return errors.New(red)
	}
	return err
}
