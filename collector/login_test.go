package collector

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/go-kit/log"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/vbo365-exporter/vbo365_exporter/config"
	"github.com/vbo365-exporter/vbo365_exporter/internal/memnet"
	"github.com/vbo365-exporter/vbo365_exporter/poll"
	"github.com/vbo365-exporter/vbo365_exporter/simulator"
	"github.com/vbo365-exporter/vbo365_exporter/vboapi"
)

// syncBuffer is a log sink that the pollers' goroutines may share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// meteredExporter is memExporter with the client's request metrics on reg
// and the log in logs.
func meteredExporter(t *testing.T, n *memnet.Listener, s config.Server) (*Exporter, *prometheus.Registry, *syncBuffer) {
	t.Helper()
	reg, logs := prometheus.NewRegistry(), &syncBuffer{}
	e := New(log.NewLogfmtLogger(logs), vboapi.NewMetrics(reg), "test")
	useMemNet(t, e, n)
	if err := e.ApplyConfig(&config.Config{Servers: []config.Server{s}}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.Close)
	return e, reg, logs
}

// TestLoginLimitedBy429: a 429 on the token endpoint puts the server down
// with the reason in the log, counts one retry with reason 429, and no
// login is attempted again before the Retry-After has passed (30 s when the
// server sends none), however many scrapes come in between; then the next
// scrape logs in and reads every job. No scrape makes two login attempts.
func TestLoginLimitedBy429(t *testing.T) {
	for _, v := range []string{"v6", "v8"} {
		for _, tc := range []struct {
			name       string
			retryAfter time.Duration // as the fault sends it; negative: no header
			wait       time.Duration // what the exporter must wait
		}{
			{"Retry-After 90s", 90 * time.Second, 90 * time.Second},
			{"no Retry-After", -1, vboapi.DefaultLoginRetryAfter},
		} {
			t.Run(v+"/"+tc.name, func(t *testing.T) {
				synctest.Test(t, func(t *testing.T) { checkLoginLimited(t, v, tc.retryAfter, tc.wait) })
			})
		}
	}
}

func checkLoginLimited(t *testing.T, v string, retryAfter, wait time.Duration) {
	s, sim, n := memV6PlusServer(t, v, 3, simulator.TenantOptions{Users: 30})
	sim.AddFault(simulator.Fault{Endpoint: simulator.EndpointToken, Kind: simulator.TooManyRequests,
		RetryAfter: retryAfter, EmptyBody: true, Requests: []int{1}})
	e, reg, logs := meteredExporter(t, n, s)
	tokenPath := "/" + v + "/token"
	poll := func(when string) *poll.ServerResult {
		res := e.Poll(context.Background())[0]
		t.Logf("%s: up=%v err=%v", when, res.Up, res.Err)
		return res
	}

	res := poll("first scrape")
	if res.Up || !strings.Contains(fmt.Sprint(res.Err), "HTTP 429") {
		t.Fatalf("first scrape: up=%v err=%v, want down with the 429", res.Up, res.Err)
	}
	if !strings.Contains(logs.String(), "cannot log in") || !strings.Contains(logs.String(), "HTTP 429") {
		t.Errorf("the log does not give the reason:\n%s", logs.String())
	}
	want := fmt.Sprintf(`
# HELP vbo365_api_retries_total VBO365 REST API requests sent again, by server, route template and reason (the status code, "connection" or "unauthorized").
# TYPE vbo365_api_retries_total counter
vbo365_api_retries_total{endpoint=%q,reason="429",server="east"} 1
`, tokenPath)
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want), "vbo365_api_retries_total"); err != nil {
		t.Error(err)
	}

	refused := time.Now() // the fake clock of the bubble: sleeping takes no time
	for _, after := range []time.Duration{time.Second, wait / 2, wait - 2*time.Second} {
		time.Sleep(time.Until(refused.Add(after)))
		res := poll(fmt.Sprintf("scrape after %v", after))
		if res.Up || !strings.Contains(fmt.Sprint(res.Err), "login deferred") {
			t.Fatalf("a scrape within the Retry-After: up=%v err=%v, want down with the login deferred", res.Up, res.Err)
		}
	}
	if got := sim.Requests(simulator.EndpointToken); got != 1 {
		t.Fatalf("%d login attempts within the Retry-After, want 1", got)
	}

	time.Sleep(time.Until(refused.Add(wait + time.Second)))
	res = poll("scrape after the Retry-After")
	checkV6PlusNeverWrong(t, res, sim, allExact)
	if got := sim.Requests(simulator.EndpointToken); got != 2 {
		t.Errorf("%d login attempts, want 2: one refused, one after its Retry-After", got)
	}
}

// TestEmptyBody401LogsInAgain: a 401 with no body at all (no JSON, no
// Content-Type), as a server sends for an expired token, on a data request
// of each kind the exporter makes: the token is dropped, one new login is
// made, the request is sent once more, and every job is exact.
func TestEmptyBody401LogsInAgain(t *testing.T) {
	for _, v := range v6PlusVersions {
		for _, ep := range []string{simulator.EndpointJobs, simulator.EndpointSelectedItems, simulator.EndpointUsers,
			simulator.EndpointGroupMembers, simulator.EndpointUserData} {
			for _, conc := range []int{1, 16} {
				t.Run(fmt.Sprintf("%s/%s/concurrency=%d", v, ep, conc), func(t *testing.T) {
					synctest.Test(t, func(t *testing.T) {
						f := simulator.Fault{Endpoint: ep, Kind: simulator.Revoked, EmptyBody: true, Requests: []int{1}}
						res, sim := pollUnderFault(t, v, simulator.TenantOptions{Users: 40}, f, conc, nil)
						checkV6PlusNeverWrong(t, res, sim, allExact)
						if got := sim.Requests(simulator.EndpointToken); got != 2 {
							t.Errorf("%d logins, want 2: the first token, and one after the 401", got)
						}
					})
				})
			}
		}
	}
}
