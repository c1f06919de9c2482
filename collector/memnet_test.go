package collector

import (
	"io"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/go-kit/log"
	promconfig "github.com/prometheus/common/config"
	"github.com/prometheus/common/model"

	"github.com/vbo365-exporter/vbo365_exporter/config"
	"github.com/vbo365-exporter/vbo365_exporter/internal/memnet"
	"github.com/vbo365-exporter/vbo365_exporter/simulator"
)

// memExporter is an exporter of server s whose clients dial n, closed
// when the test ends; logger nil logs nothing.
func memExporter(t *testing.T, n *memnet.Listener, logger log.Logger, s config.Server, opts ...Option) *Exporter {
	t.Helper()
	if logger == nil {
		logger = log.NewNopLogger()
	}
	e := New(logger, nil, "test", opts...)
	useMemNet(t, e, n)
	if err := e.ApplyConfig(&config.Config{Servers: []config.Server{s}}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.Close)
	return e
}

// useMemNet makes the clients e builds from now on dial n; set it before
// ApplyConfig. At the end it checks that n was dialled, so that a client
// which stopped using the exporter's dialer cannot go unnoticed.
func useMemNet(t *testing.T, e *Exporter, n *memnet.Listener) {
	t.Helper()
	e.dial = n.Dial
	t.Cleanup(func() {
		if n.Dials() == 0 {
			t.Error("no connection went through the memNet: the client does not use the exporter's dialer")
		}
	})
}

// serveBlackHole accepts connections on a new memnet.Listener and reads
// whatever the client sends, but never answers.
func serveBlackHole(t *testing.T) *memnet.Listener {
	t.Helper()
	n := memnet.NewListener()
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

// memSimServer is simServer on a memnet.Listener; call it inside a
// synctest bubble and give the Listener to useMemNet.
func memSimServer(t *testing.T, name string, opts simulator.Options) (config.Server, *simulator.Simulator, *memnet.Listener) {
	t.Helper()
	opts.Username, opts.Password = "svc-monitor", "sim-password-1"
	sim := simulator.New(opts)
	n := memnet.Serve(t, sim)
	return config.Server{
		Name: name, URL: config.URL{URL: memnet.URL}, Username: opts.Username, Password: promconfig.Secret(opts.Password),
		RequestTimeout: model.Duration(5 * time.Second), MaxConcurrentRequests: 4, PageSize: 1000,
		MaxResponseBytes: 64 << 20, APIVersion: "v1",
	}, sim, n
}
