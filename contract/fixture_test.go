package contract

import (
	"strings"
	"testing"
)

func TestValidateFixture(t *testing.T) {
	cases := []struct {
		name, version, method, path string
		status                      int
		body                        string
		want                        string // substring of the error; "" = valid
	}{
		{"v8 jobs page", "v8", "GET", "/Jobs", 200, v8JobsPage, ""},
		{"prefixed template", "v8", "get", "/v8/Jobs", 200, v8JobsPage, ""},
		{"v6 jobs", "v6", "GET", "/Jobs", 200, v6Jobs, ""},
		{"user data", "v8", "GET", "/BackupRepositories/{repositoryId}/UserData", 200, v8UserData, ""},
		{"error body via default", "v7", "GET", "/Jobs/{jobId}", 404, `{"message":"gone"}`, ""},
		{"v8 field on v6", "v6", "GET", "/Jobs", 200, mutate(t, v6Jobs, "0/lastBackup", "2024-05-01T22:14:41Z"),
			`GET /v6/Jobs 200: body /0: property "lastBackup" is not declared in RESTJob`},
		{"enum", "v8", "GET", "/Jobs", 200, mutate(t, v8JobsPage, "results/0/backupType", "Entire"),
			`body /results/0/backupType: value is not one of the allowed values`},
		{"not JSON", "v8", "GET", "/Jobs", 200, "<html>", "failed to decode response body"},
		{"unknown version", "v5", "GET", "/Jobs", 200, "[]", `no schema for version "v5"`},
		{"unknown path", "v8", "GET", "/Jobs/{id}", 200, "{}", "/v8/Jobs/{id} is not a path of the v8 schema"},
		{"unknown method", "v8", "PUT", "/Jobs/{jobId}", 200, "{}", "PUT /v8/Jobs/{jobId} is not an operation of the v8 schema"},
		{"removed in v8", "v8", "GET", "/Organizations/{organizationId}/Jobs", 200, "[]", "is not a path of the v8 schema"},
	}
	for _, c := range cases {
		err := ValidateFixture(c.version, c.method, c.path, c.status, []byte(c.body))
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s: unexpected error: %v", c.name, err)
		case c.want != "" && err == nil:
			t.Errorf("%s: no error, want %q", c.name, c.want)
		case c.want != "" && !strings.Contains(err.Error(), c.want):
			t.Errorf("%s: error %q lacks %q", c.name, err, c.want)
		}
	}
}
