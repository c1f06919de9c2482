package contract

import (
	"maps"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/vbo365-exporter/vbo365_exporter/simulator"
)

// v8UsersPage is a PageOfRESTUser of an 8.4 server, with dataLocation.
const v8UsersPage = `{"offset":0,"limit":1,"results":[{"id":"` + userID + `","eTag":7,"displayName":"Adele Vance",
 "name":"adele@contoso.example","type":"User","locationType":"Cloud","office":"Head Office","msid":"` + userID + `",
 "dataLocation":null,"_links":{"self":{"href":"/v8/Organizations/` + orgID + `/Users/` + userID + `"}}}]}`

// validateOne serves body for path behind a Validator whose V8Schema is
// schema, requests it once and returns the violations.
func validateOne(t *testing.T, schema, path, body string) []string {
	t.Helper()
	v := newValidator(t)
	v.V8Schema = schema
	srv := serve(t, v, fixed(http.StatusOK, jsonCT, body))
	if st, _ := do(t, srv, req{path: path, auth: true}); st != http.StatusOK {
		t.Fatalf("status %d", st)
	}
	settle(srv)
	if n := v.Checked()["v8"]; n != 1 {
		t.Fatalf("%d /v8 exchanges checked, want 1", n)
	}
	return v.Violations()
}

// TestV8SchemaPerRelease: /v8 traffic is checked against both v8 files,
// and V8Schema decides which file's undeclared-property check applies. A
// job with the 8.0-only private counts passes strictly as 8.0 and is
// flagged as 8.4 for exactly those two undeclared properties; a user with
// the 8.4-only dataLocation is the reverse. What only the 8.0 file
// rejects is labelled "[8.0 schema]".
func TestV8SchemaPerRelease(t *testing.T) {
	job := mutate(t, mutate(t, v8JobsPage, "results/0/totalObjects", 12), "results/0/processedObjects", 11)
	const jobs, users = "/v8/Jobs?limit=2&offset=0", "/v8/Organizations/" + orgID + "/Users?limit=1&offset=0"
	for _, c := range []struct {
		name, schema, path, body string
		want                     []string
	}{
		{"8.0 job as 8.0", "v8.0", jobs, job, nil},
		{"8.0 job as 8.4", "v8", jobs, job, []string{
			`GET ` + jobs + `: response: body /results/0: property "processedObjects" is not declared in RESTJob`,
			`GET ` + jobs + `: response: body /results/0: property "totalObjects" is not declared in RESTJob`,
		}},
		{"8.4 user as 8.4", "v8", users, v8UsersPage, nil},
		{"8.4 user as 8.0", "v8.0", users, v8UsersPage, []string{
			`GET ` + users + `: [8.0 schema] response: body /results/0: property "dataLocation" is not declared in RESTUser`,
		}},
		// A defect both files reject is reported once per file, the 8.0
		// one labelled; the undeclared check stays with V8Schema's file.
		{"bad enum as 8.4", "v8", jobs, mutate(t, job, "results/0/lastStatus", "Succeeded"), []string{
			`GET ` + jobs + `: [8.0 schema] response: body /results/0/lastStatus: value is not one of the allowed values`,
			`GET ` + jobs + `: response: body /results/0/lastStatus: value is not one of the allowed values`,
			`GET ` + jobs + `: response: body /results/0: property "processedObjects" is not declared in RESTJob`,
			`GET ` + jobs + `: response: body /results/0: property "totalObjects" is not declared in RESTJob`,
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := validateOne(t, c.schema, c.path, c.body)
			for i, g := range got {
				// The enum reason goes on with the allowed values and
				// the value; the start is what identifies it.
				if k := strings.Index(g, "allowed values"); k >= 0 {
					got[i] = g[:k+len("allowed values")]
				}
			}
			slices.Sort(got)
			if !slices.Equal(got, c.want) {
				t.Errorf("violations:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(c.want, "\n"))
			}
		})
	}
}

// TestSimulatorContractV8Releases walks /v8 of a simulator serving each
// minor release, its tenant with sites and teams, with the Validator's
// V8Schema set to it: the simulator
// must answer exactly as a server of that release, without one property
// the release's schema does not declare.
func TestSimulatorContractV8Releases(t *testing.T) {
	for _, c := range []struct{ release, schema string }{
		{simulator.V8Release80, "v8.0"},
		{simulator.V8Release84, "v8"},
	} {
		t.Run(c.release, func(t *testing.T) {
			v := newValidator(t)
			v.V8Schema = c.schema
			// Sites and teams too: they carry dataLocation on 8.4.
			tenant := contractTenant()
			tenant.Workloads = true
			srv := httptest.NewServer(v.Handler(simulator.New(simulator.Options{
				Versions: []string{"v6", "v7", "v8"}, Tenant: tenant, V8Release: c.release,
			})))
			walkVersion(t, srv, "v8")
			settle(srv)
			for _, op := range expectedOps("v8") {
				if v.Covered()[op] == 0 {
					t.Errorf("the walk never exercised %s", op)
				}
			}
			v.Check(t)
		})
	}
}

// unknownValueLine matches the only violations a simulator serving
// OpsOptions.UnknownValues may cause: an enum value off the list, at a
// member that carries one of the values it serves.
var unknownValueLine = regexp.MustCompile(`^GET (\S+): (\[8\.0 schema\] )?response: body /(results/\d+/|\d+/)?` +
	`(type|status|lastStatus|objectStorage/type|entries/NATS/status): value is not one of the allowed values`)

// TestSimulatorUnknownValues walks every version of a simulator serving
// values the schemas' enums lack (OpsOptions.UnknownValues) and demands
// exactly those violations: each of the kinds served, on each version
// that has it, and nothing else.
func TestSimulatorUnknownValues(t *testing.T) {
	tenant := contractTenant()
	tenant.Ops.UnknownValues = true
	v := runContractWith(t, nil, tenant)
	seen := map[string]bool{}
	for _, line := range v.Violations() {
		m := unknownValueLine.FindStringSubmatch(line)
		if m == nil {
			t.Errorf("violation beyond the unknown values: %s", line)
			continue
		}
		path, _, _ := strings.Cut(m[1], "?")
		seen[uuidInText.ReplaceAllString(path, "{id}")+" "+m[4]] = true
	}
	var want []string
	for _, ver := range Versions {
		p := "/" + ver
		want = append(want, p+"/License type", p+"/License status", p+"/Jobs lastStatus", p+"/Jobs/{id} lastStatus",
			p+"/JobSessions status", p+"/Proxies status", p+"/CopyJobs lastStatus")
		if ver == "v8" {
			want = append(want, p+"/Health entries/NATS/status", p+"/BackupRepositories objectStorage/type")
		} else {
			want = append(want, p+"/objectstoragerepositories type")
		}
	}
	for _, w := range want {
		if !seen[w] {
			t.Errorf("no violation for %s; seen %v", w, slices.Sorted(maps.Keys(seen)))
		}
	}
}
