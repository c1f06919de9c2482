package simulator

import (
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestTLSServer(t *testing.T) {
	srv, _ := NewTLSServer(t, Options{})
	pool := x509.NewCertPool()
	pool.AddCert(srv.Certificate())
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	t.Cleanup(hc.CloseIdleConnections)
	resp, err := hc.Get(srv.URL + "/v1/Jobs")
	if err != nil {
		t.Fatalf("pinned CA rejected: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Errorf("status %d", resp.StatusCode)
	}
}

func TestBadCertificates(t *testing.T) {
	now := time.Now()
	tests := []struct {
		name       string
		hosts      []string
		from, till time.Time
		wantErr    string
	}{
		{"wrong host", []string{"vbo.example.test"}, now.Add(-time.Hour), now.Add(time.Hour), "certificate"},
		{"expired", LocalHosts, now.Add(-48 * time.Hour), now.Add(-24 * time.Hour), "expired"},
		{"good", LocalHosts, now.Add(-time.Hour), now.Add(time.Hour), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cert, certPEM, err := SelfSignedCert(tt.hosts, tt.from, tt.till)
			if err != nil {
				t.Fatal(err)
			}
			if !cert.Leaf.IsCA || !strings.Contains(string(certPEM), "BEGIN CERTIFICATE") {
				t.Fatal("certificate is not a usable CA PEM")
			}
			srv, _ := NewTLSServerWithCert(t, Options{}, cert)
			pool := x509.NewCertPool()
			pool.AppendCertsFromPEM(certPEM)
			hc := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
			t.Cleanup(hc.CloseIdleConnections)
			resp, err := hc.Get(srv.URL + "/v1/Jobs")
			if err == nil {
				resp.Body.Close()
			}
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("unexpected error %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("error %v, want %q", err, tt.wantErr)
			}
		})
	}
}
