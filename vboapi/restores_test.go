package vboapi

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestRestoresAgainstSimulator reads the restore sessions, their events,
// the portal settings and the roles of each version from the simulator and
// compares them with its truth.
func TestRestoresAgainstSimulator(t *testing.T) {
	fxVersions(t, []Version{V6, V7, V8}, func(t *testing.T, v Version) {
		c, sim := opsSimClient(t, v)
		ctx := context.Background()
		if _, err := c.APIVersion(ctx); err != nil {
			t.Fatal(err)
		}
		truth := sim.RestoreTruth()
		byID := map[string]RestoreSession{}
		err := c.RestoreSessions(ctx, RestoreSessionFilter{}, 5, func(s *RestoreSession) error {
			byID[strings.ToLower(s.ID)] = *s
			return nil
		})
		if err != nil || len(byID) != len(truth.Sessions) || len(byID) == 0 {
			t.Fatalf("%d sessions (%v), want %d", len(byID), err, len(truth.Sessions))
		}
		for _, want := range truth.Sessions {
			got := byID[strings.ToLower(want.ID)]
			if got.Organization != want.Organization || got.Type != want.Type || got.Result != want.Result ||
				got.InitiatedBy != want.InitiatedBy || got.Portal() != want.Portal || !got.CreationTime.Equal(want.Created) ||
				!got.EndTime.Equal(want.Ended) || got.Ended() != !want.Ended.IsZero() {
				t.Errorf("session %s: got %+v, want %+v", want.ID, got, want)
			}
		}
		first := truth.Sessions[len(truth.Sessions)-1]
		n := 0
		err = c.RestoreSessionEvents(ctx, first.ID, 4, func(e *RestoreEvent) error {
			if w := first.Events[n]; e.Type != w.Type || e.Status != w.Status || (e.Type != "None" && *e.ItemSizeBytes != w.SizeBytes) {
				t.Errorf("event %d: got %+v, want %+v", n, e, w)
			}
			n++
			return nil
		})
		if err != nil || n != len(first.Events) {
			t.Errorf("%d events (%v), want %d", n, err, len(first.Events))
		}
		p, err := c.RestorePortalSettings(ctx)
		if err != nil || p.Enabled == nil || *p.Enabled != truth.PortalEnabled {
			t.Errorf("portal settings %+v, %v", p, err)
		}
		roles, err := c.RbacRoles(ctx)
		if err != nil || len(roles) != len(truth.Roles) {
			t.Fatalf("%d roles (%v), want %d", len(roles), err, len(truth.Roles))
		}
		for k, r := range roles {
			ops, err := c.RbacRoleOperators(ctx, r.ID)
			if w := truth.Roles[k]; err != nil || r.ID != w.ID || r.RoleType != w.Type || len(ops) != w.Operators {
				t.Errorf("role %+v with %d operators (%v), want %+v", r, len(ops), err, w)
			}
		}
		_, err = c.RestoreSession(ctx, "00000000-0000-0000-0000-0000000000ab")
		var apiErr *APIError
		if !errors.As(err, &apiErr) || apiErr.StatusCode != 404 {
			t.Errorf("an unknown session: %v, want a 404", err)
		}
		err = c.RestoreSessions(ctx, RestoreSessionFilter{EndTimeFrom: time.Now()}, 5, func(*RestoreSession) error { return nil })
		if (v == V8) != (err == nil) || v != V8 && !errors.Is(err, ErrNotInVersion) {
			t.Errorf("endTimeFrom on %s: %v", v, err)
		}
	})
}

// restoreBodies are one item of each restore answer, as the schemas of v8
// shape them (the members of v6 and v7 are a subset).
var restoreBodies = map[string]string{
	"/RestoreSessions": `{"offset":0,"limit":30,"results":[{"id":"0b1e4c1a-2f6e-4d6b-9a0e-1c2d3e4f5a6b","name":"Vex 1",` +
		`"organization":"contoso.onmicrosoft.com","type":"Vex","creationTime":"2025-05-01T10:00:00Z","endTime":"2025-05-01T10:05:00Z",` +
		`"state":"Stopped","result":"Success","initiatedBy":"CORP\\alice","details":"","scopeName":"alice@contoso.com",` +
		`"clientHost":"vbo","reason":"","eTag":3,"_links":{"self":{"href":"/v8/RestoreSessions/0b1e4c1a-2f6e-4d6b-9a0e-1c2d3e4f5a6b"}}}]}`,
	"/RestoreSessions/" + fxRestore + "/Events": `{"offset":0,"limit":30,"results":[{"itemName":"Mail","itemType":"Message",` +
		`"itemSizeBytes":1200,"source":"","target":"","id":"1b1e4c1a-2f6e-4d6b-9a0e-1c2d3e4f5a6b","type":"Export","status":"Success",` +
		`"startTime":"2025-05-01T10:01:00Z","endTime":"2025-05-01T10:01:01Z","duration":"00:00:01","title":"t","message":"m","order":1,` +
		`"organizationId":"2b1e4c1a-2f6e-4d6b-9a0e-1c2d3e4f5a6b"}]}`,
	"/RestorePortalSettings": `{"applicationId":"3b1e4c1a-2f6e-4d6b-9a0e-1c2d3e4f5a6b","msalAuthorityUri":"https://login",` +
		`"restorePortalUri":"","isEnabled":true}`,
	"/RbacRoles": `[{"id":"` + fxRestore + `","organizationId":"2b1e4c1a-2f6e-4d6b-9a0e-1c2d3e4f5a6b","name":"Helpdesk",` +
		`"description":"d","roleType":"EntireOrganization","_links":{"self":{"href":"/v8/RbacRoles/x"}}}]`,
	"/RbacRoles/" + fxRestore + "/operators": `[{"type":"User","user":{"id":"u","displayName":"Alice","name":"alice@contoso.com",` +
		`"type":"User"},"id":"u"}]`,
}

const fxRestore = "4b1e4c1a-2f6e-4d6b-9a0e-1c2d3e4f5a6b"

// restoreCalls read each path of restoreBodies and say how many items
// they gave.
var restoreCalls = map[string]func(ctx context.Context, c *Client) (int, error){
	"/RestoreSessions": func(ctx context.Context, c *Client) (int, error) {
		n := 0
		return n, c.RestoreSessions(ctx, RestoreSessionFilter{}, 30, func(*RestoreSession) error { n++; return nil })
	},
	"/RestoreSessions/" + fxRestore + "/Events": func(ctx context.Context, c *Client) (int, error) {
		n := 0
		return n, c.RestoreSessionEvents(ctx, fxRestore, 30, func(*RestoreEvent) error { n++; return nil })
	},
	"/RestorePortalSettings": func(ctx context.Context, c *Client) (int, error) {
		_, err := c.RestorePortalSettings(ctx)
		return 1, err
	},
	"/RbacRoles": func(ctx context.Context, c *Client) (int, error) {
		r, err := c.RbacRoles(ctx)
		return len(r), err
	},
	"/RbacRoles/" + fxRestore + "/operators": func(ctx context.Context, c *Client) (int, error) {
		r, err := c.RbacRoleOperators(ctx, fxRestore)
		return len(r), err
	},
}

// TestRestoreDecodersTakeNulls: each member of an item of every restore
// answer, sent null or left out, never fails the reading nor drops the
// item: the collector decides what a missing value means.
func TestRestoreDecodersTakeNulls(t *testing.T) {
	for path, body := range restoreBodies {
		paged := strings.HasPrefix(body, `{"offset"`)
		api := fxAPI(t, V8)
		c := fxServe(t, V8, api, api)
		for _, nv := range nullVariants(t, []byte(body), paged) {
			t.Run(fmt.Sprintf("%s/%s/absent=%v", path, nv.member, nv.absent), func(t *testing.T) {
				api.routes["/v8"+path] = fixtureRoute{body: nv.body, paged: paged}
				if n, err := restoreCalls[path](context.Background(), c); err != nil || n != 1 {
					t.Errorf("%d items, %v; want 1", n, err)
				}
			})
		}
	}
}

// FuzzRestoreLists: no body makes a restore decoder panic or hang, and one
// it accepts never yields more items than the body holds. The seeds are
// the bodies of restoreBodies, whole and with each member null or absent.
func FuzzRestoreLists(f *testing.F) {
	paths := slices.Sorted(maps.Keys(restoreBodies))
	for k, path := range paths {
		body := []byte(restoreBodies[path])
		f.Add(uint8(k), body)
		for _, nv := range nullVariants(f, body, strings.HasPrefix(restoreBodies[path], `{"offset"`)) {
			f.Add(uint8(k), nv.body)
		}
	}
	f.Fuzz(func(t *testing.T, sel uint8, body []byte) {
		path := paths[int(sel)%len(paths)]
		paged := strings.HasPrefix(restoreBodies[path], `{"offset"`)
		api := fxAPI(t, V8)
		c := fxServe(t, V8, api, api)
		api.routes["/v8"+path] = fixtureRoute{body: body, paged: paged}
		start := time.Now()
		n, err := restoreCalls[path](context.Background(), c)
		if took := time.Since(start); took > 2*time.Second {
			t.Fatalf("%s: the read took %v (%v): %q", path, took, err, body)
		}
		if err != nil || path == "/RestorePortalSettings" {
			return
		}
		if most, ok := itemsIn(body, paged); ok && n > most {
			t.Fatalf("%s: %d items from a body of %d: %q", path, n, most, body)
		}
	})
}
