package contract

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
)

// DefaultMaxBody bounds the copy of each request and response body kept for
// validation. The largest simulator page (10,000 users) is a few MiB; past
// the bound the exchange is reported "not validated: too large" rather than
// holding a whole benchmark body in memory.
const DefaultMaxBody = 16 << 20

// boundedBuffer keeps the first max bytes written to it and remembers
// whether more came.
type boundedBuffer struct {
	buf      bytes.Buffer
	max      int64
	overflow bool
}

func (b *boundedBuffer) add(p []byte) {
	if room := b.max - int64(b.buf.Len()); int64(len(p)) > room {
		b.overflow = true
		p = p[:max(room, 0)]
	}
	b.buf.Write(p)
}

// teeBody hands the handler the request body as it arrives, keeping a copy.
type teeBody struct {
	rc   io.ReadCloser
	copy *boundedBuffer
	eof  bool
}

func (t *teeBody) Read(p []byte) (int, error) {
	n, err := t.rc.Read(p)
	t.copy.add(p[:n])
	if err == io.EOF {
		t.eof = true
	}
	return n, err
}

func (t *teeBody) Close() error { return t.rc.Close() }

// drain reads what the handler left unread, up to the bound, so the
// request is validated whole; the rest of an oversized body is not read.
func (t *teeBody) drain() {
	if t.eof || t.copy.overflow {
		return
	}
	room := t.copy.max - int64(t.copy.buf.Len()) + 1
	rest, _ := io.ReadAll(io.LimitReader(t.rc, room))
	t.copy.add(rest)
}

// recorder passes every write straight through, so streamed pages still
// stream, and keeps a bounded copy for validation.
type recorder struct {
	http.ResponseWriter
	status int
	header http.Header // as sent with the status line
	body   boundedBuffer
}

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 && code >= 200 {
		r.status = code
		r.header = r.ResponseWriter.Header().Clone()
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(p []byte) (int, error) {
	if r.status == 0 {
		r.WriteHeader(http.StatusOK)
	}
	n, err := r.ResponseWriter.Write(p)
	r.body.add(p[:n])
	return n, err
}

// Flush is declared directly because handlers type-assert http.Flusher;
// http.ResponseController finds the rest through Unwrap.
func (r *recorder) Flush() {
	if r.status == 0 {
		r.WriteHeader(http.StatusOK)
	}
	_ = http.NewResponseController(r.ResponseWriter).Flush()
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// exchange is what validation sees of one request and its response,
// copied so that the handler may do anything with the originals.
type exchange struct {
	method      string
	url         *url.URL
	header      http.Header
	reqBody     []byte
	reqTooLarge bool

	status       int
	respHeader   http.Header
	respBody     []byte
	respTooLarge bool
}

// Handler wraps h: every request that reaches it and every response it
// writes is validated once h returns; violations are recorded and the
// traffic passes through unchanged, flushes included. Paths outside /v6/,
// /v7/ and /v8/ are counted as skipped. An exchange whose handler panics
// (an aborted body) is not validated: there is no whole response to judge.
func (v *Validator) Handler(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ex := &exchange{method: r.Method, header: r.Header.Clone()}
		u := *r.URL
		ex.url = &u
		var tee *teeBody
		if r.Body != nil && r.Body != http.NoBody {
			tee = &teeBody{rc: r.Body, copy: &boundedBuffer{max: v.MaxBody}}
			r.Body = tee
		}
		rec := &recorder{ResponseWriter: w, body: boundedBuffer{max: v.MaxBody}}
		h.ServeHTTP(rec, r)
		if tee != nil {
			tee.drain()
			ex.reqBody, ex.reqTooLarge = tee.copy.buf.Bytes(), tee.copy.overflow
		}
		if rec.status == 0 {
			// A handler that writes nothing sends 200 with no body.
			rec.status, rec.header = http.StatusOK, w.Header().Clone()
		}
		ex.status, ex.respHeader = rec.status, rec.header
		ex.respBody, ex.respTooLarge = rec.body.buf.Bytes(), rec.body.overflow
		v.record(ex)
	})
}
