package simulator

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
)

func mailboxPath(job string, q string) string {
	p := "/v1/Jobs/" + job + "/SelectedMailboxes"
	if q != "" {
		p += "?" + q
	}
	return p
}

// TestStatusFaults covers the faults that replace a response outright.
func TestStatusFaults(t *testing.T) {
	tests := []struct {
		name   string
		fault  Fault
		path   string // "" = mailboxes of job 0
		status int
		check  func(t *testing.T, resp *http.Response, body []byte)
	}{
		{"503", Fault{Endpoint: EndpointMailboxes, Kind: StatusError, Status: 503, Requests: []int{1}}, "", 503,
			func(t *testing.T, _ *http.Response, body []byte) {
				var m struct{ Message string }
				mustJSON(t, body, &m)
				if m.Message == "" {
					t.Error("no message")
				}
			}},
		{"default 500 on jobs", Fault{Endpoint: EndpointJobs, Kind: StatusError}, "/v1/Jobs", 500, nil},
		{"429", Fault{Kind: TooManyRequests, RetryAfter: 1500 * time.Millisecond}, "", 429,
			func(t *testing.T, resp *http.Response, _ []byte) {
				if ra := resp.Header.Get("Retry-After"); ra != "2" {
					t.Errorf("Retry-After %q, want 2", ra)
				}
			}},
		{"html", Fault{Endpoint: EndpointMailboxes, Kind: HTMLError}, "", 200,
			func(t *testing.T, resp *http.Response, body []byte) {
				if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") || !bytes.Contains(body, []byte("<html>")) || json.Valid(body) {
					t.Errorf("not an HTML page: %s %s", resp.Header.Get("Content-Type"), body)
				}
			}},
		{"html 502", Fault{Kind: HTMLError, Status: 502}, "", 502, nil},
		{"malformed", Fault{Kind: MalformedJSON}, "", 200,
			func(t *testing.T, _ *http.Response, body []byte) {
				if json.Valid(body) || len(body) < 100 {
					t.Errorf("body is valid JSON or empty: %s", truncate(body))
				}
			}},
		{"malformed jobs", Fault{Kind: MalformedJSON}, "/v1/Jobs", 200,
			func(t *testing.T, _ *http.Response, body []byte) {
				if json.Valid(body) {
					t.Errorf("valid JSON: %s", truncate(body))
				}
			}},
		{"other job unaffected", Fault{JobID: "someone-else", Kind: StatusError}, "", 200, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, sim := NewServer(t, Options{})
			c := newClient(t, srv)
			sim.AddFault(tt.fault)
			path := tt.path
			if path == "" {
				path = mailboxPath(sim.Truth()[0].ID, "")
			}
			resp, body, err := c.do(path)
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tt.status, truncate(body))
			}
			if tt.check != nil {
				tt.check(t, resp, body)
			}
			sim.ClearFaults()
			if st, _ := c.get(path); st != 200 {
				t.Errorf("after ClearFaults: %d", st)
			}
		})
	}
}

func TestTokenFaults(t *testing.T) {
	srv, sim := NewServer(t, Options{})
	c := &client{t: t, base: srv.URL, hc: srv.Client()}
	login := url.Values{"grant_type": {"password"}, "username": {"admin"}, "password": {"secret"}}
	sim.AddFault(Fault{Endpoint: EndpointToken, Kind: BadTokenResponse, Requests: []int{1}})
	sim.AddFault(Fault{Endpoint: EndpointToken, Kind: StatusError, Status: 400, Requests: []int{2}})
	sim.AddFault(Fault{Endpoint: EndpointToken, Kind: TooManyRequests, Requests: []int{3}})
	status, body := c.postToken(login)
	var tok tokenResp
	mustJSON(t, body, &tok)
	if status != 200 || tok.AccessToken != "" || tok.TokenType != "bearer" {
		t.Errorf("bad token response: %d %s", status, body)
	}
	if status, _ := c.postToken(login); status != 400 {
		t.Errorf("status fault: %d", status)
	}
	if status, _ := c.postToken(login); status != 429 {
		t.Errorf("429 fault: %d", status)
	}
	if status, _ := c.postToken(login); status != 200 {
		t.Errorf("after faults: %d", status)
	}
	if len(sim.IssuedSecrets()) != 2 {
		t.Errorf("faulted token requests issued tokens: %d secrets", len(sim.IssuedSecrets()))
	}
}

func TestRevokedFault(t *testing.T) {
	srv, sim := NewServer(t, Options{})
	c := newClient(t, srv)
	sim.AddFault(Fault{Endpoint: EndpointJobs, Kind: Revoked, Requests: []int{2}})
	if st, _ := c.get("/v1/Jobs"); st != 200 {
		t.Fatalf("first: %d", st)
	}
	if st, _ := c.get("/v1/Jobs"); st != 401 {
		t.Fatalf("revoked: %d", st)
	}
	sim.ClearFaults()
	if st, _ := c.get("/v1/Jobs"); st != 401 {
		t.Errorf("token still valid after Revoked: %d", st)
	}
}

// TestBrokenBodies checks that the client really sees a transport-level
// failure, not a short but complete response.
func TestBrokenBodies(t *testing.T) {
	for _, kind := range []FaultKind{ResetMidBody, Truncated} {
		for _, tlsOn := range []bool{false, true} {
			t.Run(string(kind)+map[bool]string{false: "/http", true: "/https"}[tlsOn], func(t *testing.T) {
				srv, sim := NewServer(t, Options{})
				if tlsOn {
					srv, sim = NewTLSServer(t, Options{})
				}
				c := newClient(t, srv)
				sim.AddFault(Fault{Endpoint: EndpointMailboxes, Kind: kind, Requests: []int{1}})
				path := mailboxPath(sim.Truth()[0].ID, "")
				resp, body, err := c.do(path)
				if err == nil {
					t.Fatalf("read succeeded: %d %d bytes", resp.StatusCode, len(body))
				}
				if kind == Truncated && resp.ContentLength <= int64(len(body)) {
					t.Errorf("Content-Length %d, got %d bytes", resp.ContentLength, len(body))
				}
				if st, _ := c.get(path); st != 200 {
					t.Errorf("next request: %d", st)
				}
			})
		}
	}
}

func TestHugeBody(t *testing.T) {
	for _, ep := range []string{EndpointMailboxes, EndpointJobs, EndpointJob, EndpointToken} {
		t.Run(ep, func(t *testing.T) {
			srv, sim := NewServer(t, Options{})
			c := newClient(t, srv)
			const size = 3 << 20
			sim.AddFault(Fault{Endpoint: ep, Kind: HugeBody, Size: size})
			job := sim.Truth()[0].ID
			var body []byte
			switch ep {
			case EndpointToken:
				_, body = c.postToken(url.Values{"grant_type": {"password"}, "username": {"admin"}, "password": {"secret"}})
			case EndpointJobs:
				_, body = c.get("/v1/Jobs")
			case EndpointJob:
				_, body = c.get("/v1/Jobs/" + job)
			default:
				_, body = c.get(mailboxPath(job, ""))
			}
			if len(body) < size || len(body) > size+64<<10 || !json.Valid(body) {
				t.Errorf("%d bytes, valid %v", len(body), json.Valid(body))
			}
		})
	}
	t.Run("default size, client gives up", func(t *testing.T) {
		srv, sim := NewServer(t, Options{})
		c := newClient(t, srv)
		sim.AddFault(Fault{Kind: HugeBody})
		req, _ := http.NewRequest(http.MethodGet, srv.URL+"/v1/Jobs", nil)
		req.Header.Set("Authorization", "Bearer "+c.token)
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		n, _ := io.Copy(io.Discard, io.LimitReader(resp.Body, 16<<20))
		resp.Body.Close()
		if n != 16<<20 {
			t.Errorf("only %d bytes", n)
		}
	})
}

func TestSlowDrip(t *testing.T) {
	srv, sim := NewServer(t, Options{})
	c := newClient(t, srv)
	sim.AddFault(Fault{Endpoint: EndpointMailboxes, Kind: SlowDrip})
	ctx, cancel := context.WithTimeout(context.Background(), 450*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+mailboxPath(sim.Truth()[0].ID, ""), nil)
	req.Header.Set("Authorization", "Bearer "+c.token)
	start := time.Now()
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err) // headers come at once
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err == nil || resp.StatusCode != 200 {
		t.Fatalf("drip ended by itself: %d %q", resp.StatusCode, body)
	}
	if len(body) < 2 || len(body) > 7 || !strings.HasPrefix(`{"offset":0`, string(body)) { //nolint:gocritic // argOrder: the cut-short body is the prefix
		t.Errorf("dripped %q in %v", body, time.Since(start))
	}
}

func TestPagingFaults(t *testing.T) {
	opts := Options{MailboxesPerJob: []int{95}}
	ids := func(t *testing.T, p wirePage) []string {
		var out []string
		for _, r := range p.Results {
			var m wireMailbox
			mustJSON(t, r, &m)
			out = append(out, m.ID)
		}
		return out
	}
	t.Run("ignore-offset", func(t *testing.T) {
		srv, sim := NewServer(t, opts)
		c := newClient(t, srv)
		job := sim.Truth()[0].ID
		first := ids(t, c.page(job, 0, 30))
		sim.AddFault(Fault{Kind: IgnoreOffset})
		p := c.page(job, 30, 30)
		if p.Offset != 0 || !slices.Equal(ids(t, p), first) {
			t.Errorf("offset 30 served offset %d with other ids", p.Offset)
		}
	})
	t.Run("looping-next", func(t *testing.T) {
		srv, sim := NewServer(t, opts)
		c := newClient(t, srv)
		job := sim.Truth()[0].ID
		sim.AddFault(Fault{Kind: LoopingNext})
		p := c.page(job, 90, 30)
		if len(p.Results) != 30 || !strings.HasSuffix(p.Links["next"].Href, "?offset=0&limit=30") {
			t.Errorf("%d results, next %q", len(p.Results), p.Links["next"].Href)
		}
	})
	t.Run("duplicate-ids", func(t *testing.T) {
		srv, sim := NewServer(t, opts)
		c := newClient(t, srv)
		job := sim.Truth()[0].ID
		first := ids(t, c.page(job, 0, 30))
		sim.AddFault(Fault{Kind: DuplicateIDs, Requests: []int{2}})
		second := ids(t, c.page(job, 30, 30))
		dup := 0
		for _, id := range second {
			if slices.Contains(first, id) {
				dup++
			}
		}
		if len(second) != 30 || dup == 0 {
			t.Errorf("%d results, %d repeated", len(second), dup)
		}
		own := ids(t, c.page(job, 0, 30)) // request 3: no fault
		if !slices.Equal(own, first) {
			t.Error("fault leaked into later requests")
		}
	})
	t.Run("duplicate-ids first page", func(t *testing.T) {
		srv, sim := NewServer(t, opts)
		c := newClient(t, srv)
		sim.AddFault(Fault{Kind: DuplicateIDs})
		got := ids(t, c.page(sim.Truth()[0].ID, 0, 30))
		uniq := slices.Compact(slices.Sorted(slices.Values(got)))
		if len(got) != 30 || len(uniq) == 30 {
			t.Errorf("%d results, %d unique", len(got), len(uniq))
		}
	})
	t.Run("mutate-between-pages", func(t *testing.T) {
		srv, sim := NewServer(t, opts)
		c := newClient(t, srv)
		before := sim.Truth()[0]
		sim.AddFault(Fault{Kind: MutateBetweenPages, JobID: before.ID, Requests: []int{1, 5}})
		walked, _ := c.walk(before.ID, 30) // requests 1-4: removal after page 1
		after := sim.Truth()[0]
		if after.Mailboxes != before.Mailboxes-1 {
			t.Fatalf("truth %d after removal, was %d", after.Mailboxes, before.Mailboxes)
		}
		uniq := slices.Compact(slices.Sorted(slices.Values(walked)))
		if len(uniq) != after.Mailboxes {
			t.Logf("walk saw %d ids over a shifting list", len(uniq))
		}
		c.walk(before.ID, 30) // request 5: add at the front after page 1
		if now := sim.Truth()[0]; now.Mailboxes != before.Mailboxes {
			t.Errorf("truth %d after add, want %d", now.Mailboxes, before.Mailboxes)
		}
		ids3, backed := c.walk(before.ID, 30) // no fault: a stable walk
		final := sim.Truth()[0]
		if len(ids3) != final.Mailboxes || backed != final.BackedUp {
			t.Errorf("stable walk %d/%d, truth %d/%d", len(ids3), backed, final.Mailboxes, final.BackedUp)
		}
		if slices.Contains(walked, ids3[0]) {
			t.Error("added mailbox reuses an id")
		}
		want := []MailboxState{{before.Mailboxes, before.BackedUp}, {after.Mailboxes, after.BackedUp}, {final.Mailboxes, final.BackedUp}}
		if got := sim.States(before.ID); !slices.Equal(got, want) {
			t.Errorf("states %v, want %v", got, want)
		}
		if got := sim.States(sim.Truth()[1].ID); len(got) != 1 {
			t.Errorf("a job that never changed has states %v", got)
		}
	})
}

func TestOddBooleans(t *testing.T) {
	srv, sim := NewServer(t, Options{MailboxesPerJob: []int{300}, BackedUpFraction: 0.5})
	c := newClient(t, srv)
	sim.AddFault(Fault{Kind: OddBooleans})
	truth := sim.Truth()[0]
	forms := map[string]bool{}
	naive := 0
	for offset := 0; offset < truth.Mailboxes; offset += 100 {
		for _, r := range c.page(truth.ID, offset, 100).Results {
			var m map[string]json.RawMessage
			mustJSON(t, r, &m)
			v, ok := m["isBackedUp"]
			switch {
			case ok:
				forms[string(v)] = true
			case m["isBackedup"] != nil:
				forms["isBackedup:"+string(m["isBackedup"])] = true
			default:
				forms["missing"] = true
			}
			if string(v) == `"true"` {
				naive++
			}
		}
	}
	_, backed := c.walk(truth.ID, 100)
	if backed != truth.BackedUp {
		t.Errorf("strict count %d, truth %d", backed, truth.BackedUp)
	}
	if naive == truth.BackedUp {
		t.Error("a client accepting only \"true\" would pass; fault too weak")
	}
	for _, want := range []string{`"TRUE"`, `"False"`, `true`, `null`, "missing", `"yes"`, `1`, `isBackedup:"true"`} {
		if !forms[want] {
			t.Errorf("form %s never sent (saw %v)", want, forms)
		}
	}
}

func TestFaultSelection(t *testing.T) {
	hits := func(seed int64, f Fault, n int) []int {
		srv, sim := NewServer(t, Options{Seed: seed})
		c := newClient(t, srv)
		sim.AddFault(f)
		var out []int
		for i := 1; i <= n; i++ {
			if st, _ := c.get("/v1/Jobs"); st != 200 {
				out = append(out, i)
			}
		}
		return out
	}
	t.Run("requests", func(t *testing.T) {
		got := hits(1, Fault{Kind: StatusError, Requests: []int{2, 4}}, 5)
		if !slices.Equal(got, []int{2, 4}) {
			t.Errorf("hit %v", got)
		}
	})
	t.Run("probability is seeded", func(t *testing.T) {
		f := Fault{Kind: StatusError, Probability: 0.3}
		a, b := hits(9, f, 60), hits(9, f, 60)
		if !slices.Equal(a, b) || len(a) < 6 || len(a) > 32 {
			t.Errorf("runs %v vs %v", a, b)
		}
	})
	t.Run("per job numbering", func(t *testing.T) {
		srv, sim := NewServer(t, Options{})
		c := newClient(t, srv)
		tr := sim.Truth()
		sim.AddFault(Fault{Endpoint: EndpointMailboxes, JobID: tr[1].ID, Kind: StatusError, Requests: []int{2}})
		seq := []struct {
			job    int
			status int
		}{{0, 200}, {1, 200}, {0, 200}, {1, 500}, {1, 200}}
		for i, s := range seq {
			if st, _ := c.get(mailboxPath(tr[s.job].ID, "")); st != s.status {
				t.Errorf("request %d to job %d: %d, want %d", i, s.job, st, s.status)
			}
		}
	})
}
