package vboapi

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// nullDecoder is one v6+ decoder under the null table: the fixture it
// reads, where it is served, and how to call it; call returns how many
// items the decoder handed on.
type nullDecoder struct {
	fixture, path string
	versions      []Version
	paged         func(v Version) bool
	call          func(ctx context.Context, c *Client, v Version) (int, error)
	// idless: an item sent without its id is left out (operations lists,
	// whose series it could not name), so one item fewer is fine.
	idless bool
}

func alwaysPaged(Version) bool { return true }
func v8Paged(v Version) bool   { return v.Paged() }

var all3 = []Version{V6, V7, V8}

// eachCount adapts a callback decoder to nullDecoder.call.
func eachCount[T any](read func(ctx context.Context, c *Client, each func(*T) error) error) func(context.Context, *Client, Version) (int, error) {
	return func(ctx context.Context, c *Client, _ Version) (int, error) {
		n := 0
		err := read(ctx, c, func(*T) error { n++; return nil })
		return n, err
	}
}

// sliceCount adapts a slice decoder to nullDecoder.call.
func sliceCount[T any](read func(ctx context.Context, c *Client) ([]T, error)) func(context.Context, *Client, Version) (int, error) {
	return func(ctx context.Context, c *Client, _ Version) (int, error) {
		out, err := read(ctx, c)
		return len(out), err
	}
}

// one is for decoders of a single object: it is one item.
func one[T any](read func(ctx context.Context, c *Client) (T, error)) func(context.Context, *Client, Version) (int, error) {
	return func(ctx context.Context, c *Client, _ Version) (int, error) {
		_, err := read(ctx, c)
		return 1, err
	}
}

var nullDecoders = []nullDecoder{
	{fixture: "users", path: "/Organizations/" + fxOrg1 + "/Users", versions: all3, paged: alwaysPaged,
		call: eachCount(func(ctx context.Context, c *Client, each func(*User) error) error {
			return c.OrganizationUsers(ctx, fxOrg1, 100, each)
		})},
	{fixture: "group_members", path: "/Organizations/" + fxOrg1 + "/Groups/" + fxSales + "/Members", versions: all3, paged: alwaysPaged,
		call: eachCount(func(ctx context.Context, c *Client, each func(*GroupMember) error) error {
			return c.GroupMembers(ctx, fxOrg1, fxSales, 100, each)
		})},
	{fixture: "groups", path: "/Organizations/" + fxOrg1 + "/Groups", versions: all3, paged: alwaysPaged,
		call: sliceCount(func(ctx context.Context, c *Client) ([]Group, error) { return c.GroupsNamed(ctx, fxOrg1, "Sales") })},
	{fixture: "userdata", path: "/BackupRepositories/" + fxRepo1 + "/UserData", versions: all3, paged: alwaysPaged,
		call: eachCount(func(ctx context.Context, c *Client, each func(*UserData) error) error {
			return c.RepositoryUserData(ctx, fxRepo1, 100, each)
		})},
	{fixture: "sitedata", path: "/BackupRepositories/" + fxRepo1 + "/SiteData", versions: all3, paged: alwaysPaged,
		call: eachCount(func(ctx context.Context, c *Client, each func(*SiteData) error) error {
			return c.RepositorySiteData(ctx, fxRepo1, 100, each)
		})},
	{fixture: "teamdata", path: "/BackupRepositories/" + fxRepo1 + "/TeamData", versions: all3, paged: alwaysPaged,
		call: eachCount(func(ctx context.Context, c *Client, each func(*TeamData) error) error {
			return c.RepositoryTeamData(ctx, fxRepo1, 100, each)
		})},
	{fixture: "sites", path: "/Organizations/" + fxOrg1 + "/Sites", versions: all3, paged: alwaysPaged,
		call: eachCount(func(ctx context.Context, c *Client, each func(*Site) error) error {
			return c.OrganizationSites(ctx, fxOrg1, 100, each)
		})},
	{fixture: "teams", path: "/Organizations/" + fxOrg1 + "/Teams", versions: all3, paged: alwaysPaged,
		call: eachCount(func(ctx context.Context, c *Client, each func(*Team) error) error {
			return c.OrganizationTeams(ctx, fxOrg1, 100, each)
		})},
	{fixture: "job_items", path: "/Jobs/" + fxJob1 + "/SelectedItems", versions: all3, paged: v8Paged,
		call: sliceCount(func(ctx context.Context, c *Client) ([]JobItem, error) { return c.SelectedItems(ctx, fxJob1) })},
	{fixture: "job_items_workloads", path: "/Jobs/" + fxJob1 + "/SelectedItems", versions: all3, paged: v8Paged,
		call: sliceCount(func(ctx context.Context, c *Client) ([]JobItem, error) { return c.SelectedItems(ctx, fxJob1) })},
	{fixture: "jobs", path: "/Jobs", versions: all3, paged: v8Paged,
		call: func(ctx context.Context, c *Client, v Version) (int, error) {
			jobs, err := c.v6PlusJobs(ctx, v, vpath(v, "/Jobs"), vpath(v, "/Jobs"), 0)
			return len(jobs), err
		}},
	{fixture: "organizations", path: "/Organizations", versions: all3, paged: v8Paged, idless: true,
		call: sliceCount(func(ctx context.Context, c *Client) ([]Organization, error) { return c.Organizations(ctx) })},
	{fixture: "repositories", path: "/BackupRepositories", versions: all3, paged: v8Paged, idless: true,
		call: sliceCount(func(ctx context.Context, c *Client) ([]Repository, error) { return c.Repositories(ctx) })},
	{fixture: "proxies", path: "/Proxies", versions: all3, paged: v8Paged, idless: true,
		call: sliceCount(func(ctx context.Context, c *Client) ([]Proxy, error) { return c.Proxies(ctx, false) })},
	{fixture: "copy_jobs", path: "/CopyJobs", versions: all3, paged: v8Paged, idless: true,
		call: sliceCount(func(ctx context.Context, c *Client) ([]CopyJob, error) { return c.CopyJobs(ctx) })},
	{fixture: "job_sessions", path: "/JobSessions", versions: all3, paged: alwaysPaged,
		call: eachCount(func(ctx context.Context, c *Client, each func(*JobSession) error) error {
			return c.JobSessions(ctx, SessionFilter{}, 100, each)
		})},
	{fixture: "processed_objects", path: "/JobSessions/" + fxSessFail + "/ProcessedObjects", versions: []Version{V7, V8}, paged: alwaysPaged,
		call: eachCount(func(ctx context.Context, c *Client, each func(*SessionObject) error) error {
			return c.SessionObjects(ctx, fxSessFail, 100, each)
		})},
	{fixture: "license", path: "/License", versions: all3, paged: func(Version) bool { return false },
		call: one(func(ctx context.Context, c *Client) (License, error) { return c.License(ctx) })},
	{fixture: "licensing_information", path: "/Organizations/" + fxOrg1 + "/LicensingInformation", versions: all3,
		paged: func(Version) bool { return false },
		call: one(func(ctx context.Context, c *Client) (OrganizationLicensing, error) {
			return c.OrganizationLicensing(ctx, fxOrg1)
		})},
	{fixture: "serviceinstance", path: "/ServiceInstance", versions: all3, paged: func(Version) bool { return false },
		call: one(func(ctx context.Context, c *Client) (ServiceInstance, error) { return c.ServiceInstance(ctx) })},
}

// nullVariant is a fixture with one member of its first item null or left
// out.
type nullVariant struct {
	member string // "id", "user.id", ...
	absent bool
	body   []byte
}

// nullVariants spoils, one at a time, every member of the first item of
// body (the object itself when it is no list), and every member of the
// objects that item holds, each both as null and as absent.
func nullVariants(t testing.TB, body []byte, paged bool) []nullVariant {
	t.Helper()
	var doc any
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatal(err)
	}
	first := func(d any) map[string]any {
		switch x := d.(type) {
		case []any:
			return x[0].(map[string]any)
		case map[string]any:
			if paged {
				return x["results"].([]any)[0].(map[string]any)
			}
			return x
		}
		t.Fatalf("unexpected body %.80s", body)
		return nil
	}
	item := first(doc)
	var paths [][]string
	for name, v := range item {
		paths = append(paths, []string{name})
		if inner, ok := v.(map[string]any); ok {
			for n := range inner {
				paths = append(paths, []string{name, n})
			}
		}
	}
	var out []nullVariant
	for _, p := range paths {
		for _, absent := range []bool{false, true} {
			var d any
			_ = json.Unmarshal(body, &d)
			obj := first(d)
			for _, name := range p[:len(p)-1] {
				obj = obj[name].(map[string]any)
			}
			if absent {
				delete(obj, p[len(p)-1])
			} else {
				obj[p[len(p)-1]] = nil
			}
			b, err := json.Marshal(d)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, nullVariant{member: strings.Join(p, "."), absent: absent, body: b})
		}
	}
	return out
}

// TestEveryMemberNull: for every v6+ decoder and version, each member of
// an item (and of the objects it holds) sent null or left out never fails
// the list and never drops an item without a rule: a job without id is
// handed on (the poller counts it as unidentified), and the operations
// lists leave out an item without its id.
func TestEveryMemberNull(t *testing.T) {
	for _, d := range nullDecoders {
		for _, v := range d.versions {
			body := fxLoad(t, d.fixture, v)
			api := fxAPI(t, v)
			c := fxServe(t, v, api, api)
			route := "/" + string(v) + d.path
			api.routes[route] = fixtureRoute{body: body, paged: d.paged(v)}
			clean, err := d.call(context.Background(), c, v)
			if err != nil {
				t.Fatalf("%s %s unspoiled: %v", d.fixture, v, err)
			}
			for _, nv := range nullVariants(t, body, d.paged(v)) {
				t.Run(fmt.Sprintf("%s/%s/%s/absent=%v", d.fixture, v, nv.member, nv.absent), func(t *testing.T) {
					api.routes[route] = fixtureRoute{body: nv.body, paged: d.paged(v)}
					n, err := d.call(context.Background(), c, v)
					idGone := nv.member == "id"
					switch {
					case err != nil:
						t.Errorf("the list fails: %v", err)
					case n == clean-1 && idGone && d.idless:
					case n != clean:
						t.Errorf("%d items handed on, %d without the null", n, clean)
					}
				})
			}
		}
	}
}

// TestNullFlagsReadAsUnknownOrFalse pins what go-json-experiment does with
// JSON null (it sets a plain field to its zero value, a pointer to nil),
// and that no flag the protection counts reads as true from a null.
func TestNullFlagsReadAsUnknownOrFalse(t *testing.T) {
	var plain struct {
		B bool  `json:"b"`
		P *bool `json:"p"`
		N int   `json:"n"`
	}
	plain.B, plain.N = true, 7
	if err := decodeStrict([]byte(`{"b":null,"p":null,"n":null}`), &plain); err != nil || plain.B || plain.P != nil || plain.N != 0 {
		t.Errorf("null decodes to %+v, %v; want false, nil and 0", plain, err)
	}
	for _, tc := range []struct {
		name string
		body string
		true func(t *testing.T, raw []byte) bool
	}{
		{"isMailboxBackedUp", `{"id":"u","isMailboxBackedUp":null,"mailboxBackedUpTime":null}`, func(t *testing.T, raw []byte) bool {
			var w wireUserData
			if err := decodeStrict(raw, &w); err != nil {
				t.Fatal(err)
			}
			return isTrue(w.IsMailboxBackedUp) || w.IsArchiveBackedUp
		}},
		{"job item flags", `{"type":"User","mailbox":null,"archiveMailbox":null,"members":null,"memberMailbox":null}`, func(t *testing.T, raw []byte) bool {
			var w wireJobItem
			if err := decodeStrict(raw, &w); err != nil {
				t.Fatal(err)
			}
			if !w.anyNull() {
				t.Error("the null flags are not remembered")
			}
			return w.Mailbox.value || w.ArchiveMailbox.value || w.Members.value || w.MemberMailbox.value
		}},
		{"isEnabled", `{"id":"j","isEnabled":null}`, func(t *testing.T, raw []byte) bool {
			var w wireJob
			if err := decodeStrict(raw, &w); err != nil {
				t.Fatal(err)
			}
			return w.job().Enabled != nil
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.true(t, []byte(tc.body)) {
				t.Errorf("%s: a null reads as true or known", tc.body)
			}
		})
	}
}
