package vboapi

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	jsonv1 "github.com/go-json-experiment/json/v1"
)

// Job is a backup job as GET /vN/Jobs describes it. Optional facts are
// pointers or zero times, so that "unknown" is never mistaken for "false".
type Job struct {
	ID             string
	Name           string
	OrganizationID string // v8 sends it; v6 and v7 give it through the organization's job list
	Enabled        *bool
	AllMailboxes   *bool     // v1 only
	LastStatus     string    // as sent, a value the schema's enum lacks included
	LastRun        time.Time // zero: the job never ran
	NextRun        time.Time // zero: no run is scheduled
	LastBackup     time.Time // v7 and later: the last successful run; zero when unknown
	BackupType     string    // v6 and later: EntireOrganization or SelectedItems
	RepositoryID   string    // v6 and later
}

// Jobs returns every job the server knows, on the API version in use.
func (c *Client) Jobs(ctx context.Context) ([]Job, error) {
	if v := c.currentVersion(); v.V6Plus() {
		jobs, err := c.v6PlusJobs(ctx, v, vpath(v, "/Jobs"), vpath(v, "/Jobs"), 0)
		if err != nil || v == V8 {
			return jobs, err
		}
		return jobs, c.jobOrganizations(ctx, jobs)
	}
	var jobs []Job
	err := c.do(ctx, request{
		method:   http.MethodGet,
		endpoint: "/v1/Jobs",
		path:     "/v1/Jobs",
		auth:     true,
		decode: func(r io.Reader) (err error) {
			jobs, err = DecodeJobs(r)
			return err
		},
	})
	return jobs, err
}

// wireJob is the JSON shape of a job across API versions: v1 sends booleans
// as strings, later versions as booleans; v8 adds organizationId.
type wireJob struct {
	ID             string   `json:"id"`
	Name           string   `json:"name"`
	IsEnabled      flexBool `json:"isEnabled"`
	AllMailboxes   flexBool `json:"allMailboxes"`
	LastStatus     string   `json:"lastStatus"`
	LastRun        *string  `json:"lastRun"`
	NextRun        *string  `json:"nextRun"`
	OrganizationID string   `json:"organizationId"`
	LastBackup     *string  `json:"lastBackup"`
	BackupType     string   `json:"backupType"`
	RepositoryID   string   `json:"repositoryId"`
	Links          struct {
		Organization struct {
			Href string `json:"href"`
		} `json:"organization"`
	} `json:"_links"`
}

// DecodeJobs reads the body of GET /v1/Jobs: a JSON array as v1 documents it,
// or a page object with "results" as later versions send.
func DecodeJobs(r io.Reader) ([]Job, error) {
	raw, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	var wire []wireJob
	if first := bytes.TrimLeft(raw, jsonSpace); len(first) > 0 && first[0] == '{' {
		// Results is decoded afresh below: decoding a repeated "results"
		// into the same slice would merge the members of both arrays.
		var page struct {
			Results jsontext.Value `json:"results"`
		}
		if err := json.Unmarshal(raw, &page, lenientOptions); err != nil {
			return nil, err
		}
		if page.Results == nil || string(page.Results) == "null" {
			return nil, fmt.Errorf("the job list is an object without \"results\"")
		}
		raw = page.Results
	}
	if err := json.Unmarshal(raw, &wire, lenientOptions); err != nil {
		return nil, err
	}
	jobs := make([]Job, 0, len(wire))
	for i := range wire {
		jobs = append(jobs, wire[i].job())
	}
	return jobs, nil
}

// v6PlusJobs reads a job list of v6 and later: a plain array on v6 and v7,
// pages on v8 (pageSize 0 means the largest page the API allows).
func (c *Client) v6PlusJobs(ctx context.Context, v Version, endpoint, path string, pageSize int) ([]Job, error) {
	if pageSize == 0 {
		pageSize = 10000
	}
	var jobs []Job
	err := readList(ctx, c, list{endpoint: endpoint, path: path, paged: v.Paged()}, pageSize, func(w *wireJob) error {
		jobs = append(jobs, w.job())
		return nil
	})
	if err != nil {
		return nil, err
	}
	return jobs, nil
}

// jobOrganizations sets each job's organization on v6 and v7, whose jobs do
// not name it: from each organization's own job list, which the API
// documents, rather than from _links, whose keys it does not.
func (c *Client) jobOrganizations(ctx context.Context, jobs []Job) error {
	orgs, err := c.Organizations(ctx)
	if err != nil {
		return err
	}
	orgOf := map[string]string{}
	for _, o := range orgs {
		held, err := c.OrganizationJobs(ctx, o.ID)
		if err != nil {
			return err
		}
		for _, j := range held {
			orgOf[strings.ToLower(j.ID)] = o.ID
		}
	}
	for i := range jobs {
		if org, ok := orgOf[strings.ToLower(jobs[i].ID)]; ok {
			jobs[i].OrganizationID = org
		}
	}
	return nil
}

// job converts one job of the list. A job the API sent without an id keeps
// ID "": it cannot be read or labelled, but the list it came in was read,
// and the caller says how many such jobs there were (Unidentified).
func (w *wireJob) job() Job {
	return Job{
		ID:             w.ID,
		Name:           w.Name,
		OrganizationID: w.organizationID(),
		Enabled:        w.IsEnabled.ptr(),
		AllMailboxes:   w.AllMailboxes.ptr(),
		LastStatus:     w.LastStatus,
		LastRun:        parseAPITime(w.LastRun),
		NextRun:        parseAPITime(w.NextRun),
		LastBackup:     parseAPITime(w.LastBackup),
		BackupType:     w.BackupType,
		RepositoryID:   w.RepositoryID,
	}
}

// Unidentified splits jobs into those with an id, in order, and the names
// of those the API sent without one.
func Unidentified(jobs []Job) (identified []Job, names []string) {
	identified = jobs[:0:0]
	for _, j := range jobs {
		if j.ID == "" {
			names = append(names, j.Name)
			continue
		}
		identified = append(identified, j)
	}
	return identified, names
}

func (w *wireJob) organizationID() string {
	if w.OrganizationID != "" {
		return w.OrganizationID
	}
	href := w.Links.Organization.Href
	if href == "" {
		return ""
	}
	u, err := url.Parse(href)
	if err != nil {
		return ""
	}
	return path.Base(strings.TrimSuffix(u.Path, "/"))
}

// parseAPITime reads the API's UTC timestamps (7 fractional digits, with or
// without a zone). Absent, empty or .NET's zero date mean "none".
func parseAPITime(s *string) time.Time {
	if s == nil || *s == "" {
		return time.Time{}
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.9999999"} {
		if t, err := time.Parse(layout, *s); err == nil {
			if t.Year() <= 1 {
				return time.Time{}
			}
			return t
		}
	}
	return time.Time{}
}

// jsonSpace is the white space JSON allows between tokens; bytes.TrimSpace
// would also strip \v, \f and U+0085, which JSON rejects.
const jsonSpace = " \t\n\r"

// lenientOptions read the bodies of v1 that are not pages (the token, the
// job list) and error messages as encoding/json did before: names match in
// any case (but "is_enabled" is not "isEnabled"), a member given twice is
// decoded twice, and invalid UTF-8 is replaced rather than refused. v1
// servers were read this way for years; being stricter now would only turn
// their oddities into failed scrapes.
var lenientOptions = json.JoinOptions(
	json.MatchCaseInsensitiveNames(true),
	jsonv1.MatchCaseSensitiveDelimiter(true),
	jsontext.AllowDuplicateNames(true),
	jsontext.AllowInvalidUTF8(true),
)

// flexBool accepts true/false and the strings "true"/"false" in any case.
// Anything else leaves it unknown rather than guessing. The v1 job list is
// read by lenientOptions, which match member names case-insensitively and
// call UnmarshalJSON once per repeat, so "isEnabled" and "IsEnabled" in one
// object both land here: values that disagree make it unknown for good, as
// the page decoder does for isBackedUp.
type flexBool struct {
	seen, set, value bool
}

func (b *flexBool) UnmarshalJSON(data []byte) error {
	ok, value := parseFlexBool(data)
	if b.seen && (!b.set || !ok || b.value != value) {
		b.set = false
		return nil
	}
	b.seen, b.set, b.value = true, ok, value
	return nil
}

func (b flexBool) ptr() *bool {
	if !b.set {
		return nil
	}
	v := b.value
	return &v
}

// parseFlexBool interprets a raw JSON value as a boolean; ok is false for
// anything but a JSON boolean or a string spelling true or false.
func parseFlexBool(raw []byte) (ok, value bool) {
	if len(raw) > 2 && raw[0] == '"' && bytes.IndexByte(raw, '\\') >= 0 {
		// "\u0074rue" is still the string true (found by FuzzDecodePage):
		// compare the unescaped text. Only escaped strings pay for this.
		unquoted, err := jsontext.AppendUnquote([]byte{'"'}, raw)
		if err != nil {
			return false, false
		}
		unquoted = append(unquoted, '"')
		raw = unquoted
	}
	switch {
	case bytes.Equal(raw, []byte("true")):
		return true, true
	case bytes.Equal(raw, []byte("false")):
		return true, false
	case len(raw) == 6 && raw[0] == '"' && raw[5] == '"' && bytes.EqualFold(raw[1:5], []byte("true")):
		return true, true
	case len(raw) == 7 && raw[0] == '"' && raw[6] == '"' && bytes.EqualFold(raw[1:6], []byte("false")):
		return true, false
	}
	return false, false
}
