// Package memnet is an in-memory network for tests that run in a
// testing/synctest bubble. Loopback sockets would not do there: a goroutine
// waiting on a socket is not durably blocked, so the bubble's fake clock
// would never advance. Connections are made by net.Pipe, whose reads and
// writes wait on channels made in the bubble, so a client, a server, their
// timers and the test all share the fake clock: a backoff, a Retry-After or
// a deadline passes at once, yet time.Since sees it exactly.
package memnet

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
)

// URL is where clients of a Listener send requests. The host cannot be
// resolved, so a request that bypasses the Listener fails instead of
// passing.
var URL = &url.URL{Scheme: "http", Host: "vbo.memnet.invalid:4443"}

// Listener is a net.Listener that Dial connects to. Make it inside the
// bubble.
type Listener struct {
	conns     chan net.Conn
	done      chan struct{}
	closeOnce sync.Once
	dials     atomic.Int64
}

// NewListener returns a Listener that nothing serves yet.
func NewListener() *Listener {
	return &Listener{conns: make(chan net.Conn), done: make(chan struct{})}
}

// Serve serves h with a real http.Server on a new Listener, and shuts the
// server down when the test ends, in the bubble, so that no goroutine
// outlives it.
func Serve(t testing.TB, h http.Handler) *Listener {
	t.Helper()
	l := NewListener()
	srv := &http.Server{Handler: h, ErrorLog: log.New(io.Discard, "", 0)}
	served := make(chan struct{})
	go func() {
		defer close(served)
		_ = srv.Serve(l)
	}()
	t.Cleanup(func() {
		_ = srv.Close()
		<-served
	})
	return l
}

// Accept implements net.Listener.
func (l *Listener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.done:
		return nil, net.ErrClosed
	}
}

// Close implements net.Listener.
func (l *Listener) Close() error {
	l.closeOnce.Do(func() { close(l.done) })
	return nil
}

// Addr implements net.Listener.
func (l *Listener) Addr() net.Addr { return addr{} }

// Dial is an http.Transport's DialContext: whatever the address, it
// connects to the Listener, or is refused once the Listener has closed.
func (l *Listener) Dial(ctx context.Context, network, _ string) (net.Conn, error) {
	client, server := net.Pipe()
	var err error
	select {
	case l.conns <- server:
		l.dials.Add(1)
		return client, nil
	case <-l.done:
		err = &net.OpError{Op: "dial", Net: network, Err: syscall.ECONNREFUSED}
	case <-ctx.Done():
		err = &net.OpError{Op: "dial", Net: network, Err: ctx.Err()}
	}
	client.Close()
	server.Close()
	return nil, err
}

// Dials counts the connections made so far, so that a test can prove its
// client used the Listener.
func (l *Listener) Dials() int64 { return l.dials.Load() }

type addr struct{}

func (addr) Network() string { return "memnet" }
func (addr) String() string  { return "memnet" }
