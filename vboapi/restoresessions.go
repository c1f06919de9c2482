package vboapi

import (
	"context"
	"fmt"
	"net/url"
	"time"
)

// RestoreSession is one restore session: a Veeam Explorer or Restore
// Portal session in which an operator explored, restored, exported or
// sent backed-up items. Strings are as the server sent them (values the
// schemas' enums lack included), empty for null or absent.
type RestoreSession struct {
	ID   string
	Name string
	// Organization is the Microsoft 365 organization's name; the API
	// gives no id.
	Organization string
	Type         string // Vex, Veod, Vesp, Vet
	State        string // Working or Stopped
	Result       string // Success, Warning or Failed
	InitiatedBy  string
	// ScopeName is set for the sessions made in the Restore Portal, by
	// the schemas' account of it ("Scope of the restore session created
	// using Restore Portal").
	ScopeName    string
	Details      string
	ClientHost   string
	Reason       string
	CreationTime time.Time
	// EndTime is zero while the session works, however the server spells
	// that (null, the .NET zero date, the year-9999 sentinel).
	EndTime time.Time
}

// Ended reports whether the session is over: it has an end time, or a
// state other than Working.
func (s *RestoreSession) Ended() bool {
	return !s.EndTime.IsZero() || s.State != "" && s.State != "Working"
}

// Portal reports whether the session was made in the Restore Portal.
func (s *RestoreSession) Portal() bool { return s.ScopeName != "" }

// RestoreSessionFilter selects restore sessions by time; its zero value
// selects all.
type RestoreSessionFilter struct {
	// StartTimeFrom keeps the sessions created at or after it (v6 and
	// later).
	StartTimeFrom time.Time
	// EndTimeFrom keeps the sessions that ended at or after it (v8 only:
	// on v6 and v7 the call fails with ErrNotInVersion).
	EndTimeFrom time.Time
}

type wireRestoreSession struct {
	ID           string  `json:"id"`
	Name         string  `json:"name"`
	Organization string  `json:"organization"`
	Type         string  `json:"type"`
	CreationTime *string `json:"creationTime"`
	EndTime      *string `json:"endTime"`
	State        string  `json:"state"`
	Result       string  `json:"result"`
	InitiatedBy  string  `json:"initiatedBy"`
	Details      string  `json:"details"`
	ScopeName    string  `json:"scopeName"`
	ClientHost   string  `json:"clientHost"`
	Reason       string  `json:"reason"`
}

func (w *wireRestoreSession) session() RestoreSession {
	return RestoreSession{
		ID: w.ID, Name: w.Name, Organization: w.Organization, Type: w.Type, State: w.State, Result: w.Result,
		InitiatedBy: w.InitiatedBy, ScopeName: w.ScopeName, Details: w.Details, ClientHost: w.ClientHost, Reason: w.Reason,
		CreationTime: parseAPITime(w.CreationTime), EndTime: sessionEnd(w.EndTime),
	}
}

// apiTimeParam is how a time filter is sent: RFC 3339 in UTC, which the
// server's .NET binding reads whatever the parameter's declared format.
func apiTimeParam(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// RestoreSessions calls each for every restore session f selects, in the
// server's order, pageSize at a time (v6 and later). A session sent
// without an id is handed on with ID "": the caller decides what a session
// it cannot follow means.
func (c *Client) RestoreSessions(ctx context.Context, f RestoreSessionFilter, pageSize int, each func(*RestoreSession) error) error {
	v, err := c.versionHaving("GET /RestoreSessions", nil)
	if err != nil {
		return err
	}
	q := url.Values{}
	if !f.StartTimeFrom.IsZero() {
		q.Set("startTimeFrom", apiTimeParam(f.StartTimeFrom))
	}
	if !f.EndTimeFrom.IsZero() {
		if v != V8 {
			return fmt.Errorf("GET /RestoreSessions?endTimeFrom on %s: %w", v, ErrNotInVersion)
		}
		q.Set("endTimeFrom", apiTimeParam(f.EndTimeFrom))
	}
	l := list{endpoint: vpath(v, "/RestoreSessions"), path: vpath(v, "/RestoreSessions"), query: q, paged: true,
		itemKey: func(item any) string { return item.(*wireRestoreSession).ID }}
	return readList(ctx, c, l, pageSize, func(w *wireRestoreSession) error {
		s := w.session()
		return each(&s)
	})
}

// RestoreSession reads one restore session by id (v6 and later), to follow
// a session that works beyond the window of the list.
func (c *Client) RestoreSession(ctx context.Context, id string) (RestoreSession, error) {
	v, err := c.versionHaving("GET /RestoreSessions/{id}", nil)
	if err != nil {
		return RestoreSession{}, err
	}
	var w wireRestoreSession
	err = c.getJSON(ctx, vpath(v, "/RestoreSessions/{id}"), vpath(v, "/RestoreSessions/"+url.PathEscape(id)), nil,
		func(raw []byte) error { return decodeStrict(raw, &w) })
	if err != nil {
		return RestoreSession{}, err
	}
	return w.session(), nil
}

// RestoreEvent is one event of a restore session: mostly one item saved,
// exported, sent, restored or viewed, of ItemSizeBytes.
type RestoreEvent struct {
	ID       string
	Type     string // None, Save, Export, Send, Restore, View
	Status   string // Running, Success, Warning, Failed, Cancelled, Skipped
	ItemName string
	ItemType string
	// ItemSizeBytes is nil when the server sent none.
	ItemSizeBytes *int64
	Order         int
}

type wireRestoreEvent struct {
	ID            string `json:"id"`
	Type          string `json:"type"`
	Status        string `json:"status"`
	ItemName      string `json:"itemName"`
	ItemType      string `json:"itemType"`
	ItemSizeBytes *int64 `json:"itemSizeBytes"`
	Order         int    `json:"order"`
}

// RestoreSessionEvents calls each for every event of the restore session
// id, pageSize at a time (v6 and later).
func (c *Client) RestoreSessionEvents(ctx context.Context, id string, pageSize int, each func(*RestoreEvent) error) error {
	v, err := c.versionHaving("GET /RestoreSessions/{id}/Events", nil)
	if err != nil {
		return err
	}
	l := list{endpoint: vpath(v, "/RestoreSessions/{id}/Events"), path: vpath(v, "/RestoreSessions/"+url.PathEscape(id)+"/Events"),
		paged: true, itemKey: func(item any) string { return item.(*wireRestoreEvent).ID }}
	return readList(ctx, c, l, pageSize, func(w *wireRestoreEvent) error {
		return each(&RestoreEvent{ID: w.ID, Type: w.Type, Status: w.Status, ItemName: w.ItemName, ItemType: w.ItemType,
			ItemSizeBytes: w.ItemSizeBytes, Order: w.Order})
	})
}
