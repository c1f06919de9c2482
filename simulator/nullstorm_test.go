package simulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
)

// openAPI is the part of a schema file the null storm table is checked
// against.
type openAPI struct {
	Paths map[string]map[string]struct {
		Responses map[string]struct {
			Content map[string]struct {
				Schema apiSchema `json:"schema"`
			} `json:"content"`
		} `json:"responses"`
	} `json:"paths"`
	Components struct {
		Schemas map[string]apiSchema `json:"schemas"`
	} `json:"components"`
}

type apiSchema struct {
	Ref        string               `json:"$ref"`
	Type       string               `json:"type"`
	Items      *apiSchema           `json:"items"`
	Required   []string             `json:"required"`
	Properties map[string]apiSchema `json:"properties"`
}

// name is the schema a reference names, "[]" in front for an array.
func (s apiSchema) name() string {
	if s.Type == "array" && s.Items != nil {
		return "[]" + s.Items.name()
	}
	return s.Ref[strings.LastIndexByte(s.Ref, '/')+1:]
}

// TestNullStormTableMatchesSchemas: for every schema file the contract
// checks against (8.0 and 8.4 for v8), each endpoint's answer and results
// are the schemas nullShapeOf names, nullRequired is exactly what they
// require, and no required member but a page's results holds an object,
// which the storm would have to descend into.
func TestNullStormTableMatchesSchemas(t *testing.T) {
	for _, file := range []struct {
		name string
		ver  int
	}{{"v6", 6}, {"v7", 7}, {"v8.0", 8}, {"v8", 8}} {
		raw, err := os.ReadFile("../contract/openapi/vb365_rest_" + file.name + ".trimmed.json")
		if err != nil {
			t.Fatal(err)
		}
		var doc openAPI
		if err := json.Unmarshal(raw, &doc); err != nil {
			t.Fatal(err)
		}
		paths := map[string]string{}
		for p := range doc.Paths {
			paths[strings.ToLower(p)] = p
		}
		for ep := range nullShapes {
			sh, _ := nullShapeOf(file.ver, ep)
			p, ok := paths[strings.ToLower(fmt.Sprintf("/v%d%s", file.ver, sh.path))]
			if !ok {
				continue // the version has no such path; the router answers 404
			}
			for _, c := range doc.Paths[p]["get"].Responses["200"].Content {
				if got := c.Schema.name(); got != sh.root {
					t.Errorf("%s %s: the answer is %s, the table says %s", file.name, ep, got, sh.root)
				}
			}
			for _, name := range []string{strings.TrimPrefix(sh.root, "[]"), sh.item} {
				if name == "" {
					continue
				}
				s := doc.Components.Schemas[name]
				if got, want := sorted(s.Required), sorted(nullRequired(file.ver, name)); !slices.Equal(got, want) {
					t.Errorf("%s %s: requires %v, the table says %v", file.name, name, got, want)
				}
				for _, r := range s.Required {
					p := s.Properties[r]
					if p.Ref != "" {
						p = doc.Components.Schemas[p.name()]
					}
					if r != "results" && (p.Type == "object" || p.Type == "array" || len(p.Properties) > 0) {
						t.Errorf("%s %s: required member %s holds an object the storm does not descend into", file.name, name, r)
					}
				}
			}
		}
	}
}

func sorted(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return out
}

// stormed reads one answer of endpoint path on version ver of a tenant
// served with a null storm under seed.
func stormed(t *testing.T, ver string, seed int64, path string) []byte {
	t.Helper()
	srv, sim := NewServer(t, Options{Versions: allV6Plus, Seed: seed,
		Tenant: TenantOptions{Users: 40, Organizations: 1, Workloads: true, Sites: 4, Teams: 3}})
	sim.AddFault(Fault{Kind: NullStorm})
	c := newVClient(t, srv, ver)
	status, b := c.get(c.p + path)
	if status != 200 {
		t.Fatalf("GET %s: %d %s", path, status, b)
	}
	return b
}

// TestNullStormLeavesOnlyRequiredMembers: on the repositories' user and
// site data, only the members the schema requires have values; every
// other member is null or absent, both forms occur, and the required
// members named in stormNulled are null on some items and kept on others.
func TestNullStormLeavesOnlyRequiredMembers(t *testing.T) {
	for _, ver := range allV6Plus {
		n := int(ver[1] - '0')
		srv, sim := NewServer(t, Options{Versions: allV6Plus, Seed: 3,
			Tenant: TenantOptions{Users: 40, Organizations: 1, Workloads: true, Sites: 16, Teams: 3}})
		c := newVClient(t, srv, ver)
		repo := sim.tenant.repos[0].id
		for _, tc := range []struct{ path, item string }{
			{"/BackupRepositories/" + repo + "/UserData?limit=200", "RESTBackupUserData"},
			{"/BackupRepositories/" + repo + "/SiteData?limit=200", "RESTBackupSiteData"},
		} {
			sim.ClearFaults()
			plain := stormPage(t, c, tc.path)
			sim.AddFault(Fault{Kind: NullStorm})
			page := stormPage(t, c, tc.path)
			checkStormPage(t, ver+" "+tc.item, n, tc.item, plain, page)
		}
	}
}

// stormPage GETs a page and splits it into its members and its items'.
func stormPage(t *testing.T, c *vclient, path string) [][]byte {
	t.Helper()
	status, b := c.get(c.p + path)
	if status != 200 {
		t.Fatalf("GET %s: %d %s", path, status, b)
	}
	var page map[string]json.RawMessage
	mustJSON(t, b, &page)
	var items []json.RawMessage
	mustJSON(t, page["results"], &items)
	out := [][]byte{b}
	for _, it := range items {
		out = append(out, it)
	}
	return out
}

// checkStormPage compares a page read under the storm with the same page
// read without it.
func checkStormPage(t *testing.T, what string, ver int, item string, plain, stormed [][]byte) {
	t.Helper()
	var page map[string]json.RawMessage
	mustJSON(t, stormed[0], &page)
	for name, v := range page {
		if !slices.Contains(pageRequired, name) && string(v) != "null" {
			t.Errorf("%s: the page keeps %s", what, name)
		}
	}
	if len(plain) != len(stormed) || len(plain) < 4 {
		t.Fatalf("%s: %d items plain, %d under the storm", what, len(plain)-1, len(stormed)-1)
	}
	forms := map[string]int{}
	required, nulled := nullRequired(ver, item), stormNulled[item]
	for k := 1; k < len(plain); k++ {
		var was, is map[string]json.RawMessage
		mustJSON(t, plain[k], &was)
		mustJSON(t, stormed[k], &is)
		for name := range was {
			v, ok := is[name]
			req := slices.Contains(required, name)
			switch {
			case !ok && req:
				t.Errorf("%s: required %s absent", what, name)
			case !ok:
				forms["optional absent"]++
			case req && string(v) == "null" && slices.Contains(nulled, name):
				forms["required null"]++
			case req && string(v) == "null":
				t.Errorf("%s: required %s null, but not in stormNulled", what, name)
			case req && !bytes.Equal(v, was[name]):
				t.Errorf("%s: required %s changed from %s to %s", what, name, was[name], v)
			case req && slices.Contains(nulled, name):
				forms["required kept"]++
			case req:
			case string(v) == "null":
				forms["optional null"]++
			default:
				t.Errorf("%s: %s kept as %s", what, name, v)
			}
		}
	}
	for _, f := range []string{"required null", "required kept", "optional null", "optional absent"} {
		if forms[f] == 0 {
			t.Errorf("%s: no %s member in %d items", what, f, len(plain)-1)
		}
	}
}

// TestNullStormIsSeeded: the same seed spoils an answer the same way on
// every read, another seed another way.
func TestNullStormIsSeeded(t *testing.T) {
	a := stormed(t, "v8", 5, "/Organizations")
	if b := stormed(t, "v8", 5, "/Organizations"); !bytes.Equal(a, b) {
		t.Errorf("two reads under seed 5 differ:\n%s\n%s", a, b)
	}
	if c := stormed(t, "v8", 6, "/Organizations"); bytes.Equal(a, c) {
		t.Errorf("seeds 5 and 6 spoil the answer the same way: %s", a)
	}
}
