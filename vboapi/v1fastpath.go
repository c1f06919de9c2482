package vboapi

import (
	"bytes"
	"unicode/utf8"
)

// The fast path parses one whole mailbox object that is already in the
// scanner's buffer, with plain index arithmetic and no refills. Anything it
// is not sure about (the object runs past the buffered bytes, an escape in a
// value it reads, deep nesting, any syntax error) makes it give up without
// consuming anything, and the scanner's general path reads the same object
// again, with full error reporting. So the fast path decides nothing the
// general path would decide differently; it only decides it sooner.

// fastAhead is how many bytes decodeResults keeps buffered before trying the
// fast path: far more than a mailbox object (about 430 bytes).
const fastAhead = 16 << 10

// fastMaxDepth bounds the nesting fastSkip follows (at most 64, the bits of
// its container stack); deeper input goes the general way.
const fastMaxDepth = 16

// fastWS skips white space.
func fastWS(b []byte, i int) int {
	if i < len(b) && b[i] > ' ' {
		return i // the usual case: servers send no white space
	}
	for i < len(b) {
		switch b[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// fastString validates the string starting at b[i] (a quote) and returns
// where its content starts and ends, and the index after it. ok is false if
// the string is invalid or not complete in b; escaped reports escapes.
func fastString(b []byte, i int) (start, end, next int, escaped, ok bool) {
	start = i + 1
	j := start
	for {
		j = skipPlain(b, j)
		if j >= len(b) {
			return 0, 0, 0, false, false
		}
		switch c := b[j]; {
		case c == '"':
			return start, j, j + 1, escaped, true
		case c == '\\':
			n, err := escapeLen(b[j:])
			if err != nil {
				return 0, 0, 0, false, false
			}
			escaped = true
			j += n
		case c < 0x20:
			return 0, 0, 0, false, false
		default:
			r, size := utf8.DecodeRune(b[j:])
			if r == utf8.RuneError && size <= 1 {
				return 0, 0, 0, false, false
			}
			j += size
		}
	}
}

// fastSkip validates and skips the value at b[i]; it returns the index after
// it, or -1. It walks nested containers in one loop, with the kind of each
// open container kept as one bit, rather than one call per value.
func fastSkip(b []byte, i int) int {
	var objects uint64 // bit d is set when the container at depth d+1 is an object
	depth := 0
	for {
		// A value is expected at b[i].
		if i = fastWS(b, i); i >= len(b) {
			return -1
		}
		switch c := b[i]; c {
		case '{', '[':
			if i = fastWS(b, i+1); i >= len(b) {
				return -1
			}
			if b[i] == c+2 { // '}' and ']' follow '{' and '[' two places on
				i++
				break
			}
			if depth == fastMaxDepth {
				return -1
			}
			objects = objects<<1 | b2u(c == '{')
			depth++
			if c == '{' {
				if b[i] != '"' {
					return -1
				}
				if _, i = fastMember(b, i); i < 0 {
					return -1
				}
			}
			continue
		default:
			if i = fastScalar(b, i); i < 0 {
				return -1
			}
		}
		// After a value: close finished containers, or go on to the next
		// member or element.
		for {
			if depth == 0 {
				return i
			}
			if i = fastWS(b, i); i >= len(b) {
				return -1
			}
			inObject := objects&1 == 1
			if c := b[i]; c == ',' {
				i = fastWS(b, i+1)
				if inObject {
					if i >= len(b) || b[i] != '"' {
						return -1
					}
					if _, i = fastMember(b, i); i < 0 {
						return -1
					}
				}
				break
			} else if inObject && c == '}' || !inObject && c == ']' {
				i++
				objects >>= 1
				depth--
				continue
			}
			return -1
		}
	}
}

// fastScalar validates and skips the string, number or literal at b[i]; it
// returns the index after it, or -1.
func fastScalar(b []byte, i int) int {
	switch c := b[i]; {
	case c == '"':
		_, _, next, _, ok := fastString(b, i)
		if !ok {
			return -1
		}
		return next
	case c == '-' || '0' <= c && c <= '9':
		j := i
		for j < len(b) && isNumberByte(b[j]) {
			j++
		}
		if j >= len(b) || !validNumber(b[i:j]) {
			return -1 // a number touching the end of the buffer may go on
		}
		return j
	case c == 't':
		return fastWord(b, i, "true")
	case c == 'f':
		return fastWord(b, i, "false")
	case c == 'n':
		return fastWord(b, i, "null")
	}
	return -1
}

// b2u is 1 for true and 0 for false.
func b2u(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

func fastWord(b []byte, i int, word string) int {
	if len(b)-i < len(word) || string(b[i:i+len(word)]) != word {
		return -1
	}
	return i + len(word)
}

// fastMember recognises member names by their exact bytes, quotes and colon
// included, as servers write them: one comparison instead of a string scan.
// Names written any other way (escapes, white space before the colon, other
// casing) are scanned and classified by memberOf, as the general path does.
// It reads the member name at b[i] (a quote) and the colon after it, and
// returns what the name is and the index after the colon, or -1.
func fastMember(b []byte, i int) (member, next int) {
	if len(b)-i >= 16 {
		switch b[i+1] {
		case 'i':
			if string(b[i:i+5]) == `"id":` {
				return memberID, i + 5
			}
			if string(b[i:i+13]) == `"isBackedUp":` {
				return memberBackedUp, i + 13
			}
		case 'e':
			if string(b[i:i+8]) == `"email":` {
				return memberEmail, i + 8
			}
		case 'n':
			if string(b[i:i+7]) == `"name":` {
				return memberName, i + 7
			}
		case '_':
			if string(b[i:i+9]) == `"_links":` {
				return memberLinks, i + 9
			}
		case 's':
			if string(b[i:i+7]) == `"self":` {
				return memberOther, i + 7
			}
		case 'h':
			if string(b[i:i+7]) == `"href":` {
				return memberOther, i + 7
			}
		case 'o':
			if string(b[i:i+15]) == `"organization":` {
				return memberOther, i + 15
			}
		}
	}
	ks, ke, next, esc, ok := fastString(b, i)
	if !ok || esc {
		return memberOther, -1
	}
	if next = fastWS(b, next); next >= len(b) || b[next] != ':' {
		return memberOther, -1
	}
	return memberOf(b[ks:ke]), next + 1
}

// The links of a mailbox, as VBO365 writes them: the shape is matched by its
// bytes, and only the two hrefs are scanned.
const (
	linksSelf = `{"self":{"href":"`
	linksOrg  = `"},"organization":{"href":"`
	linksEnd  = `"}}`
)

// fastLinks skips a links object of the usual shape at b[i] and returns the
// index after it, or -1 if it has another shape.
func fastLinks(b []byte, i int) int {
	if !hasAt(b, i, linksSelf) {
		return -1
	}
	// Each literal after a href starts with the href's closing quote.
	_, _, next, _, ok := fastString(b, i+len(linksSelf)-1)
	if !ok || !hasAt(b, next-1, linksOrg) {
		return -1
	}
	_, _, next, _, ok = fastString(b, next-1+len(linksOrg)-1)
	if !ok || !hasAt(b, next-1, linksEnd) {
		return -1
	}
	return next - 1 + len(linksEnd)
}

// hasAt reports whether b holds s at i.
func hasAt(b []byte, i int, s string) bool {
	return len(b)-i >= len(s) && string(b[i:i+len(s)]) == s
}

// fastRun parses, from b[i] on, the comma-separated mailboxes that are whole
// in b, so that the general path is entered once per buffer rather than once
// per mailbox. It returns the index after the last mailbox it parsed, before
// the comma that follows it, or -1 if it parsed none.
func fastRun(b []byte, i int, details bool, p *page) int {
	last := -1
	for {
		next := fastMailbox(b, i, details, p)
		if next < 0 {
			return last
		}
		last = next
		if i = fastWS(b, next); i >= len(b) || b[i] != ',' {
			return last
		}
		i = fastWS(b, i+1)
	}
}

// fastState reads the isBackedUp value at b[i]: a boolean, or a string that
// is one in any case. It returns the index after it, or -1 for any other
// value, which the general path reports.
func fastState(b []byte, i int) (backupState, int) {
	switch {
	case len(b)-i >= 6 && string(b[i:i+6]) == `"true"`:
		return backedUp, i + 6
	case len(b)-i >= 7 && string(b[i:i+7]) == `"false"`:
		return notBackedUp, i + 7
	case b[i] == 't':
		return backedUp, fastWord(b, i, "true")
	case b[i] == 'f':
		return notBackedUp, fastWord(b, i, "false")
	case b[i] == '"':
		vs, ve, next, esc, ok := fastString(b, i)
		if !ok || esc {
			return unrecognized, -1
		}
		switch v := b[vs:ve]; {
		case bytes.EqualFold(v, []byte("true")):
			return backedUp, next
		case bytes.EqualFold(v, []byte("false")):
			return notBackedUp, next
		}
	}
	return unrecognized, -1
}

// fastBox is what fastMailbox has read of one mailbox object so far.
type fastBox struct {
	details           bool // keep the id, name and email too
	item              pageItem
	haveID, haveState bool
	named             Mailbox
	odd               string
}

// value reads the value of member at b[i]; it returns the index after it,
// or -1 when the object is for the general path.
func (m *fastBox) value(b []byte, i, member int) int {
	switch {
	case member == memberID:
		if m.haveID || b[i] != '"' {
			return -1
		}
		// A GUID needs no string scan: hex digits and dashes are plain.
		vs, ve := i+1, i+37
		if ve >= len(b) || b[ve] != '"' || !parseGUID(b[vs:ve], &m.item.key) {
			return -1 // ids that are not plain GUIDs are rare: general path
		}
		if m.details {
			m.named.ID = string(b[vs:ve])
		}
		m.haveID = true
		return ve + 1
	case member == memberBackedUp:
		state, next := fastState(b, i)
		if next < 0 {
			return -1
		}
		if m.haveState && state != m.item.state {
			state = unrecognized
			m.odd = "(two values that disagree)"
		}
		m.item.state, m.haveState = state, true
		return next
	case m.details && (member == memberEmail || member == memberName):
		if b[i] != '"' {
			return -1
		}
		vs, ve, next, esc, ok := fastString(b, i)
		if !ok || esc {
			return -1
		}
		if member == memberEmail {
			m.named.Email = string(b[vs:ve])
		} else {
			m.named.Name = string(b[vs:ve])
		}
		return next
	case member == memberLinks:
		if next := fastLinks(b, i); next >= 0 {
			return next
		}
		return fastSkip(b, i) // links of another shape
	}
	return fastSkip(b, i)
}

// fastMailbox parses the mailbox object at b[i] and appends it to p. It
// returns the index after the object, or -1 with p unchanged.
func fastMailbox(b []byte, i int, details bool, p *page) int {
	if i >= len(b) || b[i] != '{' {
		return -1
	}
	m := fastBox{details: details}
	m.item.state = unrecognized
	i = fastWS(b, i+1)
	if i < len(b) && b[i] == '}' {
		return -1 // no id: let the general path say so
	}
	for {
		if i >= len(b) || b[i] != '"' {
			return -1
		}
		member, next := fastMember(b, i)
		if next < 0 {
			return -1
		}
		if i = fastWS(b, next); i >= len(b) {
			return -1
		}
		if b[i] == '"' && (member == memberOther || !details && (member == memberEmail || member == memberName)) {
			// Members the exporter does not read are the most common: skipping
			// them here spares a call each.
			_, _, next, _, ok := fastString(b, i)
			if !ok {
				return -1
			}
			i = next
		} else if i = m.value(b, i, member); i < 0 {
			return -1
		}
		if i = fastWS(b, i); i >= len(b) {
			return -1
		}
		switch b[i] {
		case ',':
			i = fastWS(b, i+1)
			continue
		case '}':
			i++
		default:
			return -1
		}
		break
	}
	if !m.haveID || !m.haveState {
		return -1 // the general path reports these
	}
	if m.odd != "" && p.unrecognizedValue == "" {
		p.unrecognizedValue = m.odd
	}
	if details && m.item.state != backedUp {
		p.unprotected = append(p.unprotected, indexedMailbox{len(p.items), m.named})
	}
	p.items = append(p.items, m.item)
	return i
}
