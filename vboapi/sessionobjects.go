package vboapi

import (
	"context"
	"net/url"
)

// SessionObject is one object a job session processed, with how it went.
type SessionObject struct {
	ID     string `json:"id"`
	Type   string `json:"type"`   // User, Group, Site or Team
	Status string `json:"status"` // Success, Warning or Failed
}

// SessionObjects calls each for every object the session processed
// (GET /vN/JobSessions/{id}/ProcessedObjects, v7 and later; on v6 the
// error wraps ErrNotInVersion). The session schema has no counts by
// status, so this list, one per session, is where they come from.
func (c *Client) SessionObjects(ctx context.Context, sessionID string, pageSize int, each func(*SessionObject) error) error {
	v, err := c.versionHaving("GET /JobSessions/{id}/ProcessedObjects", func(v Version) bool { return v != V6 })
	if err != nil {
		return err
	}
	return readList(ctx, c, list{
		endpoint: vpath(v, "/JobSessions/{id}/ProcessedObjects"),
		path:     vpath(v, "/JobSessions/"+url.PathEscape(sessionID)+"/ProcessedObjects"),
		paged:    true,
	}, pageSize, each)
}

// ObjectCounts are a session's processed objects by status.
type ObjectCounts struct {
	Success, Warning, Failed int
	Other                    int // a status the schemas do not list
}

// SessionObjectCounts counts the session's processed objects by status
// (v7 and later).
func (c *Client) SessionObjectCounts(ctx context.Context, sessionID string, pageSize int) (ObjectCounts, error) {
	var n ObjectCounts
	err := c.SessionObjects(ctx, sessionID, pageSize, func(o *SessionObject) error {
		switch o.Status {
		case "Success":
			n.Success++
		case "Warning":
			n.Warning++
		case "Failed":
			n.Failed++
		default:
			n.Other++
		}
		return nil
	})
	if err != nil {
		return ObjectCounts{}, err
	}
	return n, nil
}
