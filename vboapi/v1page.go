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

	"github.com/go-json-experiment/json/jsontext"
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

// pageDecoder is a jsontext decoder and the buffers decodePage reuses from
// page to page, so that decoding allocates nothing per mailbox.
type pageDecoder struct {
	dec jsontext.Decoder
	src sizedReader
	// scratch holds an unescaped string; id, email and name the texts of the
	// mailbox being read, when details are kept.
	scratch, id, email, name []byte
}

// sizedReader remembers the largest read asked of it, which tells how big
// the decoder's buffer has grown.
type sizedReader struct {
	r       io.Reader
	largest int
}

func (s *sizedReader) Read(b []byte) (int, error) {
	s.largest = max(s.largest, len(b))
	return s.r.Read(b)
}

// maxPooledBuffer bounds the buffers of a pooled decoder: one that grew for
// a huge string is let go rather than kept for every later page.
const maxPooledBuffer = 1 << 20

var pageDecoders = sync.Pool{New: func() any { return new(pageDecoder) }}

// decodePage reads one page as it streams in, token by token. It keeps, per
// mailbox, only the key and the backup state (plus names when details is
// set), so its memory depends on the page size alone. Any syntax error,
// truncation, member name given twice, invalid UTF-8 or trailing data is an
// error: a partial page must never be counted.
func decodePage(r io.Reader, details bool, p *page) error {
	p.reset()
	pd := pageDecoders.Get().(*pageDecoder)
	pd.src = sizedReader{r: r}
	pd.dec.Reset(&pd.src) // the defaults refuse duplicate names and invalid UTF-8
	defer func() {
		pd.src.r = nil // do not keep the body alive in the pool
		if pd.src.largest <= maxPooledBuffer && max(cap(pd.scratch), cap(pd.id), cap(pd.email), cap(pd.name)) <= maxPooledBuffer {
			pageDecoders.Put(pd)
		}
	}()
	return pd.page(details, p)
}

func (pd *pageDecoder) page(details bool, p *page) error {
	if err := pd.open(jsontext.KindBeginObject, "the page", "an object"); err != nil {
		if err == io.EOF {
			return errors.New("the body is empty")
		}
		return err
	}
	sawResults := false
	for pd.dec.PeekKind() != jsontext.KindEndObject {
		name, err := pd.memberName()
		if err != nil {
			return err
		}
		switch string(name) {
		case "offset":
			p.offset, err = pd.readInt("offset")
		case "limit":
			p.limit, err = pd.readInt("limit")
		case "results": // only once: the decoder refuses a name given twice
			sawResults = true
			err = pd.results(details, p)
		case "_links":
			err = pd.pageLinks(p)
		default:
			err = pd.dec.SkipValue()
		}
		if err != nil {
			return err
		}
	}
	if _, err := pd.dec.ReadToken(); err != nil {
		return err
	}
	// The decoder reads a stream of values: a second one is data after the
	// page, which the page must not have.
	switch _, err := pd.dec.ReadToken(); {
	case err == nil:
		return errors.New("data after the page object")
	case err != io.EOF:
		return err
	}
	if !sawResults {
		return errors.New(`the page has no "results"`)
	}
	return nil
}

// open reads the '{' or '[' that starts the value described by what.
func (pd *pageDecoder) open(kind jsontext.Kind, what, want string) error {
	if k := pd.dec.PeekKind(); k != kind {
		return pd.kindError(k, what, want)
	}
	_, err := pd.dec.ReadToken()
	return err
}

// kindError reports a value of kind k where another was expected; when the
// decoder could not tell the kind, its own error is the cause.
func (pd *pageDecoder) kindError(k jsontext.Kind, what, want string) error {
	if _, err := pd.dec.ReadValue(); err != nil && k == jsontext.KindInvalid {
		return err
	}
	return fmt.Errorf("%s is a JSON %v, not %s", what, k, want)
}

// memberName reads the name of an object's next member, unescaped; it is
// valid until the next read.
func (pd *pageDecoder) memberName() ([]byte, error) {
	raw, err := pd.dec.ReadValue()
	if err != nil {
		return nil, err
	}
	return pd.unquote(raw)
}

// unquote returns the text of the string raw, which the decoder has already
// validated: a part of raw itself unless it has escapes, which are rare.
func (pd *pageDecoder) unquote(raw jsontext.Value) ([]byte, error) {
	if len(raw) >= 2 && raw[0] == '"' && bytes.IndexByte(raw, '\\') < 0 {
		return raw[1 : len(raw)-1], nil
	}
	var err error
	pd.scratch, err = jsontext.AppendUnquote(pd.scratch[:0], raw)
	return pd.scratch, err
}

// results reads the mailboxes; "results": null is an empty page.
func (pd *pageDecoder) results(details bool, p *page) error {
	if pd.dec.PeekKind() == jsontext.KindNull {
		_, err := pd.dec.ReadValue()
		return err
	}
	if err := pd.open(jsontext.KindBeginArray, `"results"`, "an array"); err != nil {
		return err
	}
	for pd.dec.PeekKind() != jsontext.KindEndArray {
		if err := pd.mailbox(details, p); err != nil {
			return fmt.Errorf("mailbox %d of the page: %w", len(p.items), err)
		}
	}
	_, err := pd.dec.ReadToken()
	return err
}

// The members of a mailbox object that the exporter reads.
const (
	memberOther = iota
	memberID
	memberEmail
	memberName
	memberBackedUp
)

// memberOf classifies a mailbox member's name. isBackedUp is matched in
// either documented spelling (isBackedUp, isBackedup), in any case.
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

// mailbox reads one mailbox object and appends it to the page.
func (pd *pageDecoder) mailbox(details bool, p *page) error {
	if err := pd.open(jsontext.KindBeginObject, "the mailbox", "an object"); err != nil {
		return err
	}
	item := pageItem{state: unrecognized}
	haveID, haveState := false, false
	pd.email, pd.name = pd.email[:0], pd.name[:0]
	for pd.dec.PeekKind() != jsontext.KindEndObject {
		field, err := pd.memberName()
		if err != nil {
			return err
		}
		switch member := memberOf(field); {
		case member == memberID: // only once: the decoder refuses a name given twice
			item.key, err = pd.readKey(details)
			haveID = true
		case member == memberBackedUp: // isBackedUp and isBackedup may both come
			var (
				state backupState
				odd   string
			)
			if state, odd, err = pd.readBackupState(); err != nil {
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
			pd.email, err = pd.optionalString(pd.email)
		case details && member == memberName:
			pd.name, err = pd.optionalString(pd.name)
		default:
			_, err = pd.dec.ReadValue() // validated whole, in one call
		}
		if err != nil {
			return err
		}
	}
	if _, err := pd.dec.ReadToken(); err != nil {
		return err
	}
	if !haveID {
		return errors.New(`no "id"`)
	}
	if !haveState && p.unrecognizedValue == "" {
		p.unrecognizedValue = "(missing)"
	}
	if details && item.state != backedUp {
		p.unprotected = append(p.unprotected, indexedMailbox{len(p.items), Mailbox{string(pd.id), string(pd.email), string(pd.name)}})
	}
	p.items = append(p.items, item)
	return nil
}

// readKey reads a mailbox id (a string, or a number from a lenient server)
// and derives its key; with details it keeps the id's text in pd.id.
func (pd *pageDecoder) readKey(details bool) (mailboxKey, error) {
	var key mailboxKey
	kind := pd.dec.PeekKind()
	if kind != jsontext.KindString && kind != jsontext.KindNumber {
		return key, pd.kindError(kind, "the mailbox id", "a string")
	}
	raw, err := pd.dec.ReadValue()
	if err != nil {
		return key, err
	}
	text := []byte(raw)
	if kind == jsontext.KindString {
		if text, err = pd.unquote(raw); err != nil {
			return key, err
		}
	}
	if details {
		pd.id = append(pd.id[:0], text...) // text lives in the decoder's buffer
	}
	if kind == jsontext.KindString && parseGUID(text, &key) {
		return key, nil
	}
	h := fnv.New128a()
	if kind == jsontext.KindNumber {
		h.Write([]byte{0}) // the number 42 is not the string "42"
	}
	h.Write(text)
	h.Sum(key[:0])
	key[0] ^= 0x80 // keeps hashed keys apart from the (version 4) GUID space
	return key, nil
}

// readBackupState reads an isBackedUp value: true, false, or a string that
// says one of them in any case. Anything else is unrecognized, and odd
// describes it for the log.
func (pd *pageDecoder) readBackupState() (state backupState, odd string, err error) {
	if k := pd.dec.PeekKind(); k == jsontext.KindBeginObject || k == jsontext.KindBeginArray {
		return unrecognized, "(not a boolean)", pd.dec.SkipValue() // validated, never believed
	}
	raw, err := pd.dec.ReadValue()
	if err != nil {
		return unrecognized, "", err
	}
	switch raw.Kind() {
	case jsontext.KindTrue:
		return backedUp, "", nil
	case jsontext.KindFalse:
		return notBackedUp, "", nil
	case jsontext.KindNull:
		return unrecognized, "null", nil
	case jsontext.KindNumber:
		return unrecognized, "(a number)", nil
	}
	text, err := pd.unquote(raw)
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

// optionalString appends a string value to dst[:0]; null or any other type
// leaves it empty, since names are only decoration.
func (pd *pageDecoder) optionalString(dst []byte) ([]byte, error) {
	if pd.dec.PeekKind() != jsontext.KindString {
		return dst[:0], pd.dec.SkipValue()
	}
	raw, err := pd.dec.ReadValue()
	if err != nil {
		return dst[:0], err
	}
	text, err := pd.unquote(raw)
	return append(dst[:0], text...), err
}

// readInt reads offset or limit: a non-negative integer, or null for none.
func (pd *pageDecoder) readInt(field string) (int64, error) {
	k := pd.dec.PeekKind()
	if k != jsontext.KindNull && k != jsontext.KindNumber {
		return 0, pd.kindError(k, strconv.Quote(field), "a number")
	}
	raw, err := pd.dec.ReadValue()
	if err != nil || k == jsontext.KindNull {
		return -1, err
	}
	n, err := strconv.ParseInt(string(raw), 10, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("%q is not a non-negative integer: %s", field, truncate(string(raw), 40))
	}
	return n, nil
}

// pageLinks reads the page's _links for next: its presence, and the offset
// its href gives.
func (pd *pageDecoder) pageLinks(p *page) error {
	if pd.dec.PeekKind() != jsontext.KindBeginObject {
		return pd.dec.SkipValue()
	}
	if _, err := pd.dec.ReadToken(); err != nil {
		return err
	}
	for pd.dec.PeekKind() != jsontext.KindEndObject {
		field, err := pd.memberName()
		if err != nil {
			return err
		}
		if string(field) != "next" || pd.dec.PeekKind() != jsontext.KindBeginObject {
			err = pd.dec.SkipValue()
		} else {
			p.hasNext = true
			err = pd.nextLink(p)
		}
		if err != nil {
			return err
		}
	}
	_, err := pd.dec.ReadToken()
	return err
}

// nextLink reads the object of _links.next.
func (pd *pageDecoder) nextLink(p *page) error {
	if _, err := pd.dec.ReadToken(); err != nil {
		return err
	}
	for pd.dec.PeekKind() != jsontext.KindEndObject {
		field, err := pd.memberName()
		if err != nil {
			return err
		}
		if string(field) != "href" || pd.dec.PeekKind() != jsontext.KindString {
			if err := pd.dec.SkipValue(); err != nil {
				return err
			}
			continue
		}
		raw, err := pd.dec.ReadValue()
		if err != nil {
			return err
		}
		href, err := pd.unquote(raw)
		if err != nil {
			return err
		}
		p.nextOffset = offsetOf(string(href))
	}
	_, err := pd.dec.ReadToken()
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

const (
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
)
