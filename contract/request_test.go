package contract

import (
	"net/http"
	"strings"
	"testing"
)

// reqCase is one request, answered by a fixed response.
type reqCase struct {
	name   string
	req    req
	status int
	body   string
	want   []string
}

const notFound = `{"message":"No HTTP resource was found that matches the request URI."}`

func runReqCases(t *testing.T, cases []reqCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v := newValidator(t)
			srv := serve(t, v, fixed(c.status, jsonCT, c.body))
			do(t, srv, c.req)
			settle(srv)
			wantViolations(t, v, 1, c.want...)
		})
	}
}

func TestRouting(t *testing.T) {
	runReqCases(t, []reqCase{
		{name: "path not in schema", req: req{path: "/v6/Health", auth: true}, status: 200, body: `{}`,
			want: []string{`GET /v6/Health: request: operation not in Veeam's schema (answered 200)`}},
		{name: "path not in schema, rightly 404", req: req{path: "/v6/Health", auth: true}, status: 404, body: notFound},
		{name: "v8 removed Organizations/{id}/Jobs", req: req{path: "/v8/Organizations/" + orgID + "/Jobs", auth: true}, status: 200, body: `[]`,
			want: []string{`request: operation not in Veeam's schema (answered 200)`}},
		{name: "method not in schema", req: req{method: http.MethodDelete, path: "/v8/Jobs/" + jobID, auth: true}, status: 204,
			want: []string{`request: operation not in Veeam's schema (the schema has the path, not the method) (answered 204)`}},
		{name: "method not in schema, rightly 405", req: req{method: http.MethodDelete, path: "/v8/Jobs/" + jobID, auth: true}, status: 405, body: `{"message":"no"}`},
		{name: "wrong letter case", req: req{path: "/v8/jobs/" + jobID + "/selecteditems", auth: true}, status: 200, body: `{}`,
			want: []string{`(paths are case-sensitive; the schema has /v8/Jobs/{jobId}/SelectedItems)`}},
		{name: "upper-case version is validated, not skipped", req: req{path: "/V8/Jobs", auth: true}, status: 200, body: v8JobsPage,
			want: []string{`GET /V8/Jobs: request: operation not in Veeam's schema`}},
	})
}

func TestQueryParameters(t *testing.T) {
	users := "/v7/Organizations/" + orgID + "/Users"
	page := `{"offset":0,"limit":1,"results":[]}`
	runReqCases(t, []reqCase{
		{name: "declared parameters pass", req: req{path: users + "?limit=1&offset=0&setId=" + setID + "&dataSource=PreferLocal", auth: true}, status: 200, body: page},
		{name: "undeclared parameter", req: req{path: "/v6/Jobs?limit=10", auth: true}, status: 200, body: v6Jobs,
			want: []string{`GET /v6/Jobs?limit=10: request: query parameter "limit" is not declared by the operation`}},
		{name: "parameter of a later version", req: req{path: "/v6/Organizations/" + orgID + "/Users?dataSource=PreferLocal", auth: true}, status: 200, body: page,
			want: []string{`query parameter "dataSource" is not declared by the operation`}},
		{name: "wrong letter case", req: req{path: users + "?setid=" + setID, auth: true}, status: 200, body: page,
			want: []string{`query parameter "setid" is not declared by the operation (the schema spells it "setId")`}},
		{name: "wrong type", req: req{path: "/v8/Jobs?limit=ten", auth: true}, status: 200, body: v8JobsPage,
			want: []string{`request: query parameter "limit":`}},
		{name: "enum outside the list", req: req{path: users + "?dataSource=Cache", auth: true}, status: 200, body: page,
			want: []string{`request: query parameter "dataSource": /: value is not one of the allowed values`}},
		{name: "uuid format", req: req{path: users + "?setId=42", auth: true}, status: 200, body: page,
			want: []string{`request: query parameter "setId": /: string doesn't match the format "uuid"`}},
		{name: "int32 range", req: req{path: "/v8/Jobs?limit=4294967296", auth: true}, status: 200, body: v8JobsPage,
			want: []string{`request: query parameter "limit": value 4294967296: an invalid integer: value out of range`}},
		{name: "path parameter format", req: req{path: "/v8/Jobs/not-a-uuid", auth: true}, status: 404, body: notFound,
			want: []string{`request: path parameter "jobId": /: string doesn't match the format "uuid"`}},
	})
}

func TestSecurity(t *testing.T) {
	denied := `{"message":"Authorization has been denied for this request."}`
	health := `{"status":"Healthy","entries":{"nats":{"status":"Healthy"},"postgres":{"status":"Healthy"}}}`
	runReqCases(t, []reqCase{
		{name: "protected operation without token", req: req{path: "/v8/Jobs"}, status: 200, body: v8JobsPage,
			want: []string{`GET /v8/Jobs: request: security: no Bearer token in the Authorization header`}},
		{name: "probe without token answered 401", req: req{path: "/v8/ServiceInstance"}, status: 401, body: denied},
		{name: "probe of a version not served answered 404", req: req{path: "/v8/ServiceInstance"}, status: 404,
			body: `{"message":"No HTTP resource was found that matches the request URI '/v8/ServiceInstance'."}`},
		{name: "401 body still checked", req: req{path: "/v8/ServiceInstance"}, status: 401, body: `{"message":7}`,
			want: []string{`response: body /message: value must be a string`}},
		{name: "anonymous Health", req: req{path: "/v8/Health"}, status: 200, body: health},
		{name: "anonymous RestorePortalSettings", req: req{path: "/v6/RestorePortalSettings"}, status: 200,
			body: `{"applicationId":"00000000-0000-0000-0000-000000000000","msalAuthorityUri":"","isEnabled":false}`},
		{name: "Health enum", req: req{path: "/v8/Health"}, status: 200, body: mutate(t, health, "entries/nats/status", "Degraded"),
			want: []string{`response: body /entries/nats/status: value is not one of the allowed values`}},
	})
}

func TestTokenRequest(t *testing.T) {
	form := "application/x-www-form-urlencoded"
	good := "grant_type=password&username=admin&password=hunter2-secret&disable_antiforgery_token=true"
	runReqCases(t, []reqCase{
		{name: "password grant", req: req{method: "POST", path: "/v8/token", ctype: form, body: good}, status: 200, body: tokenOK},
		{name: "refresh grant as JSON", req: req{method: "POST", path: "/v7/token", ctype: "application/json",
			body: `{"grant_type":"refresh_token","refresh_token":"r"}`}, status: 200, body: tokenOK},
		{name: "unknown grant", req: req{method: "POST", path: "/v8/token", ctype: form, body: "grant_type=client_credentials"}, status: 400,
			body: `{"message":"unsupported grant"}`,
			want: []string{`request: body /grant_type: value is not one of the allowed values`}},
		{name: "missing grant", req: req{method: "POST", path: "/v8/token", ctype: form, body: "username=admin&password=hunter2-secret"}, status: 400,
			body: `{"message":"x"}`, want: []string{`request: body /grant_type: property "grant_type" is missing`}},
		{name: "no body", req: req{method: "POST", path: "/v6/token", ctype: form}, status: 400, body: `{"message":"x"}`,
			want: []string{`request: body: value is required but missing`}},
		{name: "bad boolean", req: req{method: "POST", path: "/v8/token", ctype: form, body: "grant_type=password&disable_antiforgery_token=yes"},
			status: 200, body: tokenOK, want: []string{`request: body: failed to decode request body`}},
		{name: "undeclared form field", req: req{method: "POST", path: "/v8/token", ctype: form, body: good + "&scope=all"},
			status: 200, body: tokenOK, want: []string{`request: body: form field "scope" is not declared in the schema`}},
		{name: "multipart is not a documented body", req: req{method: "POST", path: "/v8/token", ctype: "multipart/form-data; boundary=x", body: "--x--"},
			status: 400, body: `{"message":"x"}`, want: []string{`request: body: header Content-Type has unexpected value`}},
		{name: "RFC 1123 issued time", req: req{method: "POST", path: "/v8/token", ctype: form, body: good}, status: 200,
			body: mutate(t, tokenOK, ".issued", "Wed, 01 May 2024 10:00:00 GMT"),
			want: []string{`response: body /.issued: string doesn't match the format "date-time"`}},
		{name: "v6 requires userName", req: req{method: "POST", path: "/v6/token", ctype: form, body: "grant_type=password&username=a&password=b"}, status: 200,
			body: mutate(t, tokenOK, "userName", del), want: []string{`response: body /userName: property "userName" is missing`}},
		{name: "OAuth error shape", req: req{method: "POST", path: "/v8/token", ctype: form, body: good}, status: 400,
			body: `{"error":"invalid_grant","error_description":"The user name or password is incorrect."}`,
			want: []string{`response: body /: property "error" is not declared in RESTExceptionInfo`}},
	})
}

// TestTokenSecretsNotPrinted: a failing token exchange must not copy the
// password or tokens into test logs.
func TestTokenSecretsNotPrinted(t *testing.T) {
	v := newValidator(t)
	body := mutate(t, tokenOK, "expires_in", "secret-expiry")
	srv := serve(t, v, fixed(200, jsonCT, body))
	do(t, srv, req{method: "POST", path: "/v8/token", ctype: "application/x-www-form-urlencoded",
		body: "grant_type=password&username=admin&password=hunter2-secret&disable_antiforgery_token=maybe"})
	settle(srv)
	got := strings.Join(v.Violations(), "\n")
	if !strings.Contains(got, "/expires_in: value must be an integer") {
		t.Fatalf("the bad expires_in was not reported:\n%s", got)
	}
	for _, secret := range []string{"hunter2-secret", "secret-expiry", "maybe"} {
		if strings.Contains(got, secret) {
			t.Errorf("violations print %q:\n%s", secret, got)
		}
	}
}
