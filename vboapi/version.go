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

// V6Plus reports whether the version has job items and repository data
// (v6 and later) rather than v1's SelectedMailboxes.
func (v Version) V6Plus() bool { return v == V6 || v == V7 || v == V8 }

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

// controlPath is a path of a version no server has. A server that answers 401
// there too authenticates before it routes, and its 401s say nothing about
// which versions it serves.
const controlPath = "/v0/ServiceInstance"

// APIVersion returns the version in use: the configured one, or the one
// detected. It detects only when no version is known, which is at the first
// call and after ForgetVersion. A detected version is the one whose token
// endpoint answered a login, so the login is part of the detection; when
// the server refused it, the version is still kept and the login's error
// (wrapping ErrLoginFailed) returned.
func (c *Client) APIVersion(ctx context.Context) (Version, error) {
	c.versionMu.Lock()
	defer c.versionMu.Unlock()
	if c.version != "" {
		return c.version, nil
	}
	p, err := c.probeVersions(ctx)
	if err != nil {
		return "", err
	}
	v, why, err := c.chooseByLogin(ctx, p)
	if v != "" {
		level.Info(c.opts.Logger).Log("msg", "REST API version chosen", "version", v, "why", why)
	}
	if err != nil {
		return "", err
	}
	return v, nil
}

// ForgetVersion makes the next APIVersion probe again, when the version was
// detected: a 404 on a path of the version in use means the server changed.
func (c *Client) ForgetVersion() {
	c.versionMu.Lock()
	defer c.versionMu.Unlock()
	if c.opts.APIVersion == Auto && c.version != "" {
		level.Info(c.opts.Logger).Log("msg", "REST API version will be detected again", "was", c.version)
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

// probed is what the probes without credentials found: the versions still
// possible, newest first, and why.
type probed struct {
	candidates []Version
	why        string
}

// probeVersions probes the versions newest first without credentials, so
// that no login is spent on a version the server lacks (v6 limits logins
// per minute): 404 rules a version out, and the first 401 makes it the
// first candidate. A 401 counts only if the control path answers 404; a
// server that answers 401 there too leaves every version not ruled out to
// the login. Anything else stops the detection, since the answer would be
// a guess.
func (c *Client) probeVersions(ctx context.Context) (probed, error) {
	var notServed []string
	for i, v := range Versions {
		path := probePath(v)
		switch code, err := c.probe(ctx, path); {
		case code == http.StatusUnauthorized:
			p := probed{candidates: Versions[i:], why: fmt.Sprintf("GET %s answered 401 without credentials", path)}
			if len(notServed) > 0 {
				p.why += " (404 for " + strings.Join(notServed, ", ") + ")"
			}
			switch code, err := c.probe(ctx, controlPath); {
			case code == http.StatusNotFound:
				p.why += " and GET " + controlPath + " 404"
			case err == nil:
				p.why = fmt.Sprintf("GET %s answered 200 without credentials, so the login tells", controlPath)
			case code != 0:
				p.why = fmt.Sprintf("every path answers 401 without credentials (GET %s %d), so the login tells", controlPath, code)
			default:
				return probed{}, fmt.Errorf("detecting the API version: %w", err)
			}
			return p, nil
		case code == http.StatusNotFound:
			notServed = append(notServed, path)
		case err == nil:
			return probed{}, fmt.Errorf("detecting the API version: GET %s answered 200 without credentials; pin servers[].api_version", path)
		default:
			return probed{}, fmt.Errorf("detecting the API version: %w", err)
		}
	}
	return probed{}, fmt.Errorf("%w (404 for %s)", ErrNoVersion, strings.Join(notServed, ", "))
}

// probe sends GET path without credentials and returns the status of an
// answer that is not a success (0 with the error when none came).
func (c *Client) probe(ctx context.Context, path string) (int, error) {
	err := c.do(ctx, request{
		method:   http.MethodGet,
		endpoint: path,
		path:     path,
		decode:   func(_ io.Reader) error { return nil },
	})
	return StatusCode(err), err
}

// chooseByLogin logs in on the candidates in turn. A 404 on the token
// endpoint rules a version out; any other answer settles it, and its token
// is kept for the requests that follow. The password goes to token
// endpoints only. A token already held for the first candidate settles it
// without a login.
func (c *Client) chooseByLogin(ctx context.Context, p probed) (Version, string, error) {
	var notServed []string
	for _, v := range p.candidates {
		if c.currentVersion() == v && c.tokens.fresh() {
			c.setVersion(v)
			return v, p.why + "; a token of it is held", nil
		}
		tok, err := c.tokens.loginAt(ctx, v)
		code := StatusCode(err)
		if code == http.StatusNotFound {
			notServed = append(notServed, "POST "+tokenPath(v))
			continue
		}
		if err != nil && code == 0 {
			return "", "", err // no answer, or a login deferred: nothing learnt
		}
		why := p.why
		if len(notServed) > 0 {
			why += "; 404 for " + strings.Join(notServed, ", ")
		}
		c.setVersion(v)
		if err != nil {
			return v, fmt.Sprintf("%s; POST %s answered %d", why, tokenPath(v), code), err
		}
		c.tokens.install(tok)
		return v, fmt.Sprintf("%s; POST %s issued a token", why, tokenPath(v)), nil
	}
	return "", "", fmt.Errorf("%w (%s; 404 for %s)", ErrNoVersion, p.why, strings.Join(notServed, ", "))
}
