package simulator

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

// BenchmarkPage10000 measures rendering one maximal v5-sized page in
// process, without the network.
func BenchmarkPage10000(b *testing.B) {
	sim := New(Options{MailboxesPerJob: []int{20000}})
	srv := httptest.NewServer(sim)
	defer srv.Close()
	c := newClient(b, srv)
	req := httptest.NewRequest("GET", "/v1/Jobs/"+sim.Truth()[0].ID+"/SelectedMailboxes?limit=10000", nil)
	req.Header.Set("Authorization", "Bearer "+c.token)
	b.ReportAllocs()
	for b.Loop() {
		w := &countingWriter{header: http.Header{}}
		sim.ServeHTTP(w, req)
		b.SetBytes(w.n)
	}
}

type countingWriter struct {
	header http.Header
	n      int64
}

func (w *countingWriter) Header() http.Header         { return w.header }
func (w *countingWriter) WriteHeader(int)             {}
func (w *countingWriter) Write(p []byte) (int, error) { w.n += int64(len(p)); return len(p), nil }

var _ io.Writer = (*countingWriter)(nil)
