package vboapi

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vbo365-exporter/vbo365_exporter/simulator"
)

// capturedBodies holds real simulator output, the seed corpus of the fuzz
// targets, so that the fuzzer starts from the shapes the API really sends.
type capturedBodies struct {
	tokens, jobs, pages [][]byte
}

// captureSimulator fetches a token response, a job list and pages from
// in-process simulators in each wire variant (quoted or JSON booleans,
// both isBackedUp spellings, the odd boolean forms, a page past the end).
func captureSimulator(tb testing.TB) capturedBodies {
	tb.Helper()
	var out capturedBodies
	variants := []struct {
		opts  simulator.Options
		fault *simulator.Fault
	}{
		{opts: simulator.Options{Jobs: 2, MailboxesPerJob: []int{7, 0}}},
		{opts: simulator.Options{Jobs: 1, MailboxesPerJob: []int{5}, BoolsAsJSON: true, BackedUpSpelling: "isBackedup"}},
		{opts: simulator.Options{Jobs: 1, MailboxesPerJob: []int{12}}, fault: &simulator.Fault{Endpoint: "mailboxes", Kind: simulator.OddBooleans}},
	}
	for _, v := range variants {
		srv, sim := simulator.NewServer(tb, v.opts)
		if v.fault != nil {
			sim.AddFault(*v.fault)
		}
		get := func(method, path string, form url.Values, token string) []byte {
			var body io.Reader
			if form != nil {
				body = strings.NewReader(form.Encode())
			}
			req, err := http.NewRequest(method, srv.URL+path, body)
			if err != nil {
				tb.Fatal(err)
			}
			if form != nil {
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			}
			if token != "" {
				req.Header.Set("Authorization", "Bearer "+token)
			}
			resp, err := srv.Client().Do(req)
			if err != nil {
				tb.Fatal(err)
			}
			defer resp.Body.Close()
			b, err := io.ReadAll(resp.Body)
			if err != nil || resp.StatusCode != http.StatusOK {
				tb.Fatalf("%s %s: %d %v", method, path, resp.StatusCode, err)
			}
			return b
		}
		opts := sim.Options()
		tok := get(http.MethodPost, "/v1/Token", url.Values{"grant_type": {"password"}, "username": {opts.Username}, "password": {opts.Password}}, "")
		var parsed tokenResponse
		if err := decodeTokenResponse(bytes.NewReader(tok), &parsed); err != nil {
			tb.Fatalf("the simulator's token response does not decode: %v", err)
		}
		out.tokens = append(out.tokens, tok)
		out.jobs = append(out.jobs, get(http.MethodGet, "/v1/Jobs", nil, parsed.AccessToken))
		for _, tr := range sim.Truth() {
			for _, off := range []int{0, 3, 100} {
				path := "/v1/Jobs/" + tr.ID + "/SelectedMailboxes?offset=" + strconv.Itoa(off) + "&limit=4"
				out.pages = append(out.pages, get(http.MethodGet, path, nil, parsed.AccessToken))
			}
		}
		srv.Close()
	}
	return out
}

// FuzzDecodePage checks the streaming page decoder against a reference
// written plainly with encoding/json: it must never panic, must never
// accept what encoding/json calls invalid, and when it accepts a page its
// item count and every item's backup state must match the reference.
func FuzzDecodePage(f *testing.F) {
	for _, b := range captureSimulator(f).pages {
		f.Add(b, false)
		f.Add(b, true)
	}
	for _, s := range []string{
		`{"results":[]}`,
		`{"results":null}`,
		`{"offset":0,"limit":1,"results":[{"id":"x","isBackedUp":"TRUE"}],"_links":{"next":{"href":"/v1/Jobs/j/SelectedMailboxes?offset=1&limit=1"}}}`,
		`{"results":[{"id":1,"isBackedUp":true,"isBackedup":false}]}`,
		`{"results":[{"id":"a","isBackedUp":"\u0074rue"}]}`,
		`{"results":[{"id":"a","isBackedUp":null},{"id":"b"}]}`,
		`{"results":[{"id":"a","isbackedup":"yes","email":"a@b","name":"A"}]} `,
		`{"results":[{"id":"a"}]}{}`,
		`{"results":[{"id":"a","isBackedUp":"true"}],"results":[]}`,
		`{"results":[{"id":"479ae6aa-610b-4652-8966-5db06021903c","isBackedUp":false}],"offset":-1}`,
		"\xef\xbb\xbf{\"results\":[]}",
		`[]`,
	} {
		f.Add([]byte(s), true)
	}
	f.Fuzz(func(t *testing.T, data []byte, details bool) {
		p := new(page)
		if err := decodePage(bytes.NewReader(data), details, p); err != nil {
			return
		}
		if !json.Valid(data) {
			t.Fatalf("decodePage accepted invalid JSON %q", data)
		}
		want, ok := referencePage(data)
		if !ok {
			t.Fatalf("decodePage accepted %q, which the reference cannot read as a page", data)
		}
		if len(p.items) != len(want) {
			t.Fatalf("%d items, the reference sees %d in %q", len(p.items), len(want), data)
		}
		for i, st := range want {
			if p.items[i].state != st {
				t.Fatalf("item %d: state %d, the reference says %d in %q", i, p.items[i].state, st, data)
			}
		}
	})
}

// referencePage decodes a page the obvious way. ok is false when it is not
// an object whose "results" is null or an array of objects each with "id".
func referencePage(data []byte) (states []backupState, ok bool) {
	var top map[string]json.RawMessage
	if json.Unmarshal(data, &top) != nil {
		return nil, false
	}
	raw, found := top["results"]
	if !found {
		return nil, false
	}
	var items []json.RawMessage
	if json.Unmarshal(raw, &items) != nil {
		return nil, false
	}
	for _, it := range items {
		members, ok := objectMembers(it)
		if !ok {
			return nil, false
		}
		haveID := false
		for _, m := range members {
			if m.name == "id" {
				haveID = true
			}
		}
		if !haveID {
			return nil, false
		}
		states = append(states, memberState(members, "isBackedUp"))
	}
	return states, true
}

type member struct {
	name  string
	value json.RawMessage
}

// objectMembers lists an object's members in order, repeated names included,
// which a map would hide.
func objectMembers(raw json.RawMessage) ([]member, bool) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, false
	}
	var out []member
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, false
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, false
		}
		out = append(out, member{tok.(string), v})
	}
	return out, true
}

// memberState reads the boolean member name, in any case, as the decoders
// do: absent is unrecognized, and spellings or repeats that disagree are too.
func memberState(members []member, name string) backupState {
	state, seen := unrecognized, false
	for _, m := range members {
		if !strings.EqualFold(m.name, name) {
			continue
		}
		s := referenceState(m.value)
		if seen && s != state {
			s = unrecognized
		}
		state, seen = s, true
	}
	return state
}

// referenceState is the documented rule: JSON true/false, or a string that
// is "true" or "false" in any (ASCII) case; anything else is unrecognized.
func referenceState(raw json.RawMessage) backupState {
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return unrecognized
	}
	switch x := v.(type) {
	case bool:
		if x {
			return backedUp
		}
		return notBackedUp
	case string:
		switch asciiLower(x) {
		case "true":
			return backedUp
		case "false":
			return notBackedUp
		}
	}
	return unrecognized
}

func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// FuzzDecodeJobs: the job list decoder must never panic, and an accepted
// list has as many jobs as the body has elements (a null one is a job
// without members), each with the id the element gives or none ("", which
// the poller counts as unidentified), and enabled flags that follow the
// boolean rule.
func FuzzDecodeJobs(f *testing.F) {
	for _, b := range captureSimulator(f).jobs {
		f.Add(b)
	}
	for _, s := range []string{
		`[]`, `{"results":[]}`, `{"results":null}`, `{}`, `null`,
		`[{"id":"a","isEnabled":"True","allMailboxes":false,"lastRun":"0001-01-01T00:00:00","nextRun":null}]`,
		`[{"id":"a","lastRun":"2017-04-01T10:12:15.3635382Z","_links":{"organization":{"href":"https://x:4443/v1/Organizations/o%2F1/"}}}]`,
		`[{"id":""}]`, `[{"id":"a","isEnabled":"\u0054rue"}]`, `[{"id":"a","_links":{"organization":{"href":":"}}}]`,
		`{"results":[{"id":"a","isEnabled":true}],"RESULTS":[{"id":"b"}]}`,
		// Null-heavy, as servers send what the schemas do not promise.
		`[{"id":null}]`, `{"results":[{"id":"a","name":null,"isEnabled":null,"lastRun":null,"nextRun":null,"lastBackup":null,` +
			`"backupType":null,"repositoryId":null,"organizationId":null,"_links":null}],"offset":null,"limit":null}`,
		`[{"id":"a","_links":{"organization":null}},{"id":"b","_links":{"organization":{"href":null}}}]`,
		`{"results":[null]}`, `[null]`, `{"results":[{}],"setId":null}`,
		// encoding/json's case-insensitive names: "re_sults" is not "results".
		`{"results":[{"id":"a"}],"re_sults":[{"id":"b"}]}`, `[{"i_d":"a","ID":"b","is-enabled":false}]`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		jobs, err := DecodeJobs(bytes.NewReader(data))
		if err != nil {
			return
		}
		elems, ok := referenceJobs(data)
		if !ok {
			t.Fatalf("DecodeJobs accepted %q, which the reference cannot read as a job list", data)
		}
		if len(jobs) != len(elems) {
			t.Fatalf("%d jobs, the body has %d: %q", len(jobs), len(elems), data)
		}
		for i, j := range jobs {
			if ids := memberStrings(elems[i], "id"); (j.ID == "") != (len(ids) == 0) ||
				(j.ID != "" && !slices.Contains(ids, j.ID)) {
				t.Fatalf("job %d: id %q, the element's ids are %q: %q", i, j.ID, ids, data)
			}
			for _, b := range []struct {
				name string
				got  *bool
			}{{"isEnabled", j.Enabled}, {"allMailboxes", j.AllMailboxes}} {
				st := memberState(elems[i], b.name)
				if (st == unrecognized) != (b.got == nil) || (b.got != nil && *b.got != (st == backedUp)) {
					t.Fatalf("job %d: %s %v, the reference says %d: %q", i, b.name, b.got, st, data)
				}
			}
		}
	})
}

// referenceJobs reads a job list the obvious way: a JSON array, or an object
// whose last "results" member (names in any case, as encoding/json matches
// them) is one. ok is false for anything else, or for an element that is
// neither an object nor null.
func referenceJobs(data []byte) (jobs [][]member, ok bool) {
	if !json.Valid(data) {
		return nil, false
	}
	list := json.RawMessage(data)
	if trimmed := bytes.TrimLeft(data, " \t\r\n"); trimmed[0] == '{' {
		top, _ := objectMembers(data)
		list = nil
		for _, m := range top {
			if strings.EqualFold(m.name, "results") {
				list = m.value
			}
		}
		if list == nil || string(list) == "null" {
			return nil, false
		}
	}
	var elems []json.RawMessage
	if json.Unmarshal(list, &elems) != nil {
		return nil, false
	}
	for _, e := range elems {
		if string(e) == "null" {
			jobs = append(jobs, nil)
			continue
		}
		members, ok := objectMembers(e)
		if !ok {
			return nil, false
		}
		jobs = append(jobs, members)
	}
	return jobs, true
}

// memberStrings lists the non-empty string values of the members named
// name, in any case.
func memberStrings(members []member, name string) []string {
	var out []string
	for _, m := range members {
		var s string
		if strings.EqualFold(m.name, name) && json.Unmarshal(m.value, &s) == nil && s != "" {
			out = append(out, s)
		}
	}
	return out
}

// FuzzTokenResponse: the token decoder must never panic, an accepted
// response has an access token, and a positive expires_in never yields a
// token that is already expired (which would mean a login per request).
func FuzzTokenResponse(f *testing.F) {
	for _, b := range captureSimulator(f).tokens {
		f.Add(b)
	}
	for _, s := range []string{
		`{"access_token":"a","expires_in":"3600"}`,
		`{"access_token":"a","expires_in":1e300}`,
		`{"access_token":"a","expires_in":-5,".expires":"Sat, 01 Apr 2017 11:12:15 GMT"}`,
		`{"access_token":"a",".expires":"2017-04-01T11:12:15.1234567Z"}`,
		`{"access_token":""}`, `{"token_type":"bearer"}`, `null`, `[]`, `{"access_token":1}`,
	} {
		f.Add([]byte(s))
	}
	sent := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	f.Fuzz(func(t *testing.T, data []byte) {
		var body tokenResponse
		if err := decodeTokenResponse(bytes.NewReader(data), &body); err != nil {
			return
		}
		if body.AccessToken == "" {
			t.Fatalf("accepted a response without access_token: %q", data)
		}
		tok := body.token(sent)
		if tok.access != body.AccessToken || !tok.issued.Equal(sent) {
			t.Fatalf("token %+v from %q", tok, data)
		}
		if secs, err := strconv.ParseFloat(string(trimQuotes(body.ExpiresIn)), 64); err == nil && secs > 0 {
			if !tok.expires.After(sent) || tok.stale(sent) {
				t.Fatalf("expires_in %v gives a token expiring at %v, sent at %v: %q", secs, tok.expires, sent, data)
			}
		}
	})
}

// FuzzFastPathAgrees checks that the fast path for whole mailbox objects
// decides exactly as the general path: same items, same names, same
// acceptance, whatever the input.
func FuzzFastPathAgrees(f *testing.F) {
	for _, s := range []string{
		`{"id":"479ae6aa-610b-4652-8966-5db06021903c","email":"a@b","name":"A","isBackedUp":"true","_links":{"self":{"href":"https://h/x"}}}`,
		`{"id":"479ae6aa-610b-4652-8966-5db06021903c","isBackedup":false,"IsBackedUp":"FALSE"}`,
		`{"id":"479ae6aa-610b-4652-8966-5db06021903c","isBackedUp":"true","isBackedup":false}`,
		`{"id":"not-a-guid","isBackedUp":null,"x":[1,-2.5e3,{"y":true}]}`,
		`{"id":"479AE6AA-610B-4652-8966-5DB06021903C","name":"M\u00fcller","isBackedUp":"yes"}`,
		`{"id":"479ae6aa-610b-4652-8966-5db06021903c","isBackedUp":tru}`,
		`{"id":"479ae6aa-610b-4652-8966-5db06021903c","isBackedUp":"true",}`,
		`{"id":"479ae6aa-610b-4652-8966-5db06021903c","n":01,"isBackedUp":"true"}`,
		// The _links shape fastLinks matches, and others near it.
		`{"id":"479ae6aa-610b-4652-8966-5db06021903c","isBackedUp":"false","_links":{"self":{"href":"https://h/v1/M/1"},"organization":{"href":"https://h/v1/O"}}}`,
		`{"id":"479ae6aa-610b-4652-8966-5db06021903c","isBackedUp":"true","_links":{"self":{"href":"https:\/\/h"},"organization":{"href":"x"},"jobs":{"href":"y"}}}`,
		`{"id":"479ae6aa-610b-4652-8966-5db06021903c","isBackedUp":true,"_links":{"self":{"href":"h\u0001"},"organization" :{"href":"x"}}}`,
		`{"id":"479ae6aa-610b-4652-8966-5db06021903c","isBackedUp":"true","_links":{"self":{"href":"a` + "\x01" + `"},"organization":{"href":"x"}}}`,
		// Runs of mailboxes: fastRun parses several per call.
		`{"id":"479ae6aa-610b-4652-8966-5db06021903c","isBackedUp":"true"} , {"id":"d38fbc9f-e856-4bc2-8ded-3e92adde2360","isBackedUp":"false"}`,
		`{"id":"479ae6aa-610b-4652-8966-5db06021903c","isBackedUp":"true"},{"id":"d38fbc9f-e856-4bc2-8ded-3e92adde2360","isBackedUp":"false",}`,
		`{ "id" : "479ae6aa-610b-4652-8966-5db06021903c" , "isBackedUp" : "TRUE" }`,
	} {
		f.Add([]byte(s), true)
	}
	f.Fuzz(func(t *testing.T, mailbox []byte, details bool) {
		body := append(append([]byte(`{"results":[`), mailbox...), `]}`...)
		fast, slow := new(page), new(page)
		errFast := decodePage(bytes.NewReader(body), details, fast)
		fastPathEnabled = false
		errSlow := decodePage(bytes.NewReader(body), details, slow)
		fastPathEnabled = true
		if (errFast == nil) != (errSlow == nil) {
			t.Fatalf("fast path error %v, general path error %v, for %q", errFast, errSlow, body)
		}
		if errFast != nil {
			return
		}
		if !reflect.DeepEqual(fast.items, slow.items) || !reflect.DeepEqual(fast.unprotected, slow.unprotected) {
			t.Fatalf("fast %+v %+v, general %+v %+v, for %q", fast.items, fast.unprotected, slow.items, slow.unprotected, body)
		}
		if (fast.unrecognizedValue == "") != (slow.unrecognizedValue == "") {
			t.Fatalf("odd value %q vs %q for %q", fast.unrecognizedValue, slow.unrecognizedValue, body)
		}
	})
}
