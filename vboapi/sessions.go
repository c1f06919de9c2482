package vboapi

import (
	"context"
	"fmt"
	"net/url"
	"path"
	"strings"
	"time"
)

// JobSession is one run of a backup or backup copy job, as the job session
// resources describe it.
type JobSession struct {
	ID string
	// JobID is the job that ran: jobId on v8; elsewhere the job asked
	// for (SessionFilter.JobID), else the session's job link.
	JobID         string
	JobType       string // v7 and later: Backup or Copy
	RepositoryID  string // v7 and later
	MainSessionID string // v7 and later: the session a retry belongs to
	Status        string // the job status enum (Success, Warning, Failed, Running, Stopped, ...) or a value it lacks, as sent
	Details       string
	CreationTime  time.Time
	// EndTime is zero while the session runs, however the server spells
	// that: null, the .NET zero date or the year-9999 sentinel.
	EndTime       time.Time
	RetryCount    int
	WillBeRetried *bool  // v7 and later
	Progress      int    // objects (users, groups, sites, teams) processed
	ConfigType    string // v8: Full or Incremental
	ProxyID       string // v8
	Statistics    JobStatistics
}

// JobStatistics are a session's transfer figures; rates are averages over
// the session.
type JobStatistics struct {
	ProcessingRateBytesPS, ProcessingRateItemsPS int64
	ReadRateBytesPS, WriteRateBytesPS            int64
	// TransferredDataBytes is a total, although the schemas describe it in
	// bytes per second.
	TransferredDataBytes int64
	ProcessedObjects     int64  // items (mails, files, ...) processed
	Bottleneck           string // NA, Detecting, Source or Target
}

// Ended reports whether the session has an end time.
func (s *JobSession) Ended() bool { return !s.EndTime.IsZero() }

// SessionFilter selects job sessions; its zero value selects all.
type SessionFilter struct {
	// JobID selects one job's sessions: /v6/Jobs/{id}/JobSessions on v6,
	// ?jobId= on v7 and later.
	JobID string
	// JobType is Backup or Copy. v6 sessions do not say their type, so
	// there only the server filters, and /Jobs/{id}/JobSessions not at all.
	JobType string
	// EndTimeLowerBound asks the server for sessions from that time on,
	// to read the history incrementally. The schemas describe the
	// parameter as a bound on the creation time despite its name, and v6
	// has it on /JobSessions only, so the client keeps, on every version,
	// any session created or ended at or after the bound or not ended:
	// read with some overlap and de-duplicate by ID.
	EndTimeLowerBound time.Time
	// Status keeps sessions of one status (Success, Warning, Failed,
	// Running, Stopped, ...); v8 filters on the server, where the same
	// filter spells Success "Succeeded".
	Status string
}

// keeps applies the filter on the client, where the server could not.
func (f SessionFilter) keeps(s *JobSession) bool {
	if f.Status != "" && !strings.EqualFold(f.Status, s.Status) {
		return false
	}
	if f.JobType != "" && s.JobType != "" && !strings.EqualFold(f.JobType, s.JobType) {
		return false
	}
	b := f.EndTimeLowerBound
	return b.IsZero() || !s.Ended() || !s.CreationTime.Before(b) || !s.EndTime.Before(b)
}

// v8SessionStatus maps a session status onto the v8 status filter's enum,
// or "" when the filter has no such value.
func v8SessionStatus(status string) string {
	for _, s := range []string{"Stopped", "Running", "Failed", "Warning"} {
		if strings.EqualFold(s, status) {
			return s
		}
	}
	if strings.EqualFold(status, "Success") || strings.EqualFold(status, "Succeeded") {
		return "Succeeded"
	}
	return ""
}

// sessionList builds the request for f on version v.
func sessionList(v Version, f SessionFilter) list {
	if v == V6 && f.JobID != "" {
		return list{
			endpoint: vpath(v, "/Jobs/{id}/JobSessions"),
			path:     vpath(v, "/Jobs/"+url.PathEscape(f.JobID)+"/JobSessions"),
			paged:    true,
		}
	}
	q := url.Values{}
	if f.JobID != "" {
		q.Set("jobId", f.JobID)
	}
	if f.JobType != "" {
		q.Set("jobType", f.JobType)
	}
	if !f.EndTimeLowerBound.IsZero() {
		q.Set("endTimeLowerBound", f.EndTimeLowerBound.UTC().Format(time.RFC3339Nano))
	}
	if s := v8SessionStatus(f.Status); v == V8 && s != "" {
		q.Set("status", s)
	}
	return list{endpoint: vpath(v, "/JobSessions"), path: vpath(v, "/JobSessions"), query: q, paged: true}
}

// JobSessions calls each for every job session f selects, in the server's
// order, pageSize at a time (v6 and later; at most 10,000).
func (c *Client) JobSessions(ctx context.Context, f SessionFilter, pageSize int, each func(*JobSession) error) error {
	v, err := c.versionHaving("GET /JobSessions", nil)
	if err != nil {
		return err
	}
	return readList(ctx, c, sessionList(v, f), pageSize, func(w *wireJobSession) error {
		// A session without an id is still handed on, with ID "":
		// the caller must know that the list holds one it cannot
		// tell apart or follow.
		s := w.fields(f.JobID)
		if !f.keeps(&s) {
			return nil
		}
		return each(&s)
	})
}

// JobSession reads one session by id (v6 and later), e.g. to follow a
// session that was running when the history was read.
func (c *Client) JobSession(ctx context.Context, id string) (JobSession, error) {
	v, err := c.versionHaving("GET /JobSessions/{id}", nil)
	if err != nil {
		return JobSession{}, err
	}
	var w wireJobSession
	err = c.getJSON(ctx, vpath(v, "/JobSessions/{id}"), vpath(v, "/JobSessions/"+url.PathEscape(id)), nil,
		func(raw []byte) error { return decodeStrict(raw, &w) })
	if err != nil {
		return JobSession{}, err
	}
	return w.session(0, "")
}

type wireJobSession struct {
	ID                   string  `json:"id"`
	JobID                string  `json:"jobId"`
	RepositoryID         string  `json:"repositoryId"`
	MainSessionID        string  `json:"mainSessionId"`
	Details              string  `json:"details"`
	CreationTime         *string `json:"creationTime"`
	EndTime              *string `json:"endTime"`
	RetryCount           int     `json:"retryCount"`
	JobWillBeRetried     *bool   `json:"jobWillBeRetried"`
	Progress             int     `json:"progress"`
	JobType              string  `json:"jobType"`
	JobSessionConfigType string  `json:"jobSessionConfigType"`
	Status               string  `json:"status"`
	ProxyID              string  `json:"proxyId"`
	Statistics           struct {
		ProcessingRateBytesPS int64  `json:"processingRateBytesPS"`
		ProcessingRateItemsPS int64  `json:"processingRateItemsPS"`
		ReadRateBytesPS       int64  `json:"readRateBytesPS"`
		WriteRateBytesPS      int64  `json:"writeRateBytesPS"`
		TransferredDataBytes  int64  `json:"transferredDataBytes"`
		ProcessedObjects      int64  `json:"processedObjects"`
		Bottleneck            string `json:"bottleneck"`
	} `json:"statistics"`
	Links struct {
		Job struct {
			Href string `json:"href"`
		} `json:"job"`
	} `json:"_links"`
}

// session converts item i of a list; asked is the job the list was read
// for, if any.
func (w *wireJobSession) session(i int, asked string) (JobSession, error) {
	if w.ID == "" {
		return JobSession{}, fmt.Errorf("job session %d in the list has no id", i)
	}
	return w.fields(asked), nil
}

// fields is the session w describes, whether it has an id or not.
func (w *wireJobSession) fields(asked string) JobSession {
	st := w.Statistics
	return JobSession{
		ID: w.ID, JobID: w.jobID(asked), JobType: w.JobType, RepositoryID: w.RepositoryID,
		MainSessionID: w.MainSessionID, Status: w.Status, Details: w.Details,
		CreationTime: parseAPITime(w.CreationTime), EndTime: sessionEnd(w.EndTime),
		RetryCount: w.RetryCount, WillBeRetried: w.JobWillBeRetried, Progress: w.Progress,
		ConfigType: w.JobSessionConfigType, ProxyID: w.ProxyID,
		Statistics: JobStatistics{
			ProcessingRateBytesPS: st.ProcessingRateBytesPS, ProcessingRateItemsPS: st.ProcessingRateItemsPS,
			ReadRateBytesPS: st.ReadRateBytesPS, WriteRateBytesPS: st.WriteRateBytesPS,
			TransferredDataBytes: st.TransferredDataBytes, ProcessedObjects: st.ProcessedObjects,
			Bottleneck: st.Bottleneck,
		},
	}
}

// jobID prefers the field (v8), then the job asked for, then the job link
// Veeam's examples show on every version.
func (w *wireJobSession) jobID(asked string) string {
	switch {
	case w.JobID != "":
		return w.JobID
	case asked != "":
		return asked
	case w.Links.Job.Href == "":
		return ""
	}
	u, err := url.Parse(w.Links.Job.Href)
	if err != nil {
		return ""
	}
	return path.Base(strings.TrimSuffix(u.Path, "/"))
}

// sessionEnd reads an end time; .NET's DateTime.MaxValue, which PowerShell
// shows for running sessions, means "not ended" like the zero date does.
func sessionEnd(s *string) time.Time {
	t := parseAPITime(s)
	if t.Year() >= 9999 {
		return time.Time{}
	}
	return t
}
