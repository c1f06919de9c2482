package vboapi

import (
	"net/http"
	"testing"
	"time"

	"github.com/go-kit/log"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/vbo365-exporter/vbo365_exporter/internal/memnet"
	"github.com/vbo365-exporter/vbo365_exporter/simulator"
)

// memClient serves h on a memnet.Listener and returns a client for it, made
// from o with BaseURL and Dial filled in, so that the production transport
// settings hold. Call it inside a synctest bubble; the client is closed when
// the test ends.
func memClient(t *testing.T, h http.Handler, o Options) *Client {
	t.Helper()
	o.BaseURL, o.Dial = memnet.URL, memnet.Serve(t, h).Dial
	c, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

// newMemTestClient is newTestClient on an in-memory network.
func newMemTestClient(t *testing.T, h http.Handler, concurrency int) *Client {
	t.Helper()
	return memClient(t, h, Options{
		Server: "test", Username: "user", Password: "s3cret-pass",
		RequestTimeout: 5 * time.Second, MaxConcurrent: concurrency, Logger: log.NewNopLogger(),
	})
}

// memSimClient is simClient on an in-memory network.
func memSimClient(t *testing.T, opts simulator.Options, edit func(*Options)) (*Client, *simulator.Simulator, *Metrics) {
	t.Helper()
	opts.Username, opts.Password = "svc-monitor", "sim-password-1"
	sim := simulator.New(opts)
	m := NewMetrics(prometheus.NewRegistry())
	o := Options{
		Server: "east", Username: opts.Username, Password: opts.Password,
		RequestTimeout: 2 * time.Second, MaxConcurrent: 4, Logger: log.NewNopLogger(), Metrics: m,
	}
	if edit != nil {
		edit(&o)
	}
	return memClient(t, sim, o), sim, m
}
