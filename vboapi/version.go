package vboapi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/go-kit/log/level"
)

// Version is a REST API version prefix, such as "v8".
type Version string

// The versions the client speaks. Auto asks the server.
const (
	Auto Version = "auto"
	V1   Version = "v1"
	V6   Version = "v6"
	V7   Version = "v7"
	V8   Version = "v8"
)

// Versions lists the versions the client speaks, newest first: the order in
// which Auto probes them.
var Versions = []Version{V8, V7, V6, V1}

// ParseVersion reads a configured version; the empty string means Auto.
func ParseVersion(s string) (Version, error) {
	v := Version(strings.ToLower(strings.TrimSpace(s)))
	if v == "" || v == Auto {
		return Auto, nil
	}
	for _, known := range Versions {
		if v == known {
			return v, nil
		}
	}
	return "", fmt.Errorf("unknown API version %q (want auto, v1, v6, v7 or v8)", s)
}

// Paged reports whether GET /vN/Jobs and the job item lists are pages on
// this version (v8) rather than plain arrays (v6, v7).
func (v Version) Paged() bool { return v == V8 }

// HasDataSource reports whether user and group member lists take the
// dataSource parameter (v7 and later).
func (v Version) HasDataSource() bool { return v == V7 || v == V8 }

// Modern reports whether the version has job items and repository data
// (v6 and later) rather than v1's SelectedMailboxes.
func (v Version) Modern() bool { return v == V6 || v == V7 || v == V8 }

// ErrNoVersion is wrapped by the error Detect returns when the server
// serves none of the versions the client speaks.
var ErrNoVersion = errors.New("the server serves none of the REST API versions v8, v7, v6, v1")

// probePath is a path of each version that needs a token, so that a server
// answers 401 where it serves the version and 404 where it does not.
func probePath(v Version) string {
	if v == V1 {
		return "/v1/Jobs"
	}
	return "/" + string(v) + "/ServiceInstance"
}

// APIVersion returns the version in use: the configured one, or the one
// found by probing. It probes only when no version is known, which is at the
// first call and after ForgetVersion.
func (c *Client) APIVersion(ctx context.Context) (Version, error) {
	c.versionMu.Lock()
	defer c.versionMu.Unlock()
	if c.version != "" {
		return c.version, nil
	}
	v, why, err := c.detect(ctx)
	if err != nil {
		return "", err
	}
	level.Info(c.opts.Logger).Log("msg", "REST API version chosen", "server", c.opts.Server, "version", v, "why", why)
	c.setVersion(v)
	return v, nil
}

// ForgetVersion makes the next APIVersion probe again, when the version was
// detected: a 404 on a path of the version in use means the server changed.
func (c *Client) ForgetVersion() {
	c.versionMu.Lock()
	defer c.versionMu.Unlock()
	if c.opts.APIVersion == Auto && c.version != "" {
		level.Info(c.opts.Logger).Log("msg", "REST API version will be detected again", "server", c.opts.Server, "was", c.version)
		c.version = ""
	}
}

// setVersion switches the prefix of every later request. A token belongs to
// the version it was issued on, so it is dropped when the version changes.
func (c *Client) setVersion(v Version) {
	if c.prefix.Load() != nil && c.currentVersion() != v {
		c.tokens.reset()
	}
	c.version = v
	c.prefix.Store(&v)
}

// currentVersion is the prefix requests are built with; V1 before any
// detection, which only the v1 code paths use.
func (c *Client) currentVersion() Version {
	if p := c.prefix.Load(); p != nil {
		return *p
	}
	return V1
}

// detect probes the versions newest first without credentials, so that no
// login is spent (v6 limits logins per minute): 401 means served, 404 not.
// Anything else stops the detection, since the answer would be a guess.
func (c *Client) detect(ctx context.Context) (Version, string, error) {
	var notServed []string
	for _, v := range Versions {
		path := probePath(v)
		err := c.do(ctx, request{
			method:   http.MethodGet,
			endpoint: path,
			path:     path,
			decode:   func(_ io.Reader) error { return nil },
		})
		switch code := StatusCode(err); {
		case code == http.StatusUnauthorized:
			why := fmt.Sprintf("GET %s answered 401 without credentials", path)
			if len(notServed) > 0 {
				why += "; 404 for " + strings.Join(notServed, ", ")
			}
			return v, why, nil
		case code == http.StatusNotFound:
			notServed = append(notServed, path)
		case err == nil:
			return "", "", fmt.Errorf("detecting the API version: GET %s answered 200 without credentials; pin servers[].api_version", path)
		default:
			return "", "", fmt.Errorf("detecting the API version: %w", err)
		}
	}
	return "", "", fmt.Errorf("%w (404 for %s)", ErrNoVersion, strings.Join(notServed, ", "))
}
