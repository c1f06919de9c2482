package simulator

import (
	"io"
	"strconv"
	"time"
)

// jw appends JSON for the v6+ shapes, which have many optional members per
// version; tracking the comma in one place keeps the per-version renderers
// to one line per field. It writes to w whenever the buffer passes 32 KiB
// at an element boundary (flush), so a 10,000-item page never sits in
// memory whole and the buffer is reused across pages of one request.
type jw struct {
	b    []byte
	need bool // a value was written at this level: the next one needs a comma
	w    io.Writer
	err  error
}

func newJW(w io.Writer) *jw { return &jw{b: make([]byte, 0, 40<<10), w: w} }

func (j *jw) key(k string) {
	if j.need {
		j.b = append(j.b, ',')
	}
	j.b = append(j.b, '"')
	j.b = append(j.b, k...)
	j.b = append(j.b, '"', ':')
	j.need = false
}

// sep starts an array element or, with a key, an object member.
func (j *jw) sep(k string) {
	if k != "" {
		j.key(k)
	} else if j.need {
		j.b = append(j.b, ',')
	}
}

func (j *jw) open(k string)  { j.sep(k); j.b = append(j.b, '{'); j.need = false }
func (j *jw) close()         { j.b = append(j.b, '}'); j.need = true }
func (j *jw) openA(k string) { j.sep(k); j.b = append(j.b, '['); j.need = false }
func (j *jw) closeA()        { j.b = append(j.b, ']'); j.need = true }

func (j *jw) str(k, v string) { j.sep(k); j.b = appendString(j.b, v); j.need = true }

// strFunc writes a string member whose text f appends; f must append only
// characters that need no escaping (the tenant's names are ASCII letters,
// digits, dots, spaces and @).
func (j *jw) strFunc(k string, f func([]byte) []byte) {
	j.sep(k)
	j.b = append(j.b, '"')
	j.b = f(j.b)
	j.b = append(j.b, '"')
	j.need = true
}

func (j *jw) boolean(k string, v bool) { j.sep(k); j.b = strconv.AppendBool(j.b, v); j.need = true }

func (j *jw) null(k string) { j.sep(k); j.b = append(j.b, "null"...); j.need = true }

func (j *jw) num(k string, v int64) { j.sep(k); j.b = strconv.AppendInt(j.b, v, 10); j.need = true }

// tm writes an RFC 3339 UTC time with the 7 fractional digits .NET uses, or
// null for the zero time (every v6+ date-time that can be unset is nullable).
func (j *jw) tm(k string, t time.Time) { j.sep(k); j.b = appendTime(j.b, t, true); j.need = true }

// tri writes a nullable flag: omitted, null, false or true.
func (j *jw) tri(k string, v tri) {
	switch v {
	case triNull:
		j.null(k)
	case triFalse:
		j.boolean(k, false)
	case triTrue:
		j.boolean(k, true)
	}
}

// link writes one HAL link; v6+ hrefs are relative to the server root.
func (j *jw) link(name, href string) {
	j.open(name)
	j.str("href", href)
	j.close()
}

// flush hands the buffer to the writer once it is large; the first error
// sticks so renderers need not check every call.
func (j *jw) flush(force bool) {
	if j.err != nil || (!force && len(j.b) < 32<<10) {
		return
	}
	_, j.err = j.w.Write(j.b)
	j.b = j.b[:0]
}
