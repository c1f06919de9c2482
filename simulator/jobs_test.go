package simulator

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
)

type wireJob struct {
	ID           string          `json:"id"`
	Name         string          `json:"name"`
	Description  string          `json:"description"`
	AllMailboxes json.RawMessage `json:"allMailboxes"`
	LastStatus   string          `json:"lastStatus"`
	LastRun      *time.Time      `json:"lastRun"`
	NextRun      *time.Time      `json:"nextRun"`
	IsEnabled    json.RawMessage `json:"isEnabled"`
	Schedule     map[string]any  `json:"schedulePolicy"`
	Links        map[string]link `json:"_links"`
}

func TestJobs(t *testing.T) {
	srv, sim := NewServer(t, Options{Jobs: 7})
	c := newClient(t, srv)
	status, body := c.get("/v1/Jobs")
	if status != 200 || body[0] != '[' {
		t.Fatalf("GET /v1/Jobs: %d %s", status, truncate(body))
	}
	var jobs []wireJob
	mustJSON(t, body, &jobs)
	truth := sim.Truth()
	if len(jobs) != len(truth) {
		t.Fatalf("%d jobs, truth %d", len(jobs), len(truth))
	}
	orgs := map[string]bool{}
	var disabled, neverRan, allMbx int
	for i, j := range jobs {
		tr := truth[i]
		orgs[tr.OrganizationID] = true
		if j.ID != tr.ID || j.Name != tr.Name || j.LastStatus != tr.LastStatus {
			t.Errorf("job %d: wire %+v truth %+v", i, j, tr)
		}
		if string(j.IsEnabled) != map[bool]string{true: `"true"`, false: `"false"`}[tr.Enabled] ||
			string(j.AllMailboxes) != map[bool]string{true: `"true"`, false: `"false"`}[tr.AllMailboxes] {
			t.Errorf("job %d booleans %s %s", i, j.IsEnabled, j.AllMailboxes)
		}
		if (j.LastRun == nil) != tr.LastRun.IsZero() || j.LastRun != nil && !j.LastRun.Equal(tr.LastRun) {
			t.Errorf("job %d lastRun %v truth %v", i, j.LastRun, tr.LastRun)
		}
		if (j.NextRun == nil) != tr.NextRun.IsZero() || j.NextRun != nil && !j.NextRun.Equal(tr.NextRun) {
			t.Errorf("job %d nextRun %v truth %v", i, j.NextRun, tr.NextRun)
		}
		for _, l := range []string{"self", "organization", "repository", "proxy", "selectedMailboxes", "jobsessions"} {
			if !strings.HasPrefix(j.Links[l].Href, DefaultPublicURL+"/v1/") {
				t.Errorf("job %d link %s = %q", i, l, j.Links[l].Href)
			}
		}
		if j.Links["organization"].Href != DefaultPublicURL+"/v1/Organizations/"+tr.OrganizationID {
			t.Errorf("organization link %q", j.Links["organization"].Href)
		}
		if !tr.Enabled {
			disabled++
		}
		if tr.LastRun.IsZero() {
			neverRan++
		}
		if tr.AllMailboxes {
			allMbx++
		}
		_, one := c.get("/v1/jobs/" + strings.ToUpper(j.ID))
		var single wireJob
		mustJSON(t, one, &single)
		if single.ID != j.ID || single.Name != j.Name {
			t.Errorf("GET one job: %+v", single)
		}
	}
	if disabled != 1 || neverRan != 1 || allMbx != 1 || len(orgs) != 4 {
		t.Errorf("variety: disabled %d neverRan %d allMailboxes %d orgs %d", disabled, neverRan, allMbx, len(orgs))
	}
	if n := sim.Requests(EndpointJobs); n != 1 {
		t.Errorf("jobs requests %d", n)
	}
	if n := sim.Requests(EndpointJob); n != 7 {
		t.Errorf("job requests %d", n)
	}
}

func TestJobsBoolsAsJSON(t *testing.T) {
	srv, _ := NewServer(t, Options{BoolsAsJSON: true})
	c := newClient(t, srv)
	_, body := c.get("/v1/Jobs")
	var jobs []map[string]any
	mustJSON(t, body, &jobs)
	for _, j := range jobs {
		if _, ok := j["isEnabled"].(bool); !ok {
			t.Errorf("isEnabled %T", j["isEnabled"])
		}
		if _, ok := j["allMailboxes"].(bool); !ok {
			t.Errorf("allMailboxes %T", j["allMailboxes"])
		}
	}
}

func TestRouting(t *testing.T) {
	srv, sim := NewServer(t, Options{})
	c := newClient(t, srv)
	job := sim.Truth()[0].ID
	tests := []struct {
		method, path string
		status       int
		message      string
	}{
		{"GET", "/v1/JOBS", 200, ""},
		{"GET", "/V1/jobs/" + job + "/selectedmailboxes", 200, ""},
		{"GET", "/v1/Jobs/" + job + "/", 200, ""},
		{"POST", "/v1/Jobs", 405, "does not support http method 'POST'"},
		{"GET", "/v1/Token", 405, "does not support http method 'GET'"},
		{"GET", "/v1/Organizations", 404, "No HTTP resource"},
		{"GET", "/v2/Jobs", 404, "No HTTP resource"},
		{"GET", "/", 404, "No HTTP resource"},
		{"GET", "/v1/Jobs/00000000-0000-0000-0000-000000000000", 404, "Job with id 00000000-0000-0000-0000-000000000000 was not found."},
		{"GET", "/v1/Jobs/nope/SelectedMailboxes", 404, "Job with id nope was not found."},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			req, _ := http.NewRequest(tt.method, srv.URL+tt.path, nil)
			req.Header.Set("Authorization", "Bearer "+c.token)
			resp, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var m struct{ Message string }
			_ = json.NewDecoder(resp.Body).Decode(&m)
			if resp.StatusCode != tt.status || !strings.Contains(m.Message, tt.message) {
				t.Errorf("%d %q, want %d %q", resp.StatusCode, m.Message, tt.status, tt.message)
			}
			if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Errorf("content type %q", ct)
			}
		})
	}
}
