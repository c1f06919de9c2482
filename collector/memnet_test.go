package collector

import (
	"context"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	promconfig "github.com/prometheus/common/config"
	"github.com/prometheus/common/model"

	"github.com/vbo365-exporter/vbo365_exporter/config"
	"github.com/vbo365-exporter/vbo365_exporter/simulator"
)

// memNet is an in-memory network for tests that run in a testing/synctest
// bubble (a small copy of the one in vboapi's tests). Loopback sockets
// would not do there: a goroutine waiting on a socket is not durably
// blocked, so the bubble's fake clock would never advance. Connections are
// made by net.Pipe, whose reads and writes wait on channels made in the
// bubble, so the exporter, the server, their timers and the test all share
// the fake clock: deadlines and delays pass at once, yet time.Since sees
// them exactly.
//
// memNet is the listener a server accepts from; dial connects to it. It
// must be made inside the bubble.
type memNet struct {
	conns     chan net.Conn
	done      chan struct{}
	closeOnce sync.Once
	dials     atomic.Int64
}

func newMemNet() *memNet {
	return &memNet{conns: make(chan net.Conn), done: make(chan struct{})}
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
// connects to the listener, or is refused once the listener has closed.
func (n *memNet) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	client, server := net.Pipe()
	var err error
	select {
	case n.conns <- server:
		n.dials.Add(1)
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

// memURL is where exporters using a memNet send requests. The host cannot
// be resolved, so a request that bypasses the memNet fails.
var memURL = &url.URL{Scheme: "http", Host: "vbo.memnet.invalid:4443"}

// useMemNet makes the clients e builds from now on dial n; set it before
// ApplyConfig. At the end it checks that n was dialled, so that a client
// which stopped using the exporter's dialer cannot go unnoticed.
func useMemNet(t *testing.T, e *Exporter, n *memNet) {
	t.Helper()
	e.dial = n.dial
	t.Cleanup(func() {
		if n.dials.Load() == 0 {
			t.Error("no connection went through the memNet: the client does not use the exporter's dialer")
		}
	})
}

// serveMem serves h on a new memNet with a real http.Server. The server is shut down when the test ends, in the
// bubble, so that no goroutine outlives it.
func serveMem(t *testing.T, h http.Handler) *memNet {
	t.Helper()
	n := newMemNet()
	srv := &http.Server{Handler: h, ErrorLog: log.New(io.Discard, "", 0)}
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

// serveBlackHole accepts connections on a new memNet and reads whatever the
// client sends, but never answers.
func serveBlackHole(t *testing.T) *memNet {
	t.Helper()
	n := newMemNet()
	var (
		conns    []net.Conn // appended to while accepting, read once that ended
		accepted sync.WaitGroup
		reading  sync.WaitGroup
	)
	accepted.Go(func() {
		for {
			c, err := n.Accept()
			if err != nil {
				return
			}
			conns = append(conns, c)
			reading.Go(func() { _, _ = io.Copy(io.Discard, c) })
		}
	})
	t.Cleanup(func() {
		n.Close()
		accepted.Wait()
		for _, c := range conns {
			c.Close()
		}
		reading.Wait()
	})
	return n
}

// memSimServer is simServer on a memNet; call it inside a synctest bubble
// and give the memNet to useMemNet.
func memSimServer(t *testing.T, name string, opts simulator.Options) (config.Server, *simulator.Simulator, *memNet) {
	t.Helper()
	opts.Username, opts.Password = "svc-monitor", "sim-password-1"
	sim := simulator.New(opts)
	n := serveMem(t, sim)
	return config.Server{
		Name: name, URL: config.URL{URL: memURL}, Username: opts.Username, Password: promconfig.Secret(opts.Password),
		RequestTimeout: model.Duration(5 * time.Second), MaxConcurrentRequests: 4, PageSize: 1000,
		MaxResponseBytes: 64 << 20, APIVersion: "v1",
	}, sim, n
}
