package vboapi

import (
	"errors"
	"fmt"
)

// ErrNotInVersion is wrapped by the error of a call for a resource that the
// REST API version in use does not have: GET /v8/Health on v6 and v7, the
// processed objects of a session on v6, and every operations resource on
// v1. A caller tests it with errors.Is to leave those facts out instead of
// reporting a failure. No request is sent for such a call.
var ErrNotInVersion = errors.New("not in this REST API version")

// versionHaving returns the version requests are built for, or an error
// wrapping ErrNotInVersion when it lacks the resource: every resource of
// the operations calls is v6 and later, and has, when not nil, narrows
// that down. Call it after APIVersion, which settles the version.
func (c *Client) versionHaving(resource string, has func(Version) bool) (Version, error) {
	v := c.currentVersion()
	if !v.V6Plus() || (has != nil && !has(v)) {
		return v, fmt.Errorf("%s on %s: %w", resource, v, ErrNotInVersion)
	}
	return v, nil
}
