package simulator

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/vbo365-exporter/vbo365_exporter/internal/memnet"
)

// client is a minimal API client for the tests; it deliberately avoids any
// cleverness so that what it sees is what the wire carried.
type client struct {
	t     testing.TB
	base  string
	hc    *http.Client
	token string
}

func newClient(t testing.TB, srv *httptest.Server) *client {
	t.Helper()
	return loggedIn(t, &client{t: t, base: srv.URL, hc: srv.Client()})
}

// newMemServer serves a new Simulator of opts on an in-memory network and
// returns a logged-in client for it. Call it in a synctest bubble: there a
// delay takes exactly its length on the fake clock, however loaded the
// machine, so timing tests cannot flake.
func newMemServer(t *testing.T, opts Options) (*client, *Simulator) {
	t.Helper()
	sim := New(opts)
	l := memnet.Serve(t, sim)
	hc := &http.Client{Transport: &http.Transport{DialContext: l.Dial}}
	t.Cleanup(hc.CloseIdleConnections)
	return loggedIn(t, &client{t: t, base: memnet.URL.String(), hc: hc}), sim
}

// loggedIn logs c in with the default credentials.
func loggedIn(t testing.TB, c *client) *client {
	t.Helper()
	status, body := c.postToken(url.Values{"grant_type": {"password"}, "username": {"admin"}, "password": {"secret"}})
	if status != http.StatusOK {
		t.Fatalf("login: %d %s", status, body)
	}
	var tok tokenResp
	mustJSON(t, body, &tok)
	c.token = tok.AccessToken
	return c
}

type tokenResp struct {
	AccessToken  string `json:"access_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int64  `json:"expires_in"`
	RefreshToken string `json:"refresh_token"`
	UserName     string `json:"userName"`
	Issued       string `json:".issued"`
	Expires      string `json:".expires"`
	Error        string `json:"error"`
	ErrorDesc    string `json:"error_description"`
}

func (c *client) postToken(form url.Values) (int, []byte) {
	c.t.Helper()
	resp, err := c.hc.Post(c.base+"/v1/Token", "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
	if err != nil {
		c.t.Fatalf("token: %v", err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatalf("token body: %v", err)
	}
	return resp.StatusCode, b
}

// do performs an authenticated GET and returns the raw response with its
// body read (err reports transport or body errors instead of failing).
func (c *client) do(path string) (*http.Response, []byte, error) {
	req, err := http.NewRequest(http.MethodGet, c.base+path, nil)
	if err != nil {
		return nil, nil, err
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp, b, err
}

func (c *client) get(path string) (int, []byte) {
	c.t.Helper()
	resp, b, err := c.do(path)
	if err != nil {
		c.t.Fatalf("GET %s: %v", path, err)
	}
	return resp.StatusCode, b
}

func mustJSON(t testing.TB, b []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("decode %q: %v", truncate(b), err)
	}
}

func truncate(b []byte) string {
	if len(b) > 300 {
		return string(b[:300]) + "…"
	}
	return string(b)
}

type link struct {
	Href string `json:"href"`
}

type wireMailbox struct {
	ID         string          `json:"id"`
	Email      string          `json:"email"`
	Name       string          `json:"name"`
	IsBackedUp json.RawMessage `json:"isBackedUp"`
	Links      map[string]link `json:"_links"`
}

type wirePage struct {
	Offset  int               `json:"offset"`
	Limit   int               `json:"limit"`
	Results []json.RawMessage `json:"results"`
	Links   map[string]link   `json:"_links"`
}

func (c *client) page(job string, offset, limit int) wirePage {
	c.t.Helper()
	path := fmt.Sprintf("/v1/Jobs/%s/SelectedMailboxes", job)
	if offset >= 0 {
		path += fmt.Sprintf("?offset=%d&limit=%d", offset, limit)
	}
	status, b := c.get(path)
	if status != http.StatusOK {
		c.t.Fatalf("GET %s: %d %s", path, status, b)
	}
	var p wirePage
	mustJSON(c.t, b, &p)
	return p
}

// strictBackedUp is the rule a correct exporter applies: JSON true, or the
// string "true" in any case, under either documented spelling.
func strictBackedUp(raw json.RawMessage) bool {
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil {
		return false
	}
	for k, v := range m {
		if k != "isBackedUp" && k != "isBackedup" {
			continue
		}
		var b bool
		if json.Unmarshal(v, &b) == nil && b {
			return true
		}
		var s string
		if json.Unmarshal(v, &s) == nil && strings.EqualFold(s, "true") {
			return true
		}
	}
	return false
}

// walk pages through a job by offset += len(results) until a short page,
// the way the reference notes tell an exporter to.
func (c *client) walk(job string, limit int) (ids []string, backed int) {
	c.t.Helper()
	for offset := 0; ; {
		p := c.page(job, offset, limit)
		for _, r := range p.Results {
			var m wireMailbox
			mustJSON(c.t, r, &m)
			ids = append(ids, m.ID)
			if strictBackedUp(r) {
				backed++
			}
		}
		offset += len(p.Results)
		if len(p.Results) < p.Limit || len(p.Results) == 0 {
			return ids, backed
		}
	}
}
