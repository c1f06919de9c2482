package vboapi

import (
	"context"
	"io"
	stdlog "log"
	"net"
	"net/http"
	"net/url"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/go-kit/log"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/vbo365-exporter/vbo365_exporter/simulator"
)

// memNet serves a handler with a real http.Server on connections made by
// net.Pipe, for tests that run in a testing/synctest bubble. Loopback
// sockets would not do there: a goroutine waiting on a socket is not
// durably blocked, so the bubble's fake clock would never advance. Reads
// and writes on a net.Pipe wait on channels made in the bubble, so the
// client, the server, their timers and the test all share the fake clock:
// a backoff or a Retry-After passes at once, yet time.Since sees it exactly.
//
// memNet is the listener the server accepts from; dial connects to it.
// It must be made inside the bubble.
type memNet struct {
	conns     chan net.Conn
	done      chan struct{}
	closeOnce sync.Once
}

// newMemNet starts serving h on a new memNet and shuts the server down when
// the test ends (in the bubble, so that no goroutine outlives it).
func newMemNet(t *testing.T, h http.Handler) *memNet {
	t.Helper()
	n := &memNet{conns: make(chan net.Conn), done: make(chan struct{})}
	srv := &http.Server{Handler: h, ErrorLog: stdlog.New(io.Discard, "", 0)}
	served := make(chan struct{})
	go func() {
		defer close(served)
		_ = srv.Serve(n)
	}()
	t.Cleanup(func() {
		_ = srv.Close()
		<-served
	})
	return n
}

// Accept implements net.Listener.
func (n *memNet) Accept() (net.Conn, error) {
	select {
	case c := <-n.conns:
		return c, nil
	case <-n.done:
		return nil, net.ErrClosed
	}
}

// Close implements net.Listener.
func (n *memNet) Close() error {
	n.closeOnce.Do(func() { close(n.done) })
	return nil
}

// Addr implements net.Listener.
func (n *memNet) Addr() net.Addr { return memAddr{} }

// dial is an http.Transport's DialContext: whatever the address, it
// connects to the server, or is refused once the server has closed.
func (n *memNet) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	client, server := net.Pipe()
	var err error
	select {
	case n.conns <- server:
		return client, nil
	case <-n.done:
		err = &net.OpError{Op: "dial", Net: network, Err: syscall.ECONNREFUSED}
	case <-ctx.Done():
		err = &net.OpError{Op: "dial", Net: network, Err: ctx.Err()}
	}
	client.Close()
	server.Close()
	return nil, err
}

type memAddr struct{}

func (memAddr) Network() string { return "memnet" }
func (memAddr) String() string  { return "memnet" }

// memBaseURL is where memNet clients send requests. The host cannot be
// resolved, so a request that bypasses memNet fails instead of passing.
var memBaseURL = &url.URL{Scheme: "http", Host: "vbo.memnet.invalid:4443"}

// memClient serves h on a memNet and returns a client for it, made from o
// with BaseURL and Dial filled in, so that the production transport
// settings hold. Call it inside a synctest bubble;
// the client is closed when the test ends.
func memClient(t *testing.T, h http.Handler, o Options) *Client {
	t.Helper()
	n := newMemNet(t, h)
	o.BaseURL = memBaseURL
	o.Dial = n.dial
	c, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

// newMemTestClient is newTestClient on a memNet.
func newMemTestClient(t *testing.T, h http.Handler, concurrency int) *Client {
	t.Helper()
	return memClient(t, h, Options{
		Server: "test", Username: "user", Password: "s3cret-pass",
		RequestTimeout: 5 * time.Second, MaxConcurrent: concurrency, Logger: log.NewNopLogger(),
	})
}

// memSimClient is simClient on a memNet.
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
