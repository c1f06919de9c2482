package vboapi

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// ErrBadCredentials is wrapped by the error a login returns when the token
// endpoint refuses the username and password (HTTP 400 or 401).
var ErrBadCredentials = errors.New("bad credentials")

// ErrLoginFailed is wrapped by every error of a login, whatever the cause:
// refused credentials, a failed token request, or a login deferred because
// the server limits logins (ErrLoginDeferred).
var ErrLoginFailed = errors.New("login failed")

// ErrLoginDeferred is wrapped by the error a login returns without asking the
// server, because the server answered 429 to the last one and its
// Retry-After has not passed.
var ErrLoginDeferred = errors.New("login deferred")

// loginError marks err as a login's failure for errors.Is(err,
// ErrLoginFailed) without repeating it in the message.
type loginError struct{ err error }

func (e loginError) Error() string   { return e.err.Error() }
func (e loginError) Unwrap() []error { return []error{e.err, ErrLoginFailed} }

// ErrBodyTooLarge is returned when a response body exceeds the configured limit.
var ErrBodyTooLarge = errors.New("response body exceeds max_response_bytes")

// ErrNotAdvancing is wrapped by the error paging returns when the server keeps
// serving mailboxes it has already served, so that paging would never end.
var ErrNotAdvancing = errors.New("pages do not advance")

// APIError describes a response the API answered with an unexpected status
// or a body that is not JSON. Message is the API's own message, or a short,
// cleaned excerpt of the body when it has none.
type APIError struct {
	Method      string
	Endpoint    string // the route template, e.g. /v1/Jobs/{id}/SelectedMailboxes
	StatusCode  int
	ContentType string
	Message     string
	// RetryAfter is the server's Retry-After on a 429 or 503; zero when it
	// sent none.
	RetryAfter time.Duration
}

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s: HTTP %d", e.Method, e.Endpoint, e.StatusCode)
	if e.ContentType != "" && !isJSONContentType(e.ContentType) {
		fmt.Fprintf(&b, " (%s)", e.ContentType)
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	return b.String()
}

// StatusCode returns the HTTP status carried by err, or 0 if it carries none.
func StatusCode(err error) int {
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		return apiErr.StatusCode
	}
	return 0
}
