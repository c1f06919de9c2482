package intern

import (
	"strings"
	"unicode/utf8"
)

// Strings keeps many short strings in a few large chunks without pointers:
// the garbage collector does not scan them, and growing the table never
// copies what it already holds. A million mailboxes are a few hundred
// chunks instead of millions of small objects.
type Strings struct {
	chunks [][]byte
	cur    int // the chunk being filled, plus one; 0 before the first
}

// Ref locates one string of a Strings: the chunk in the high 32 bits, then
// the offset and the length, 16 bits each. The zero Ref is the empty
// string. A string too long for a shared chunk has a chunk of its own, and
// its length field says "the whole chunk".
type Ref uint64

const (
	chunkSize  = 64 << 10
	longString = chunkSize / 4
	wholeChunk = 0xFFFF
)

// reserve makes room for n bytes and returns where they will be.
func (t *Strings) reserve(n int) (Ref, []byte) {
	if n == 0 {
		return 0, nil
	}
	if n >= longString {
		t.chunks = append(t.chunks, make([]byte, n))
		return Ref(len(t.chunks)-1)<<32 | wholeChunk, t.chunks[len(t.chunks)-1]
	}
	if t.cur == 0 || len(t.chunks[t.cur-1])+n > chunkSize {
		t.chunks = append(t.chunks, make([]byte, 0, chunkSize))
		t.cur = len(t.chunks)
	}
	k := t.cur - 1
	c := t.chunks[k]
	off := len(c)
	t.chunks[k] = c[:off+n]
	return Ref(k)<<32 | Ref(off)<<16 | Ref(n), c[off : off+n]
}

// Add copies b into the table.
func (t *Strings) Add(b []byte) Ref {
	r, dst := t.reserve(len(b))
	copy(dst, b)
	return r
}

// Bytes is the string r refers to; it stays valid as the table grows.
func (t *Strings) Bytes(r Ref) []byte {
	if r == 0 {
		return nil
	}
	c := t.chunks[r>>32]
	if r&0xFFFF == wholeChunk {
		return c
	}
	off := int(r>>16) & 0xFFFF
	return c[off : off+int(r&0xFFFF)]
}

// AppendLower appends s lower-cased as strings.ToLower does, without
// allocating for ASCII.
func AppendLower(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return append(dst, strings.ToLower(s)...)
		}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst
}

// uuidText is the length of a UUID's text.
const uuidText = 36

// AppendPackedID appends id packed, so that a table keeps a user id in 33
// bytes instead of 72: ids made of one or more lower-case UUIDs (Veeam's
// user ids are two, run together) as 16 bytes per UUID after a count byte,
// any other id as a zero byte and its text. Packing is one-to-one, so two
// ids are equal exactly when their packed forms are.
func AppendPackedID(dst []byte, id string) []byte {
	k := len(id) / uuidText
	if len(id)%uuidText != 0 || k == 0 || k > 4 || !lowerUUIDs(id) {
		return append(append(dst, 0), id...)
	}
	dst = append(dst, byte(k))
	for u := 0; u < k; u++ {
		s := id[u*uuidText:]
		for i := 0; i < uuidText; i++ {
			if isDash(i) {
				continue
			}
			dst = append(dst, unhex(s[i])<<4|unhex(s[i+1]))
			i++
		}
	}
	return dst
}

// UnpackID is the id AppendPackedID packed into p.
func UnpackID(p []byte) string {
	if len(p) == 0 {
		return ""
	}
	if p[0] == 0 {
		return string(p[1:])
	}
	const digits = "0123456789abcdef"
	out := make([]byte, 0, int(p[0])*uuidText)
	b := p[1:]
	for u := 0; u < int(p[0]); u++ {
		for i := 0; i < uuidText; i++ {
			if isDash(i) {
				out = append(out, '-')
				continue
			}
			x := b[0]
			b = b[1:]
			out = append(out, digits[x>>4], digits[x&15])
			i++
		}
	}
	return string(out)
}

// isDash reports whether position i of a UUID's text holds a dash.
func isDash(i int) bool { return i == 8 || i == 13 || i == 18 || i == 23 }

func lowerUUIDs(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if isDash(i % uuidText) {
			if c != '-' {
				return false
			}
		} else if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

func unhex(c byte) byte {
	if c <= '9' {
		return c - '0'
	}
	return c - 'a' + 10
}
