package simulator

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

func TestPagingWalk(t *testing.T) {
	tests := []struct {
		name      string
		opts      Options
		limit     int // 0 = server default
		wantLimit int
	}{
		{"default limit over 95", Options{MailboxesPerJob: []int{95}}, 0, 30},
		{"explicit limit", Options{MailboxesPerJob: []int{95}}, 40, 40},
		{"clamped by MaxPageSize", Options{MailboxesPerJob: []int{95}, MaxPageSize: 25}, 100, 25},
		{"exact multiple", Options{MailboxesPerJob: []int{90}}, 0, 30},
		{"empty job", Options{MailboxesPerJob: []int{0}}, 0, 30},
		{"varied jobs", Options{Jobs: 5, MailboxesPerJob: []int{1, 31, 250}, BackedUpFraction: 0.5, Seed: 7}, 0, 30},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, sim := NewServer(t, tt.opts)
			c := newClient(t, srv)
			for _, truth := range sim.Truth() {
				var ids []string
				backed := 0
				for offset := 0; ; {
					var p wirePage
					if tt.limit == 0 {
						path := fmt.Sprintf("/v1/Jobs/%s/SelectedMailboxes", truth.ID)
						if offset > 0 {
							path += fmt.Sprintf("?offset=%d", offset)
						}
						_, b := c.get(path)
						mustJSON(t, b, &p)
					} else {
						p = c.page(truth.ID, offset, tt.limit)
					}
					if p.Limit != tt.wantLimit || p.Offset != offset {
						t.Fatalf("page echoes offset %d limit %d, want %d %d", p.Offset, p.Limit, offset, tt.wantLimit)
					}
					for _, r := range p.Results {
						var m wireMailbox
						mustJSON(t, r, &m)
						ids = append(ids, m.ID)
						if strictBackedUp(r) {
							backed++
						}
					}
					offset += len(p.Results)
					if len(p.Results) < p.Limit {
						break
					}
				}
				if len(ids) != truth.Mailboxes || backed != truth.BackedUp {
					t.Errorf("job %s: walked %d/%d backed up, truth %d/%d", truth.Name, len(ids), backed, truth.Mailboxes, truth.BackedUp)
				}
			}
		})
	}
}

func TestPageLinks(t *testing.T) {
	const pub = "https://vbo.example.test:4443"
	srv, sim := NewServer(t, Options{MailboxesPerJob: []int{95}, PublicURL: pub + "/"})
	c := newClient(t, srv)
	job := sim.Truth()[0].ID
	base := pub + "/v1/Jobs/" + job + "/SelectedMailboxes"
	tests := []struct {
		offset, limit int
		count         int
		links         map[string]string
	}{
		{0, 30, 30, map[string]string{"first": "?offset=0&limit=30", "self": "?offset=0&limit=30", "next": "?offset=30&limit=30"}},
		{30, 30, 30, map[string]string{"first": "?offset=0&limit=30", "prev": "?offset=0&limit=30", "self": "?offset=30&limit=30", "next": "?offset=60&limit=30"}},
		{90, 30, 5, map[string]string{"first": "?offset=0&limit=30", "prev": "?offset=60&limit=30", "self": "?offset=90&limit=30"}},
		{65, 30, 30, map[string]string{"first": "?offset=0&limit=30", "prev": "?offset=35&limit=30", "self": "?offset=65&limit=30"}},
		{500, 30, 0, map[string]string{"first": "?offset=0&limit=30", "prev": "?offset=470&limit=30", "self": "?offset=500&limit=30"}},
		{0, 95, 95, map[string]string{"first": "?offset=0&limit=95", "self": "?offset=0&limit=95"}},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("offset=%d,limit=%d", tt.offset, tt.limit), func(t *testing.T) {
			p := c.page(job, tt.offset, tt.limit)
			if len(p.Results) != tt.count {
				t.Errorf("%d results, want %d", len(p.Results), tt.count)
			}
			if len(p.Links) != len(tt.links) {
				t.Errorf("links %v, want %v", p.Links, tt.links)
			}
			for name, q := range tt.links {
				if p.Links[name].Href != base+q {
					t.Errorf("%s = %q, want %q", name, p.Links[name].Href, base+q)
				}
			}
			for _, r := range p.Results {
				var m wireMailbox
				mustJSON(t, r, &m)
				if !strings.HasPrefix(m.Links["self"].Href, pub+"/v1/Organizations/") ||
					!strings.HasSuffix(m.Links["self"].Href, "/Mailboxes/"+m.ID) ||
					!strings.HasPrefix(m.Links["organization"].Href, pub+"/v1/Organizations/") {
					t.Fatalf("mailbox links %v", m.Links)
				}
			}
		})
	}
}

func TestPagingErrors(t *testing.T) {
	srv, sim := NewServer(t, Options{})
	c := newClient(t, srv)
	job := sim.Truth()[0].ID
	for _, q := range []string{"offset=-1", "limit=-5", "limit=abc", "offset=1.5", "limit=0", "offset=99999999999"} {
		t.Run(q, func(t *testing.T) {
			status, body := c.get("/v1/Jobs/" + job + "/SelectedMailboxes?" + q)
			var m struct{ Message string }
			mustJSON(t, body, &m)
			if status != http.StatusBadRequest || m.Message == "" {
				t.Errorf("status %d body %s", status, body)
			}
		})
	}
	// Web API binds query parameters case-insensitively.
	_, body := c.get("/v1/Jobs/" + job + "/SelectedMailboxes?OFFSET=10&Limit=5")
	var p wirePage
	mustJSON(t, body, &p)
	if p.Offset != 10 || p.Limit != 5 || len(p.Results) != 5 {
		t.Errorf("case-insensitive params: offset %d limit %d n %d", p.Offset, p.Limit, len(p.Results))
	}
}

func TestMailboxIdentity(t *testing.T) {
	srv, sim := NewServer(t, Options{Jobs: 6, MailboxesPerJob: []int{120, 7, 64}, Seed: 42})
	c := newClient(t, srv)
	seen := map[string]bool{}
	for _, jt := range sim.Truth() {
		if seen[jt.ID] || seen[jt.OrganizationID] && jt.OrganizationID == jt.ID {
			t.Fatalf("id collision %s", jt.ID)
		}
		ids, _ := c.walk(jt.ID, 50)
		for _, id := range ids {
			if len(id) != 36 || id[14] != '4' || seen[id] {
				t.Fatalf("bad or duplicate GUID %q", id)
			}
			seen[id] = true
		}
	}
	// The same seed must give the same data on a new simulator.
	again := New(Options{Jobs: 6, MailboxesPerJob: []int{120, 7, 64}, Seed: 42}).Truth()
	for i, jt := range sim.Truth() {
		if again[i].ID != jt.ID || again[i].BackedUp != jt.BackedUp || again[i].Name != jt.Name {
			t.Errorf("job %d not deterministic: %+v vs %+v", i, again[i], jt)
		}
	}
	other := New(Options{Jobs: 6, MailboxesPerJob: []int{120, 7, 64}, Seed: 43}).Truth()
	if other[0].ID == sim.Truth()[0].ID {
		t.Error("seed does not change ids")
	}
}

func TestMailboxWireForm(t *testing.T) {
	tests := []struct {
		name string
		opts Options
		key  string
		want []string // allowed raw values
	}{
		{"strings by default", Options{}, "isBackedUp", []string{`"true"`, `"false"`}},
		{"JSON booleans", Options{BoolsAsJSON: true}, "isBackedUp", []string{`true`, `false`}},
		{"other spelling", Options{BackedUpSpelling: "isBackedup"}, "isBackedup", []string{`"true"`, `"false"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, sim := NewServer(t, tt.opts)
			c := newClient(t, srv)
			_, body := c.get("/v1/Jobs/" + sim.Truth()[0].ID + "/SelectedMailboxes")
			var p wirePage
			mustJSON(t, body, &p)
			seenValues := map[string]bool{}
			for _, r := range p.Results {
				var m map[string]json.RawMessage
				mustJSON(t, r, &m)
				v, ok := m[tt.key]
				if !ok {
					t.Fatalf("no %s in %s", tt.key, r)
				}
				seenValues[string(v)] = true
				if !strings.Contains(string(m["email"]), ".onmicrosoft.com") {
					t.Errorf("email %s", m["email"])
				}
			}
			for v := range seenValues {
				if !strings.Contains(strings.Join(tt.want, " "), v) {
					t.Errorf("value %s not among %v", v, tt.want)
				}
			}
			if per := len(body) / max(len(p.Results), 1); per < 300 || per > 600 {
				t.Errorf("%d bytes per mailbox, want about 400", per)
			}
		})
	}
}

func TestMillionMailboxesIsCheap(t *testing.T) {
	sim := New(Options{Jobs: 4, MailboxesPerJob: []int{250000}})
	total := 0
	for _, jt := range sim.Truth() {
		total += jt.Mailboxes
		if f := float64(jt.BackedUp) / float64(jt.Mailboxes); f < 0.89 || f > 0.91 {
			t.Errorf("backed-up share %.3f, want about 0.9", f)
		}
	}
	if total != 1_000_000 {
		t.Fatalf("total %d", total)
	}
}
