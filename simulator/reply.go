package simulator

import (
	"bufio"
	"bytes"
	"io"
	"net/http"
	"strconv"
)

// reply is a response decided before the latency sleep and written after it,
// so the delay can depend on how many items the body will carry.
type reply struct {
	status      int
	contentType string
	bare        bool // no Content-Type: the body is empty
	header      map[string]string
	items       int // result items, for PerItemDelay
	body        func(w io.Writer) error
	stream      bool      // body flushes and watches the context itself
	mangle      FaultKind // ResetMidBody, Truncated or MalformedJSON
	after       func()    // runs once the body is out (MutateBetweenPages)
}

const jsonType = "application/json; charset=utf-8"

// bytesReply is for small bodies: they get an exact Content-Length like the
// real server sends.
func bytesReply(status int, body []byte) *reply {
	return &reply{
		status: status,
		header: map[string]string{"Content-Length": strconv.Itoa(len(body))},
		body: func(w io.Writer) error {
			_, err := w.Write(body)
			return err
		},
	}
}

// messageReply renders the {"message": …} error shape every non-token VBO
// error uses.
func messageReply(status int, msg string) *reply {
	b := append([]byte(`{"message":`), appendString(nil, msg)...)
	return bytesReply(status, append(b, '}'))
}

func unauthorized() *reply {
	rep := messageReply(http.StatusUnauthorized, "Authorization has been denied for this request.")
	rep.header["WWW-Authenticate"] = "Bearer"
	return rep
}

// mangled marks a reply to be corrupted on the wire by a body fault.
func (rep *reply) mangled(f *fired) *reply {
	if f != nil {
		switch f.Kind {
		case ResetMidBody, Truncated, MalformedJSON:
			rep.mangle = f.Kind
		}
	}
	return rep
}

// emit writes the reply, corrupting it first when a body fault asks.
func (s *Simulator) emit(w http.ResponseWriter, rep *reply) {
	h := w.Header()
	ct := rep.contentType
	if ct == "" {
		ct = jsonType
	}
	if !rep.bare {
		h.Set("Content-Type", ct)
	}
	for k, v := range rep.header {
		h.Set(k, v)
	}
	if rep.after != nil {
		defer rep.after()
	}
	if rep.stream {
		w.WriteHeader(rep.status)
		_ = rep.body(w)
		return
	}
	if rep.mangle == "" {
		w.WriteHeader(rep.status)
		bw := bufio.NewWriterSize(w, 32<<10)
		if rep.body(bw) == nil {
			_ = bw.Flush()
		}
		return
	}
	var buf bytes.Buffer
	_ = rep.body(&buf)
	body := buf.Bytes()
	half := body[:len(body)/2]
	switch rep.mangle {
	case MalformedJSON:
		// Cut mid-document and add ",,}": inside a string the string never
		// closes, outside one ",," is a syntax error, so it is never valid.
		body = append(body[:len(body)*2/3:len(body)*2/3], ",,}"...)
		h.Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(rep.status)
		_, _ = w.Write(body)
	case Truncated:
		// net/http closes the connection when a handler writes less than
		// its declared Content-Length, which is what a dropped proxy does.
		h.Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(rep.status)
		_, _ = w.Write(half)
		_ = http.NewResponseController(w).Flush()
	case ResetMidBody:
		w.WriteHeader(rep.status)
		_, _ = w.Write(half)
		_ = http.NewResponseController(w).Flush()
		panic(http.ErrAbortHandler)
	}
}
