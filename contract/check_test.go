package contract

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// fakeTB records what Check reports instead of failing the real test.
type fakeTB struct {
	testing.TB
	errs []string
}

func (f *fakeTB) Helper() {}

func (f *fakeTB) Errorf(format string, args ...any) {
	f.errs = append(f.errs, fmt.Sprintf(format, args...))
}

func (f *fakeTB) Error(args ...any) { f.errs = append(f.errs, fmt.Sprint(args...)) }

func TestCheckFailsWhenNothingChecked(t *testing.T) {
	v := newValidator(t)
	srv := serve(t, v, fixed(200, jsonCT, `[]`))
	do(t, srv, req{path: "/v1/Jobs"})
	settle(srv)
	var tb fakeTB
	v.Check(&tb)
	if len(tb.errs) != 1 || !strings.Contains(tb.errs[0], "no exchange under /v6/, /v7/ or /v8/ was validated (skipped: map[v1:1])") {
		t.Errorf("Check reported %q", tb.errs)
	}
}

func TestCheckReportsEveryViolation(t *testing.T) {
	v := newValidator(t)
	srv := serve(t, v, fixed(200, jsonCT, mutate(t, v6Jobs, "0/organizationId", orgID)))
	do(t, srv, req{path: "/v6/Jobs", auth: true})
	do(t, srv, req{path: "/v6/Jobs?x=1"})
	settle(srv)
	var tb fakeTB
	v.Check(&tb)
	if len(tb.errs) != 1 {
		t.Fatalf("Check reported %d errors, want 1 listing all: %q", len(tb.errs), tb.errs)
	}
	for _, want := range []string{
		"4 violations",
		`GET /v6/Jobs: response: body /0: property "organizationId" is not declared in RESTJob`,
		`GET /v6/Jobs?x=1: request: query parameter "x" is not declared by the operation`,
		`GET /v6/Jobs?x=1: request: security: no Bearer token in the Authorization header`,
		`2x GET /v6/Jobs: response: body /*: property "organizationId" is not declared in RESTJob`,
	} {
		if !strings.Contains(tb.errs[0], want) {
			t.Errorf("Check output lacks %q:\n%s", want, tb.errs[0])
		}
	}
}

func TestCheckPassesCleanTraffic(t *testing.T) {
	v := newValidator(t)
	srv := serve(t, v, fixed(200, jsonCT, v6Jobs))
	do(t, srv, req{path: "/v6/Jobs", auth: true})
	settle(srv)
	var tb fakeTB
	v.Check(&tb)
	if len(tb.errs) != 0 {
		t.Errorf("Check failed clean traffic: %q", tb.errs)
	}
}

func TestSummarize(t *testing.T) {
	got := Summarize([]string{
		"GET /v8/Jobs/" + jobID + "/SelectedItems?limit=2&offset=0: response: body /results/0/id: bad",
		"GET /v8/Jobs/" + orgID + "/SelectedItems?limit=2&offset=2: response: body /results/13/id: bad",
		"GET /v8/Health: response: body /status: other",
	})
	want := []string{
		"2x GET /v8/Jobs/{id}/SelectedItems: response: body /results/*/id: bad",
		"1x GET /v8/Health: response: body /status: other",
	}
	if !slices.Equal(got, want) {
		t.Errorf("Summarize:\n got  %q\n want %q", got, want)
	}
}

func TestViolationsAreCapped(t *testing.T) {
	v := newValidator(t)
	v.mu.Lock()
	for range maxViolations {
		v.violations = append(v.violations, "x")
	}
	v.mu.Unlock()
	srv := serve(t, v, fixed(200, jsonCT, `{}`))
	do(t, srv, req{path: "/v6/Health"})
	settle(srv)
	got := v.Violations()
	if len(got) != maxViolations+1 || got[maxViolations] != "... and 1 more violations not stored" {
		t.Errorf("%d lines, last %q", len(got), got[len(got)-1])
	}
}

func TestCovered(t *testing.T) {
	v := newValidator(t)
	srv := serve(t, v, fixed(404, jsonCT, notFound))
	do(t, srv, req{path: "/v8/Jobs/" + jobID, auth: true})
	do(t, srv, req{path: "/v8/Jobs/" + orgID, auth: true})
	do(t, srv, req{path: "/v8/NoSuchThing", auth: true})
	settle(srv)
	got := v.Covered()
	if len(got) != 1 || got["GET /v8/Jobs/{jobId} 404"] != 2 {
		t.Errorf("Covered() = %v, want only GET /v8/Jobs/{jobId} 404: 2", got)
	}
}
