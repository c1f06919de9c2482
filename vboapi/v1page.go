package vboapi

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"net/url"
	"strconv"
	"sync"
)

// backupState is what a mailbox's isBackedUp value says.
type backupState uint8

const (
	notBackedUp backupState = iota
	backedUp
	unrecognized // missing, null or not a boolean: counted as not backed up
)

// mailboxKey identifies a mailbox compactly: the 16 bytes of its GUID, or a
// 128-bit hash of an id that is not a GUID.
type mailboxKey [16]byte

// pageItem is what paging keeps of one mailbox: 17 bytes, so that pages in
// flight cost little even at 10,000 mailboxes a page.
type pageItem struct {
	key   mailboxKey
	state backupState
}

// indexedMailbox names the mailbox at items[index]; pages keep names only
// for mailboxes that are not backed up, and only when they are to be listed.
type indexedMailbox struct {
	index   int
	mailbox Mailbox
}

// page is one decoded SelectedMailboxes response.
type page struct {
	offset, limit     int64 // as echoed; -1 when absent. A wrong offset echoed fails the page.
	items             []pageItem
	unprotected       []indexedMailbox // in index order
	hasNext           bool
	nextOffset        int64 // from _links.next; -1 when absent or unreadable
	unrecognizedValue string
}

func (p *page) reset() {
	p.offset, p.limit = -1, -1
	p.items = p.items[:0]
	p.unprotected = p.unprotected[:0]
	p.hasNext, p.nextOffset = false, -1
	p.unrecognizedValue = ""
}

// fastPathEnabled is switched off only by the test that checks the fast
// path against the general one.
var fastPathEnabled = true

var scannerPool = sync.Pool{New: func() any { return newScanner() }}

// decodePage reads one page as it streams in. It keeps, per mailbox, only the
// key and the backup state (plus names when details is set), so its memory
// depends on the page size alone. Any syntax error, truncation or trailing
// data is an error: a partial page must never be counted.
func decodePage(r io.Reader, details bool, p *page) error {
	p.reset()
	sc := scannerPool.Get().(*scanner)
	sc.reset(r)
	defer func() {
		sc.r = nil // do not keep the body alive in the pool
		if len(sc.buf) <= 1<<20 {
			scannerPool.Put(sc)
		}
	}()

	more, err := sc.open('{', '}')
	sawResults := false
	for ; more && err == nil; more, err = sc.next('}') {
		var name []byte
		if name, err = sc.member(); err != nil {
			return err
		}
		switch string(name) {
		case "offset":
			p.offset, err = readInt(sc, "offset")
		case "limit":
			p.limit, err = readInt(sc, "limit")
		case "results":
			if sawResults {
				return errors.New(`the page has two "results"`)
			}
			sawResults = true
			err = decodeResults(sc, details, p)
		case "_links":
			err = decodePageLinks(sc, p)
		default:
			err = sc.skipValue()
		}
		if err != nil {
			return err
		}
	}
	if err != nil {
		return err
	}
	if err := sc.atEnd(); err != nil {
		return err
	}
	if !sawResults {
		return errors.New(`the page has no "results"`)
	}
	return nil
}

func decodeResults(sc *scanner, details bool, p *page) error {
	if c, _ := sc.peek(); c == 'n' { // "results": null is an empty page
		_, err := sc.literal()
		return err
	}
	more, err := sc.open('[', ']')
	for ; more && err == nil; more, err = sc.next(']') {
		sc.ensure(fastAhead)
		if _, ok := sc.peek(); ok && fastPathEnabled {
			if next := fastRun(sc.buf[:sc.end], sc.pos, details, p); next >= 0 {
				sc.pos = next
				continue
			}
		}
		if err = decodeMailbox(sc, details, p); err != nil {
			return fmt.Errorf("mailbox %d of the page: %w", len(p.items), err)
		}
	}
	return err
}

// The members of a mailbox object that the exporter reads.
const (
	memberOther = iota
	memberID
	memberEmail
	memberName
	memberBackedUp
	memberLinks // only the fast path tells _links apart, to skip it by its shape
)

// memberOf classifies a mailbox member's name, for both decoding paths.
// isBackedUp is matched in either documented spelling (isBackedUp,
// isBackedup), in any case.
func memberOf(name []byte) int {
	switch {
	case string(name) == "id":
		return memberID
	case bytes.EqualFold(name, []byte("isBackedUp")):
		return memberBackedUp
	case string(name) == "email":
		return memberEmail
	case string(name) == "name":
		return memberName
	}
	return memberOther
}

// decodeMailbox reads one mailbox object and appends it to the page.
func decodeMailbox(sc *scanner, details bool, p *page) error {
	var (
		item               pageItem
		haveID, haveState  bool
		email, name, rawID []byte
	)
	item.state = unrecognized
	more, err := sc.open('{', '}')
	for ; more && err == nil; more, err = sc.next('}') {
		field, err := sc.member()
		if err != nil {
			return err
		}
		switch member := memberOf(field); {
		case member == memberID:
			if haveID {
				return errors.New(`two "id" members`) // which one would be the mailbox?
			}
			var text []byte
			if item.key, text, err = readKey(sc); err != nil {
				return err
			}
			if details {
				rawID = append(rawID[:0], text...) // text lives in the scanner's buffer
			}
			haveID = true
		case member == memberBackedUp:
			state, odd, err := readBackupState(sc)
			if err != nil {
				return err
			}
			if haveState && state != item.state {
				state, odd = unrecognized, "(two values that disagree)"
			}
			if state == unrecognized && p.unrecognizedValue == "" {
				p.unrecognizedValue = odd
			}
			item.state, haveState = state, true
		case details && member == memberEmail:
			if email, err = readOptionalString(sc, email); err != nil {
				return err
			}
		case details && member == memberName:
			if name, err = readOptionalString(sc, name); err != nil {
				return err
			}
		default:
			if err := sc.skipValue(); err != nil {
				return err
			}
		}
	}
	if err != nil {
		return err
	}
	if !haveID {
		return errors.New(`no "id"`)
	}
	if !haveState && p.unrecognizedValue == "" {
		p.unrecognizedValue = "(missing)"
	}
	if details && item.state != backedUp {
		p.unprotected = append(p.unprotected, indexedMailbox{len(p.items), Mailbox{string(rawID), string(email), string(name)}})
	}
	p.items = append(p.items, item)
	return nil
}

// readBackupState reads an isBackedUp value: true, false, or a string that
// says one of them in any case. Anything else is unrecognized, and odd
// describes it for the log.
func readBackupState(sc *scanner) (state backupState, odd string, err error) {
	c, _ := sc.peek()
	switch c {
	case 't', 'f', 'n':
		raw, err := sc.literal()
		if err != nil {
			return unrecognized, "", err
		}
		switch raw[0] {
		case 't':
			return backedUp, "", nil
		case 'f':
			return notBackedUp, "", nil
		}
		return unrecognized, "null", nil
	case '"':
		text, err := sc.readString()
		switch {
		case err != nil:
			return unrecognized, "", err
		case bytes.EqualFold(text, []byte("true")):
			return backedUp, "", nil
		case bytes.EqualFold(text, []byte("false")):
			return notBackedUp, "", nil
		}
		return unrecognized, truncate(strconv.Quote(string(text)), 40), nil
	}
	// Numbers, objects, arrays: validated and reported, never believed.
	if err := sc.skipValue(); err != nil {
		return unrecognized, "", err
	}
	if c == '-' || '0' <= c && c <= '9' {
		return unrecognized, "(a number)", nil
	}
	return unrecognized, "(not a boolean)", nil
}

// readOptionalString appends a string value to dst[:0]; null or any other
// type leaves it empty, since names are only decoration.
func readOptionalString(sc *scanner, dst []byte) ([]byte, error) {
	if c, _ := sc.peek(); c != '"' {
		return dst[:0], sc.skipValue()
	}
	text, err := sc.readString()
	return append(dst[:0], text...), err
}

func decodePageLinks(sc *scanner, p *page) error {
	if c, _ := sc.peek(); c != '{' {
		return sc.skipValue()
	}
	more, err := sc.open('{', '}')
	for ; more && err == nil; more, err = sc.next('}') {
		var field []byte
		if field, err = sc.member(); err != nil {
			return err
		}
		if c, _ := sc.peek(); string(field) != "next" || c != '{' {
			if err = sc.skipValue(); err != nil {
				return err
			}
			continue
		}
		p.hasNext = true
		inner, err := sc.open('{', '}')
		for ; inner && err == nil; inner, err = sc.next('}') {
			if field, err = sc.member(); err != nil {
				return err
			}
			if c, _ := sc.peek(); string(field) != "href" || c != '"' {
				if err = sc.skipValue(); err != nil {
					return err
				}
				continue
			}
			var href []byte
			if href, err = sc.readString(); err != nil {
				return err
			}
			p.nextOffset = offsetOf(string(href))
		}
		if err != nil {
			return err
		}
	}
	return err
}

// offsetOf takes only the offset from a link. The link's scheme, host and
// port are the server's own idea of its name, which may not be reachable.
func offsetOf(href string) int64 {
	u, err := url.Parse(href)
	if err != nil {
		return -1
	}
	for k, v := range u.Query() {
		if len(v) > 0 && (k == "offset" || bytes.EqualFold([]byte(k), []byte("offset"))) {
			if n, err := strconv.ParseInt(v[0], 10, 64); err == nil && n >= 0 {
				return n
			}
		}
	}
	return -1
}

// readKey reads a mailbox id (a string, or a number from a lenient server)
// and derives its key; it also returns the id's text.
func readKey(sc *scanner) (mailboxKey, []byte, error) {
	var (
		key      mailboxKey
		text     []byte
		err      error
		isString bool
	)
	switch c, _ := sc.peek(); {
	case c == '"':
		text, err = sc.readString()
		isString = true
	case c == '-' || '0' <= c && c <= '9':
		text, err = sc.readNumber()
	default:
		return key, nil, sc.fail("the mailbox id is not a string")
	}
	if err != nil {
		return key, nil, err
	}
	if isString && parseGUID(text, &key) {
		return key, text, nil
	}
	h := fnv.New128a()
	if !isString {
		h.Write([]byte{0}) // the number 42 is not the string "42"
	}
	h.Write(text)
	h.Sum(key[:0])
	key[0] ^= 0x80 // keeps hashed keys apart from the (version 4) GUID space
	return key, text, nil
}

// parseGUID reads the canonical 8-4-4-4-12 form, in either case. It decodes
// eight hex digits per step: every mailbox has one, so it is on the hot path.
func parseGUID(s []byte, key *mailboxKey) bool {
	if len(s) != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-' {
		return false
	}
	le := binary.LittleEndian
	a, okA := hex8(le.Uint64(s[0:8]))
	b, okB := hex8(uint64(le.Uint32(s[9:13])) | uint64(le.Uint32(s[14:18]))<<32)
	c, okC := hex8(uint64(le.Uint32(s[19:23])) | uint64(le.Uint32(s[24:28]))<<32)
	d, okD := hex8(le.Uint64(s[28:36]))
	le.PutUint32(key[0:4], a)
	le.PutUint32(key[4:8], b)
	le.PutUint32(key[8:12], c)
	le.PutUint32(key[12:16], d)
	return okA && okB && okC && okD
}

// hex8 decodes the eight hex digits in the bytes of v, the first digit in
// the lowest byte, into four bytes in the same order, and reports whether
// all eight were hex digits.
func hex8(v uint64) (uint32, bool) {
	// For bytes below 0x80, x + (0x80-c) sets the high bit exactly when
	// x >= c, and cannot carry into the next byte.
	atLeast := func(x uint64, c byte) uint64 { return x + ones*uint64(0x80-c) }
	lower := v | ones*0x20
	digit := atLeast(v, '0') &^ atLeast(v, '9'+1)
	letter := atLeast(lower, 'a') &^ atLeast(lower, 'f'+1)
	ok := v&highs == 0 && (digit|letter)&highs == highs
	// Letters have bit 6 set and digits do not: a letter's value is its low
	// nibble plus nine.
	nib := v&(ones*0x0f) + (v>>6&ones)*9
	t := (nib<<4 | nib>>8) & 0x00ff00ff00ff00ff // digit pairs into bytes, in every other byte
	t = (t | t>>8) & 0x0000ffff0000ffff
	t = (t | t>>16) & 0x00000000ffffffff
	return uint32(t), ok
}

func readInt(sc *scanner, field string) (int64, error) {
	if c, _ := sc.peek(); c == 'n' {
		_, err := sc.literal()
		return -1, err
	}
	raw, err := sc.readNumber()
	if err != nil {
		return 0, err
	}
	n, err := strconv.ParseInt(string(raw), 10, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("%q is not a non-negative integer: %s", field, truncate(string(raw), 40))
	}
	return n, nil
}
