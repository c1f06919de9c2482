package exportertest

import (
	"io"
	"net"
	"sync"
	"testing"
)

// ResetServer accepts connections and closes them at once; it returns its
// address.
func ResetServer(t testing.TB) string {
	t.Helper()
	return listen(t, func(c net.Conn) { c.Close() })
}

// SilentServer accepts connections, reads them and never answers: the
// server a scrape timeout exists for. It returns its address.
func SilentServer(t testing.TB) string {
	t.Helper()
	return listen(t, func(c net.Conn) { _, _ = io.Copy(io.Discard, c) })
}

// listen serves handle on a loopback port until the test ends, then
// closes every connection it accepted so that no handler outlives it.
func listen(t testing.TB, handle func(net.Conn)) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var (
		mu    sync.Mutex
		conns []net.Conn
		wg    sync.WaitGroup
	)
	wg.Go(func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			wg.Go(func() { handle(c) })
		}
	})
	t.Cleanup(func() {
		l.Close()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	return l.Addr().String()
}
