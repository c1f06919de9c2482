package vboapi

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"unicode/utf8"
)

// scanner is a strict, streaming JSON reader made for SelectedMailboxes
// pages. It validates the whole grammar (strings, escapes, UTF-8, numbers,
// nesting) like a general decoder, but it hands out raw bytes instead of
// tokens and skips unwanted values without building anything, which makes
// it several times cheaper per mailbox than a token decoder (see
// BENCHMARKS.md). Slices it returns are valid until its next call.
type scanner struct {
	r        io.Reader
	buf      []byte
	pos, end int   // unread bytes are buf[pos:end]
	consumed int64 // bytes dropped from the front of buf, for error offsets
	eof      bool
	readErr  error
	depth    int
	scratch  []byte // unescaped copies of strings that had escapes
}

// maxDepth bounds nesting, so that a hostile body cannot exhaust the stack.
const maxDepth = 256

// errTruncated means the body ended inside a value.
var errTruncated = errors.New("the body ends in the middle of the JSON value")

func newScanner() *scanner { return &scanner{buf: make([]byte, 64<<10)} }

// ensure reads until n bytes are buffered ahead, or the input ends.
func (s *scanner) ensure(n int) {
	for s.end-s.pos < n {
		if !s.fill() {
			return
		}
	}
}

func (s *scanner) reset(r io.Reader) {
	s.r, s.pos, s.end, s.consumed, s.eof, s.readErr, s.depth = r, 0, 0, 0, false, nil, 0
}

// fill reads more input, keeping buf[pos:end]; it grows the buffer only when
// a single string or number does not fit. It reports whether bytes arrived.
func (s *scanner) fill() bool {
	for !s.eof && s.readErr == nil {
		if s.pos > 0 {
			s.consumed += int64(s.pos)
			s.end = copy(s.buf, s.buf[s.pos:s.end])
			s.pos = 0
		}
		if s.end == len(s.buf) {
			s.buf = append(s.buf, make([]byte, len(s.buf))...)
		}
		n, err := s.r.Read(s.buf[s.end:])
		s.end += n
		if err == io.EOF {
			s.eof = true
		} else if err != nil {
			s.readErr = err
		}
		if n > 0 {
			return true
		}
	}
	return false
}

// fail builds a syntax error at the current position, or returns the read
// error or truncation that is the real cause.
func (s *scanner) fail(format string, args ...any) error {
	if s.readErr != nil {
		return s.readErr
	}
	if s.pos >= s.end && s.eof {
		return errTruncated
	}
	return fmt.Errorf("invalid JSON at byte %d: %s", s.consumed+int64(s.pos), fmt.Sprintf(format, args...))
}

// peek skips white space and returns the next byte without consuming it;
// ok is false at the end of input.
func (s *scanner) peek() (c byte, ok bool) {
	if s.pos < s.end && s.buf[s.pos] > ' ' {
		return s.buf[s.pos], true // the usual case: no white space
	}
	for {
		for s.pos < s.end {
			switch c = s.buf[s.pos]; c {
			case ' ', '\t', '\n', '\r':
				s.pos++
			default:
				return c, true
			}
		}
		if !s.fill() {
			return 0, false
		}
	}
}

// expect consumes c after optional white space.
func (s *scanner) expect(c byte) error {
	got, ok := s.peek()
	if !ok {
		return s.fail("expected %q", c)
	}
	if got != c {
		return s.fail("expected %q, found %q", c, got)
	}
	s.pos++
	return nil
}

// next consumes a ',' or the closing byte of an object or array and reports
// whether another member follows. Containers are entered with open and left
// through next (or open, when empty), which keeps depth balanced.
func (s *scanner) next(closing byte) (bool, error) {
	c, ok := s.peek()
	switch {
	case !ok:
		return false, s.fail("expected ',' or %q", closing)
	case c == ',':
		s.pos++
		return true, nil
	case c == closing:
		s.pos++
		s.depth--
		return false, nil
	}
	return false, s.fail("expected ',' or %q, found %q", closing, c)
}

// open consumes '{' or '[' and reports whether the container is non-empty.
func (s *scanner) open(opening, closing byte) (bool, error) {
	if err := s.expect(opening); err != nil {
		return false, err
	}
	if s.depth++; s.depth > maxDepth {
		return false, s.fail("nested deeper than %d", maxDepth)
	}
	c, ok := s.peek()
	if !ok {
		return false, s.fail("unterminated container")
	}
	if c == closing {
		s.pos++
		s.depth--
		return false, nil
	}
	return true, nil
}

// member reads an object member's name and the colon after it.
func (s *scanner) member() ([]byte, error) {
	name, err := s.readString()
	if err != nil {
		return nil, err
	}
	// The name lives in buf; the colon is usually right behind it, so the
	// check below does not move the buffer.
	if s.pos < s.end && s.buf[s.pos] == ':' {
		s.pos++
		return name, nil
	}
	s.scratch = append(s.scratch[:0], name...)
	if err := s.expect(':'); err != nil {
		return nil, err
	}
	return s.scratch, nil
}

// plain marks string bytes that need no attention: printable ASCII other
// than the quote and the backslash.
var plain = func() (t [256]bool) {
	for c := 0x20; c < 0x80; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

const (
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
)

// skipPlain returns the index of the first byte at or after i that is not
// plain. It tests 32 bytes per step and then eight at a time; see special.
func skipPlain(buf []byte, i int) int {
	for ; i+32 <= len(buf); i += 32 {
		w := buf[i : i+32 : i+32]
		v0 := binary.LittleEndian.Uint64(w[0:8])
		v1 := binary.LittleEndian.Uint64(w[8:16])
		v2 := binary.LittleEndian.Uint64(w[16:24])
		v3 := binary.LittleEndian.Uint64(w[24:32])
		if (special(v0)|special(v1)|special(v2)|special(v3))&highs != 0 {
			// One bit per byte, in byte order, so that the first special
			// byte is found without a branch per word.
			m := gather(special(v0)) | gather(special(v1))<<8 | gather(special(v2))<<16 | gather(special(v3))<<24
			return i + bits.TrailingZeros64(m)
		}
	}
	for ; i+8 <= len(buf); i += 8 {
		if m := special(binary.LittleEndian.Uint64(buf[i:])) & highs; m != 0 {
			return i + bits.TrailingZeros64(m)/8
		}
	}
	for i < len(buf) && plain[buf[i]] {
		i++
	}
	return i
}

// special sets the high bit of each byte of v that is below 0x20, a quote,
// a backslash or non-ASCII; the other bits are noise, for the caller to mask
// off with highs. For an ASCII byte x, x^2 is below 0x21 exactly when x is
// below 0x20 or a quote, and x^'\\' is zero exactly for a backslash, so one
// subtraction tests each; non-ASCII bytes are flagged by their own high bit.
// Borrows can also flag bytes above a byte that is really special, never
// below one, so the lowest flag is always right.
func special(v uint64) uint64 {
	quoteOrControl := (v ^ (ones * 2)) - ones*0x21
	backslash := (v ^ (ones * '\\')) - ones
	return quoteOrControl | backslash | v
}

// gather packs the eight high bits of m into the low byte, in byte order.
func gather(m uint64) uint64 { return (m & highs >> 7) * 0x0102040810204080 >> 56 }

// readString reads a string and returns its content, unescaped.
func (s *scanner) readString() ([]byte, error) {
	c, ok := s.peek()
	if !ok || c != '"' {
		return nil, s.fail("expected a string")
	}
	start := s.pos // the opening quote; kept unread until the string is whole
	i := start + 1
	escaped := false
	for {
		i = skipPlain(s.buf[:s.end], i)
		if i >= s.end {
			if !s.refill(&start, &i) {
				return nil, s.fail("unterminated string")
			}
			continue
		}
		switch b := s.buf[i]; {
		case b == '"':
			raw := s.buf[start+1 : i]
			s.pos = i + 1
			if escaped {
				return s.unescape(raw)
			}
			return raw, nil
		case b == '\\':
			if s.end-i < 6 && !s.eof {
				if !s.refill(&start, &i) {
					return nil, s.fail("unterminated escape")
				}
				continue
			}
			n, err := escapeLen(s.buf[i:s.end])
			if err != nil {
				s.pos = i
				return nil, s.fail("%v", err)
			}
			escaped = true
			i += n
		case b < 0x20:
			s.pos = i
			return nil, s.fail("control character %#x in a string", b)
		default: // the first byte of a multi-byte UTF-8 sequence
			if !utf8.FullRune(s.buf[i:s.end]) && !s.eof {
				if !s.refill(&start, &i) {
					return nil, s.fail("truncated UTF-8")
				}
				continue
			}
			r, size := utf8.DecodeRune(s.buf[i:s.end])
			if r == utf8.RuneError && size <= 1 {
				s.pos = i
				return nil, s.fail("invalid UTF-8 in a string")
			}
			i += size
		}
	}
}

// refill reads more input while a token starting at *start is being read,
// adjusting both indexes for the move that fill may make.
func (s *scanner) refill(start, i *int) bool {
	s.pos = *start
	before := s.consumed
	if !s.fill() {
		return false
	}
	moved := int(s.consumed - before)
	*start -= moved
	*i -= moved
	return true
}

// escapeLen validates the escape at the start of b and returns its length.
func escapeLen(b []byte) (int, error) {
	if len(b) < 2 {
		return 0, errTruncated
	}
	switch b[1] {
	case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		return 2, nil
	case 'u':
		if len(b) < 6 {
			return 0, errTruncated
		}
		for _, h := range b[2:6] {
			if hexValue(h) < 0 {
				return 0, fmt.Errorf("bad \\u escape")
			}
		}
		return 6, nil
	}
	return 0, fmt.Errorf("bad escape \\%c", b[1])
}

func hexValue(c byte) int { return int(hexTable[c]) }

// hexTable maps a byte to its hex digit value, or -1.
var hexTable = func() (t [256]int8) {
	for i := range t {
		t[i] = -1
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = int8(c - '0')
	}
	for c := 'a'; c <= 'f'; c++ {
		t[c] = int8(c-'a') + 10
		t[c-'a'+'A'] = int8(c-'a') + 10
	}
	return t
}()

// unescape decodes an already validated string body into scratch.
func (s *scanner) unescape(raw []byte) ([]byte, error) {
	out := s.scratch[:0]
	for i := 0; i < len(raw); {
		if raw[i] != '\\' {
			out = append(out, raw[i])
			i++
			continue
		}
		switch raw[i+1] {
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r := rune(hex4(raw[i+2:]))
			i += 6
			if 0xD800 <= r && r < 0xDC00 && i+6 <= len(raw) && raw[i] == '\\' && raw[i+1] == 'u' {
				if lo := rune(hex4(raw[i+2:])); 0xDC00 <= lo && lo < 0xE000 {
					r = 0x10000 + (r-0xD800)<<10 + (lo - 0xDC00)
					i += 6
				}
			}
			if 0xD800 <= r && r < 0xE000 {
				r = utf8.RuneError // a lone surrogate has no UTF-8 form
			}
			out = utf8.AppendRune(out, r)
			continue
		default: // '"', '\\', '/'
			out = append(out, raw[i+1])
		}
		i += 2
	}
	s.scratch = out
	return out, nil
}

func hex4(b []byte) int {
	return hexValue(b[0])<<12 | hexValue(b[1])<<8 | hexValue(b[2])<<4 | hexValue(b[3])
}

// readNumber reads a number and returns its text.
func (s *scanner) readNumber() ([]byte, error) {
	if _, ok := s.peek(); !ok {
		return nil, s.fail("expected a number")
	}
	start, i := s.pos, s.pos
	for {
		for i < s.end && isNumberByte(s.buf[i]) {
			i++
		}
		if i < s.end || s.eof || s.readErr != nil {
			break
		}
		if !s.refill(&start, &i) {
			break
		}
	}
	if s.readErr != nil {
		return nil, s.readErr
	}
	raw := s.buf[start:i]
	if !validNumber(raw) {
		return nil, s.fail("invalid number %q", truncate(string(raw), 40))
	}
	s.pos = i
	return raw, nil
}

func isNumberByte(c byte) bool {
	return '0' <= c && c <= '9' || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E'
}

// validNumber checks the JSON number grammar:
// -? (0 | [1-9][0-9]*) (\.[0-9]+)? ([eE][+-]?[0-9]+)?
func validNumber(b []byte) bool {
	i := 0
	digits := func() int {
		n := 0
		for i < len(b) && '0' <= b[i] && b[i] <= '9' {
			i++
			n++
		}
		return n
	}
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case digits() == 0:
		return false
	}
	if i < len(b) && b[i] == '.' {
		i++
		if digits() == 0 {
			return false
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if digits() == 0 {
			return false
		}
	}
	return i == len(b)
}

// literal consumes true, false or null, whichever is next.
func (s *scanner) literal() ([]byte, error) {
	var word string
	switch c, _ := s.peek(); c {
	case 't':
		word = "true"
	case 'f':
		word = "false"
	case 'n':
		word = "null"
	}
	s.ensure(len(word))
	if word == "" || s.end-s.pos < len(word) || string(s.buf[s.pos:s.pos+len(word)]) != word {
		return nil, s.fail("invalid literal")
	}
	raw := s.buf[s.pos : s.pos+len(word)]
	s.pos += len(word)
	return raw, nil
}

// skipValue validates and discards the next value.
func (s *scanner) skipValue() error {
	c, ok := s.peek()
	if !ok {
		return s.fail("expected a value")
	}
	switch {
	case c == '"':
		_, err := s.readString()
		return err
	case c == '{':
		more, err := s.open('{', '}')
		for ; more && err == nil; more, err = s.next('}') {
			if _, err = s.member(); err == nil {
				err = s.skipValue()
			}
			if err != nil {
				return err
			}
		}
		return err
	case c == '[':
		more, err := s.open('[', ']')
		for ; more && err == nil; more, err = s.next(']') {
			if err = s.skipValue(); err != nil {
				return err
			}
		}
		return err
	case c == '-' || '0' <= c && c <= '9':
		_, err := s.readNumber()
		return err
	default:
		_, err := s.literal()
		return err
	}
}

// atEnd reports whether only white space is left, as a complete page must.
func (s *scanner) atEnd() error {
	if c, ok := s.peek(); ok {
		return s.fail("data after the page object: %q", c)
	}
	return s.readErr
}
