package simulator

import (
	"crypto/tls"
	"io"
	"log"
	"net/http/httptest"
	"testing"
	"time"
)

// quietLog drops the server's own error lines (TLS handshake failures from
// deliberate bad-certificate tests, aborted bodies) that would clutter test
// output.
var quietLog = log.New(io.Discard, "", 0)

// NewServer starts the simulator on plain HTTP for tests; it is closed by
// t.Cleanup.
func NewServer(t testing.TB, opts Options) (*httptest.Server, *Simulator) {
	t.Helper()
	sim := New(opts)
	srv := httptest.NewUnstartedServer(sim)
	srv.Config.ErrorLog = quietLog
	srv.Start()
	t.Cleanup(srv.Close)
	return srv, sim
}

// NewTLSServer starts the simulator on HTTPS with a fresh self-signed
// certificate for 127.0.0.1, ::1 and localhost; srv.Certificate() works as
// the CA and srv.Client() trusts it.
func NewTLSServer(t testing.TB, opts Options) (*httptest.Server, *Simulator) {
	t.Helper()
	now := time.Now()
	cert, _, err := SelfSignedCert(LocalHosts, now.Add(-time.Hour), now.Add(24*time.Hour))
	if err != nil {
		t.Fatalf("simulator certificate: %v", err)
	}
	return NewTLSServerWithCert(t, opts, cert)
}

// NewTLSServerWithCert serves HTTPS with the given certificate, for tests
// of wrong-host, expired or untrusted certificates.
func NewTLSServerWithCert(t testing.TB, opts Options, cert tls.Certificate) (*httptest.Server, *Simulator) {
	t.Helper()
	sim := New(opts)
	srv := httptest.NewUnstartedServer(sim)
	srv.Config.ErrorLog = quietLog
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv, sim
}
