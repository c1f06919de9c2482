package collector

import (
	"context"
	"fmt"
	"testing"

	"github.com/vbo365-exporter/vbo365_exporter/simulator"
	"github.com/vbo365-exporter/vbo365_exporter/vboapi"
)

// TestAutoDetectsEveryServerEitherWay polls v1, 6.x, 7.x and 8.x servers
// with the default api_version (auto), each as a server that routes before
// it authenticates and as one that answers 401 to every path without a
// token: the exporter picks the newest version served and every job is
// exact either way. (Before, an authenticating v1 server was taken for v8
// and lost every job.)
func TestAutoDetectsEveryServerEitherWay(t *testing.T) {
	for _, authFirst := range []bool{false, true} {
		t.Run(fmt.Sprintf("v1/auth-before-routing=%v", authFirst), func(t *testing.T) {
			s, sim := simServer(t, "east", simulator.Options{Jobs: 3, MailboxesPerJob: []int{40, 7, 0}, AuthBeforeRouting: authFirst})
			s.APIVersion = "auto"
			res := newTestExporter(t, s).Poll(context.Background())[0]
			if !res.Up || res.APIVersion != vboapi.V1 {
				t.Fatalf("up=%v version=%q err=%v, want v1 up", res.Up, res.APIVersion, res.Err)
			}
			for i, tr := range sim.Truth() {
				j := res.Jobs[i]
				if !j.Success || j.Figures.Mailboxes != tr.Mailboxes || j.Figures.BackedUp != tr.BackedUp {
					t.Errorf("job %s: success=%v %d/%d, want %d/%d (%v)", tr.ID, j.Success, j.Figures.BackedUp, j.Figures.Mailboxes, tr.BackedUp, tr.Mailboxes, j.Err)
				}
			}
			if n := sim.Requests(simulator.EndpointToken); n != 1 {
				t.Errorf("%d logins, want 1", n)
			}
		})
		for _, v := range v6PlusVersions {
			t.Run(fmt.Sprintf("%s/auth-before-routing=%v", v, authFirst), func(t *testing.T) {
				s, sim := v6PlusServerWith(t, v, 7, simulator.TenantOptions{Users: 40}, func(o *simulator.Options) {
					o.AuthBeforeRouting = authFirst
				})
				res := newTestExporter(t, s).Poll(context.Background())[0]
				if res.APIVersion != vboapi.Version(v) {
					t.Fatalf("API version %q, want %q (err %v)", res.APIVersion, v, res.Err)
				}
				checkTruth(t, res, sim)
				if n := sim.Requests(simulator.EndpointToken); n != 1 {
					t.Errorf("%d logins, want 1", n)
				}
			})
		}
	}
}
