package contract

import (
	"net/http"
	"strings"
	"testing"
)

// respCase is one response served to one authenticated request.
type respCase struct {
	name   string
	path   string
	status int
	ctype  string
	body   string
	want   []string // substrings of expected violations; none = must pass
}

func runRespCases(t *testing.T, cases []respCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v := newValidator(t)
			ctype := c.ctype
			if ctype == "" {
				ctype = jsonCT
			}
			srv := serve(t, v, fixed(c.status, ctype, c.body))
			do(t, srv, req{path: c.path, auth: true})
			settle(srv)
			wantViolations(t, v, 1, c.want...)
		})
	}
}

func TestValidResponsesPass(t *testing.T) {
	runRespCases(t, []respCase{
		{name: "v8 PageOfRESTJob", path: "/v8/Jobs?limit=2&offset=0", status: 200, body: v8JobsPage},
		{name: "v6 RESTJob array", path: "/v6/Jobs", status: 200, body: v6Jobs},
		{name: "v8 UserData page", path: "/v8/BackupRepositories/" + repoID + "/UserData?limit=1&offset=0", status: 200, body: v8UserData},
		{name: "v6 UserData page with required-only names", path: "/v6/BackupRepositories/" + repoID + "/UserData?limit=1", status: 200, body: v6UserData},
		{name: "v6 404 error shape", path: "/v6/Jobs/" + jobID, status: 404, body: `{"message":"Job not found."}`},
		{name: "v8 error with errorCode", path: "/v8/Jobs/" + jobID, status: 404, body: `{"message":"Not found.","errorCode":"ResourceNotFound","stackTrace":null}`},
		{name: "3xx is not validated", path: "/v8/Jobs", status: 302, ctype: "text/html", body: "<a>moved</a>"},
	})
}

// TestResponseViolations proves each class of response defect is caught,
// each case differing from a valid body in one place.
func TestResponseViolations(t *testing.T) {
	runRespCases(t, []respCase{
		{name: "wrong type", path: "/v8/Jobs", status: 200,
			body: mutate(t, v8JobsPage, "results/0/isEnabled", "true"),
			want: []string{`response: body /results/0/isEnabled: value must be a boolean`}},
		{name: "missing required page field", path: "/v8/Jobs", status: 200,
			body: mutate(t, v8JobsPage, "limit", del),
			want: []string{`response: body /limit: property "limit" is missing`}},
		{name: "missing required item field", path: "/v8/BackupRepositories/" + repoID + "/UserData", status: 200,
			body: mutate(t, v8UserData, "results/0/backedUpOrganizationId", del),
			want: []string{`/results/0/backedUpOrganizationId: property "backedUpOrganizationId" is missing`}},
		{name: "enum outside the list", path: "/v8/Jobs", status: 200,
			body: mutate(t, v8JobsPage, "results/0/lastStatus", "Succeeded"),
			want: []string{`/results/0/lastStatus: value is not one of the allowed values`}},
		{name: "v8 enum value served on v6", path: "/v6/Jobs", status: 200,
			body: mutate(t, v6Jobs, "0/schedulePolicy/periodicallyEvery", "Hours12"),
			want: []string{`/0/schedulePolicy/periodicallyEvery: value is not one of the allowed values`}},
		{name: "v8-only field served on v6", path: "/v6/Jobs", status: 200,
			body: mutate(t, v6Jobs, "0/organizationId", orgID),
			want: []string{`response: body /0: property "organizationId" is not declared in RESTJob`}},
		{name: "v6-only field served on v8", path: "/v8/Jobs", status: 200,
			body: mutate(t, v8JobsPage, "totalCount", 1),
			want: []string{`response: body /: property "totalCount" is not declared in PageOfRESTJob`}},
		{name: "undeclared link property", path: "/v8/Jobs", status: 200,
			body: mutate(t, v8JobsPage, "_links/self/method", "GET"),
			want: []string{`/_links/self: property "method" is not declared in RESTLinkHAL`}},
		{name: "uuid format", path: "/v8/Jobs", status: 200,
			body: mutate(t, v8JobsPage, "results/0/id", "job-1"),
			want: []string{`/results/0/id: string doesn't match the format "uuid"`}},
		{name: "date-time format", path: "/v8/Jobs", status: 200,
			body: mutate(t, v8JobsPage, "results/0/lastRun", "Wed, 01 May 2024 22:00:03 GMT"),
			want: []string{`/results/0/lastRun: string doesn't match the format "date-time"`}},
		{name: "date-time without offset", path: "/v8/Jobs", status: 200,
			body: mutate(t, v8JobsPage, "results/0/lastRun", "2024-05-01T22:00:03"),
			want: []string{`/results/0/lastRun: string doesn't match the format "date-time"`}},
		{name: "impossible date", path: "/v8/Jobs", status: 200,
			body: mutate(t, v8JobsPage, "results/0/lastRun", "2024-02-30T22:00:03Z"),
			want: []string{`/results/0/lastRun: string doesn't match the format "date-time"`}},
		{name: "int32 range", path: "/v8/Jobs", status: 200,
			body: mutate(t, v8JobsPage, "limit", 3000000000),
			want: []string{`/limit: integer doesn't match the format "int32"`}},
		{name: "int64 range", path: "/v8/Jobs", status: 200,
			body: strings.Replace(v8JobsPage, `"eTag":3`, `"eTag":92233720368547758070`, 1),
			want: []string{`/results/0/eTag: integer doesn't match the format "int64"`}},
		{name: "integer as float", path: "/v8/Jobs", status: 200,
			body: mutate(t, v8JobsPage, "offset", 1.5),
			want: []string{`/offset: value must be an integer`}},
		{name: "null where not nullable", path: "/v8/Jobs", status: 200,
			body: mutate(t, v8JobsPage, "results/0/name", nil),
			want: []string{`/results/0/name: Value is not nullable`}},
		{name: "object where array", path: "/v6/Jobs", status: 200, body: v8JobsPage,
			want: []string{`response: body /: value must be an array`}},
		{name: "wrong content type", path: "/v8/Jobs", status: 200, ctype: "text/plain", body: v8JobsPage,
			want: []string{`response: response header Content-Type has unexpected value: "text/plain"`}},
		{name: "undocumented success status", path: "/v8/Jobs", status: http.StatusCreated, body: v8JobsPage,
			want: []string{`response: status 201 is not a documented success status of the operation (documented: 200, default)`}},
		{name: "malformed JSON", path: "/v8/Jobs", status: 200, body: v8JobsPage[:40],
			want: []string{`response: failed to decode response body`}},
		{name: "error body enum", path: "/v8/Jobs/" + jobID, status: 404,
			body: `{"message":"Not found.","errorCode":"NotFound"}`,
			want: []string{`response: body /errorCode: value is not one of the allowed values`}},
		{name: "error body of another shape", path: "/v6/Jobs/" + jobID, status: 500,
			body: `{"error":"server_error"}`,
			want: []string{`response: body /: property "error" is not declared in RESTExceptionInfo`}},
		{name: "error as plain text", path: "/v6/Jobs/" + jobID, status: 503, ctype: "text/plain", body: "unavailable",
			want: []string{`response header Content-Type has unexpected value: "text/plain"`}},
	})
}

// TestStrictPropertiesOff shows that the undeclared-field check is the
// StrictProperties option and nothing else: the same v8-only field on v6
// passes plain schema validation.
func TestStrictPropertiesOff(t *testing.T) {
	v := newValidator(t)
	v.StrictProperties = false
	srv := serve(t, v, fixed(200, jsonCT, mutate(t, v6Jobs, "0/organizationId", orgID)))
	do(t, srv, req{path: "/v6/Jobs", auth: true})
	settle(srv)
	wantViolations(t, v, 1)
}
