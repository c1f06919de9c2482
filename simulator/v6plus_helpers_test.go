package simulator

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

// tenantNow fixes every tenant time so outputs compare across runs.
var tenantNow = time.Date(2025, 5, 1, 12, 0, 0, 0, time.UTC)

// allV6Plus is what a real 8.x server serves.
var allV6Plus = []string{"v6", "v7", "v8"}

// vclient talks to one v6+ prefix the way a plain client would.
type vclient struct {
	*client
	p string // "/v8"
}

func newVClient(t testing.TB, srv *httptest.Server, ver string) *vclient {
	t.Helper()
	c := &vclient{client: &client{t: t, base: srv.URL, hc: srv.Client()}, p: "/" + ver}
	form := url.Values{"grant_type": {"password"}, "username": {"admin"}, "password": {"secret"}}
	if ver != "v6" {
		form.Set("disable_antiforgery_token", "true")
	}
	resp, err := c.hc.Post(srv.URL+c.p+"/token", "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatalf("token: %v", err)
	}
	defer resp.Body.Close()
	var tok tokenResp
	if err := json.NewDecoder(resp.Body).Decode(&tok); err != nil || resp.StatusCode != http.StatusOK || tok.AccessToken == "" {
		t.Fatalf("login on %s: %d %v", ver, resp.StatusCode, err)
	}
	c.token = tok.AccessToken
	return c
}

// getJSON GETs prefix+path and decodes a 200 answer.
func (c *vclient) getJSON(path string, v any) {
	c.t.Helper()
	status, b := c.get(c.p + path)
	if status != http.StatusOK {
		c.t.Fatalf("GET %s%s: %d %s", c.p, path, status, truncate(b))
	}
	mustJSON(c.t, b, v)
}

type vpage struct {
	Offset     int               `json:"offset"`
	Limit      int               `json:"limit"`
	SetID      string            `json:"setId"`
	TotalCount *int              `json:"totalCount"`
	Results    []json.RawMessage `json:"results"`
	Links      map[string]link   `json:"_links"`
}

// all reads a whole list: a bare array in one request, or pages of limit
// items, sending the first page's setId with the later ones, until a short
// page.
func (c *vclient) all(path string, limit int) []json.RawMessage {
	c.t.Helper()
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	var out []json.RawMessage
	var setID string
	for offset := 0; ; {
		q := fmt.Sprintf("%s%soffset=%d&limit=%d", path, sep, offset, limit)
		if setID != "" {
			q += "&setId=" + setID
		}
		status, b := c.get(c.p + q)
		if status != http.StatusOK {
			c.t.Fatalf("GET %s%s: %d %s", c.p, q, status, truncate(b))
		}
		if b[0] == '[' {
			mustJSON(c.t, b, &out)
			return out
		}
		var p vpage
		mustJSON(c.t, b, &p)
		if offset == 0 {
			setID = p.SetID
		} else if p.SetID != setID {
			c.t.Fatalf("GET %s: setId %q, sent %q", q, p.SetID, setID)
		}
		out = append(out, p.Results...)
		offset += len(p.Results)
		if len(p.Results) < limit {
			return out
		}
	}
}

// Wire shapes the tests read; pointers tell absent or null from false.
type (
	wUser struct {
		ID, DisplayName, Name, Type, LocationType string
	}
	wGroup struct {
		ID, DisplayName, Name, Type string
	}
	wItem struct {
		Type          string `json:"type"`
		ID            string `json:"id"`
		User          *wUser `json:"user"`
		Group         *wGroup
		Mailbox       *bool `json:"mailbox"`
		Members       *bool `json:"members"`
		MemberMailbox *bool `json:"memberMailbox"`
	}
	wMember struct {
		GroupID, Name, Login, Type string
		IsCloud                    bool
	}
	wJob struct {
		ID, Name, BackupType, RepositoryID, OrganizationID, LastStatus string
		IsEnabled                                                      *bool
		Links                                                          map[string]link `json:"_links"`
	}
	wUserData struct {
		ID, Email, DisplayName, AccountType, OrganizationID string
		IsMailboxBackedUp, IsArchiveBackedUp                *bool
		MailboxBackedUpTime                                 *time.Time
	}
)

func decodeAll[T any](t testing.TB, raws []json.RawMessage) []T {
	t.Helper()
	out := make([]T, len(raws))
	for i, r := range raws {
		mustJSON(t, r, &out[i])
	}
	return out
}
