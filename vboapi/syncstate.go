package vboapi

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"time"
)

// The results of a finished organization synchronization the API
// documents. Any other value is passed through as the server sent it.
const (
	SyncSuccess = "Success"
	SyncError   = "Error"
)

// OrganizationSyncState is the state of the synchronization of an
// organization's objects with the server's organization cache, which the
// users and group members of v7 and later (dataSource=PreferLocal) come
// from: a user added to Microsoft 365 after the last successful
// synchronization is in neither. Fields are empty or zero where the
// server gave nothing or the version has no such field.
type OrganizationSyncState struct {
	OrganizationID string
	// LastResult is the result of the last finished synchronization:
	// Success, Error or a value the schemas do not document, passed
	// through; empty when none has finished (v7 status None, v8
	// lastSyncState null).
	LastResult string
	LastType   string    // Incremental or Full
	LastStart  time.Time // v8 only
	// LastEnd is when the last synchronization finished: v7 lastSyncTime,
	// v8 lastSyncState.endTime.
	LastEnd time.Time
	// LastError is the failed synchronization's message; it may name
	// accounts, so it is for logs only.
	LastError string
	// CurrentStatus is Queued or Running (or an undocumented value) while
	// a synchronization is under way, empty when none is. v7 has no such
	// field: see RunningKnown.
	CurrentStatus string
	CurrentType   string    // v8 only
	Scheduled     time.Time // v8 only
	Started       time.Time // v8 only
	// RunningKnown is true on v8, whose answer says whether a
	// synchronization is under way; v7's says nothing about it.
	RunningKnown bool
}

// Succeeded reports whether the last finished synchronization succeeded,
// and whether that is known: it is not when none has finished or the
// result is a value the API does not document, which counts as neither.
func (s OrganizationSyncState) Succeeded() (ok, known bool) {
	switch s.LastResult {
	case SyncSuccess:
		return true, true
	case SyncError:
		return false, true
	}
	return false, false
}

// Running reports whether a synchronization is queued or running, and
// whether the version can tell (v8).
func (s OrganizationSyncState) Running() (running, known bool) {
	return s.CurrentStatus != "", s.RunningKnown
}

// wireSyncState holds both versions' RESTOrganizationSyncState: v7's
// flat {type, status, lastSyncTime, error} and v8's {organizationId,
// lastSyncState, currentSyncState}. Every field may be null or absent.
type wireSyncState struct {
	// v7
	Type         string  `json:"type"`
	Status       string  `json:"status"`
	LastSyncTime *string `json:"lastSyncTime"`
	Error        string  `json:"error"`
	// v8
	OrganizationID string `json:"organizationId"`
	LastSyncState  *struct {
		Type      string  `json:"type"`
		Result    string  `json:"result"`
		StartTime *string `json:"startTime"`
		EndTime   *string `json:"endTime"`
		Error     string  `json:"error"`
	} `json:"lastSyncState"`
	CurrentSyncState *struct {
		Type          string  `json:"type"`
		Status        string  `json:"status"`
		ScheduledTime *string `json:"scheduledTime"`
		StartTime     *string `json:"startTime"`
	} `json:"currentSyncState"`
}

// state converts w as version v shapes it; v7 names no organization, so
// orgID is the one the request was for.
func (w *wireSyncState) state(v Version, orgID string) OrganizationSyncState {
	if v == V7 {
		s := OrganizationSyncState{OrganizationID: orgID, LastType: w.Type, LastEnd: parseAPITime(w.LastSyncTime), LastError: w.Error}
		// None: no synchronization has finished.
		if w.Status != "None" {
			s.LastResult = w.Status
		}
		return s
	}
	s := OrganizationSyncState{OrganizationID: w.OrganizationID, RunningKnown: true}
	if s.OrganizationID == "" {
		s.OrganizationID = orgID
	}
	if l := w.LastSyncState; l != nil {
		s.LastResult, s.LastType, s.LastError = l.Result, l.Type, l.Error
		s.LastStart, s.LastEnd = parseAPITime(l.StartTime), parseAPITime(l.EndTime)
	}
	if c := w.CurrentSyncState; c != nil {
		s.CurrentStatus, s.CurrentType = c.Status, c.Type
		s.Scheduled, s.Started = parseAPITime(c.ScheduledTime), parseAPITime(c.StartTime)
	}
	return s
}

// DecodeSyncState decodes one RESTOrganizationSyncState of version v (v7
// or v8), the answer of GET /vN/Organizations/{orgID}/SyncState.
func DecodeSyncState(v Version, orgID string, raw []byte) (OrganizationSyncState, error) {
	var w wireSyncState
	if err := decodeStrict(raw, &w); err != nil {
		return OrganizationSyncState{}, err
	}
	return w.state(v, orgID), nil
}

// DecodeSyncStates decodes the answer of GET /v8/Organizations/SyncState,
// a plain array. A null list or element is refused: it is an organization whose
// state cannot be told, and the whole answer is then suspect.
func DecodeSyncStates(raw []byte) ([]OrganizationSyncState, error) {
	var ws *[]*wireSyncState
	if err := decodeStrict(raw, &ws); err != nil {
		return nil, err
	}
	if ws == nil {
		return nil, errors.New("the sync state list is null")
	}
	out := make([]OrganizationSyncState, 0, len(*ws))
	for i, w := range *ws {
		if w == nil {
			return nil, fmt.Errorf("organization sync state %d is null", i)
		}
		out = append(out, w.state(V8, ""))
	}
	return out, nil
}

// OrganizationSyncState reads GET /vN/Organizations/{id}/SyncState (v7 and
// v8; v6 has no sync state and the error then wraps ErrNotInVersion).
func (c *Client) OrganizationSyncState(ctx context.Context, orgID string) (OrganizationSyncState, error) {
	v, err := c.versionHaving("GET /Organizations/{id}/SyncState", func(v Version) bool { return v == V7 || v == V8 })
	if err != nil {
		return OrganizationSyncState{}, err
	}
	var out OrganizationSyncState
	err = c.getJSON(ctx, vpath(v, "/Organizations/{id}/SyncState"),
		vpath(v, "/Organizations/"+url.PathEscape(orgID)+"/SyncState"), nil,
		func(raw []byte) (err error) { out, err = DecodeSyncState(v, orgID, raw); return err })
	if err != nil {
		return OrganizationSyncState{}, err
	}
	return out, nil
}

// OrganizationSyncStates reads every organization's sync state in one
// request, GET /v8/Organizations/SyncState (v8 only: the error wraps
// ErrNotInVersion elsewhere). The answer is a plain array, not a page.
func (c *Client) OrganizationSyncStates(ctx context.Context) ([]OrganizationSyncState, error) {
	v, err := c.versionHaving("GET /Organizations/SyncState", func(v Version) bool { return v == V8 })
	if err != nil {
		return nil, err
	}
	path := vpath(v, "/Organizations/SyncState")
	var out []OrganizationSyncState
	err = c.getJSON(ctx, path, path, nil, func(raw []byte) (err error) { out, err = DecodeSyncStates(raw); return err })
	if err != nil {
		return nil, err
	}
	return out, nil
}
