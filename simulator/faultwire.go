package simulator

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// faultReply builds the reply for faults that replace the whole response;
// it returns nil for faults that only alter the normal reply (body mangling
// and paging faults) or that do not apply to this endpoint.
func (s *Simulator) faultReply(f *fired, r *http.Request, tok string, rt routed, j *jobData) *reply {
	if f == nil {
		return nil
	}
	switch f.Kind {
	case StatusError:
		status := orDefault(f.Status, http.StatusInternalServerError)
		msg := http.StatusText(status)
		if status >= 500 {
			msg = "An error has occurred."
		}
		return bodyless(messageReply(status, msg), f.EmptyBody)
	case TooManyRequests:
		rep := messageReply(http.StatusTooManyRequests, "Quota exceeded.")
		if f.RetryAfter >= 0 {
			secs := int64((orDefaultDur(f.RetryAfter, time.Second) + time.Second - 1) / time.Second)
			rep.header["Retry-After"] = strconv.FormatInt(secs, 10)
		}
		return bodyless(rep, f.EmptyBody)
	case Revoked:
		if tok != "" {
			s.revoke(tok)
		}
		return bodyless(unauthorized(), f.EmptyBody)
	case HTMLError:
		rep := bytesReply(orDefault(f.Status, http.StatusOK), []byte("<!DOCTYPE html>\n<html><head><title>Service Unavailable</title></head>"+
			"<body><h1>Service Unavailable</h1><p>The server is temporarily unable to service your request.</p></body></html>\n"))
		rep.contentType = "text/html; charset=utf-8"
		return rep
	case HugeBody:
		ep := rt.endpoint
		if rt.ver >= 6 {
			ep = "" // v6+ bodies are padded messages, not v1 shapes
		}
		return &reply{status: http.StatusOK, body: s.hugeBody(ep, j, orDefault64(f.Size, 64<<20))}
	case SlowDrip:
		return &reply{status: http.StatusOK, stream: true, body: func(w io.Writer) error {
			return drip(w, r, `{"offset":0,"limit":30,"results":[`)
		}}
	case BadTokenResponse:
		if rt.endpoint != EndpointToken {
			return nil
		}
		return bytesReply(http.StatusOK, fmt.Appendf(nil, `{"token_type":"bearer","expires_in":%d,"userName":%s}`,
			int64(s.opts.TokenLifetime.Seconds()), appendString(nil, s.opts.Username)))
	}
	return nil
}

func orDefault(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}

func orDefault64(v, def int64) int64 {
	if v <= 0 {
		return def
	}
	return v
}

func orDefaultDur(v, def time.Duration) time.Duration {
	if v <= 0 {
		return def
	}
	return v
}

// hugeBody streams at least size bytes of JSON shaped like the endpoint's
// normal answer, generating elements as it goes so nothing large is stored.
func (s *Simulator) hugeBody(endpoint string, j *jobData, size int64) func(io.Writer) error {
	var prefix, suffix string
	var elem func(b []byte, k int) []byte
	switch {
	case endpoint == EndpointMailboxes && j != nil:
		prefix, suffix = `{"offset":0,"limit":30,"results":[`, `]}`
		elem = func(b []byte, k int) []byte {
			if k > 0 {
				b = append(b, ',')
			}
			return s.appendMailbox(b, j, s.mailbox(j, uint64(k)), false)
		}
	case endpoint == EndpointJobs:
		prefix, suffix = "[", "]"
		elem = func(b []byte, k int) []byte {
			if k > 0 {
				b = append(b, ',')
			}
			return s.appendJob(b, s.jobs[k%len(s.jobs)])
		}
	default:
		pad := strings.Repeat("x", 4096)
		prefix, suffix = `{"message":"`, `"}`
		elem = func(b []byte, _ int) []byte { return append(b, pad...) }
	}
	return func(w io.Writer) error {
		b := append(make([]byte, 0, 40<<10), prefix...)
		var written int64
		for k := 0; written+int64(len(b)) < size; k++ {
			b = elem(b, k)
			if len(b) >= 32<<10 {
				if _, err := w.Write(b); err != nil {
					return err
				}
				written += int64(len(b))
				b = b[:0]
			}
		}
		_, err := w.Write(append(b, suffix...))
		return err
	}
}

// drip writes one byte per DripInterval, first a plausible page opening and
// then whitespace, until the client disconnects.
func drip(w io.Writer, r *http.Request, opening string) error {
	rc := http.NewResponseController(w.(http.ResponseWriter))
	t := time.NewTicker(DripInterval)
	defer t.Stop()
	src := bytes.NewBufferString(opening)
	for {
		c, err := src.ReadByte()
		if err != nil {
			c = ' '
		}
		if _, err := w.Write([]byte{c}); err != nil {
			return err
		}
		if err := rc.Flush(); err != nil {
			return err
		}
		select {
		case <-r.Context().Done():
			return r.Context().Err()
		case <-t.C:
		}
	}
}

// bodyless drops rep's body when empty is set, keeping its status and
// headers other than the body's own.
func bodyless(rep *reply, empty bool) *reply {
	if !empty {
		return rep
	}
	out := bytesReply(rep.status, nil)
	for k, v := range rep.header {
		if k != "Content-Length" {
			out.header[k] = v
		}
	}
	out.bare = true
	return out
}
