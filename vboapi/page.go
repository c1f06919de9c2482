package vboapi

import (
	"bytes"
	"encoding/hex"
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

// pageItem is what paging keeps of one mailbox. Strings are filled only for
// mailboxes that are not backed up, and only when they are to be listed.
type pageItem struct {
	key       mailboxKey
	state     backupState
	id, email string
	name      string
}

// page is one decoded SelectedMailboxes response.
type page struct {
	offset, limit     int64 // as echoed; -1 when absent
	items             []pageItem
	hasNext           bool
	nextOffset        int64 // from _links.next; -1 when absent or unreadable
	unrecognizedValue string
}

func (p *page) reset() {
	p.offset, p.limit = -1, -1
	p.items = p.items[:0]
	p.hasNext, p.nextOffset = false, -1
	p.unrecognizedValue = ""
}

var decoderPool = sync.Pool{New: func() any { return jsontext.NewDecoder(bytes.NewReader(nil)) }}

// decodePage reads one page as it streams in. It keeps, per mailbox, only the
// key and the backup state (plus names when details is set), so its memory
// depends on the page size alone. Any syntax error, truncation or trailing
// data is an error: a partial page must never be counted.
func decodePage(r io.Reader, details bool, p *page) error {
	p.reset()
	dec := decoderPool.Get().(*jsontext.Decoder)
	dec.Reset(r)
	defer func() {
		dec.Reset(bytes.NewReader(nil)) // do not keep the body alive in the pool
		decoderPool.Put(dec)
	}()

	if err := expectKind(dec, '{', "a page object"); err != nil {
		return err
	}
	sawResults := false
	for dec.PeekKind() != '}' {
		name, err := readName(dec)
		if err != nil {
			return err
		}
		switch string(name) {
		case "offset":
			if p.offset, err = readInt(dec, "offset"); err != nil {
				return err
			}
		case "limit":
			if p.limit, err = readInt(dec, "limit"); err != nil {
				return err
			}
		case "results":
			sawResults = true
			if err := decodeResults(dec, details, p); err != nil {
				return err
			}
		case "_links":
			if err := decodePageLinks(dec, p); err != nil {
				return err
			}
		default:
			if err := dec.SkipValue(); err != nil {
				return err
			}
		}
	}
	if _, err := dec.ReadToken(); err != nil { // the closing brace
		return err
	}
	if _, err := dec.ReadToken(); err != io.EOF {
		if err == nil {
			err = errors.New("data after the page object")
		}
		return err
	}
	if !sawResults {
		return errors.New(`the page has no "results"`)
	}
	return nil
}

func decodeResults(dec *jsontext.Decoder, details bool, p *page) error {
	if dec.PeekKind() == 'n' { // "results": null is an empty page
		_, err := dec.ReadToken()
		return err
	}
	if err := expectKind(dec, '[', `"results" as an array`); err != nil {
		return err
	}
	for dec.PeekKind() != ']' {
		item, err := decodeMailbox(dec, details, p)
		if err != nil {
			return fmt.Errorf("mailbox %d of the page: %w", len(p.items), err)
		}
		p.items = append(p.items, item)
	}
	_, err := dec.ReadToken()
	return err
}

// decodeMailbox reads one mailbox object. isBackedUp is matched in either
// documented spelling (isBackedUp, isBackedup), in any case.
func decodeMailbox(dec *jsontext.Decoder, details bool, p *page) (pageItem, error) {
	var (
		item               pageItem
		haveID, haveState  bool
		email, name, rawID []byte
	)
	item.state = unrecognized
	if err := expectKind(dec, '{', "a mailbox object"); err != nil {
		return item, err
	}
	for dec.PeekKind() != '}' {
		field, err := readName(dec)
		if err != nil {
			return item, err
		}
		switch {
		case string(field) == "id":
			v, err := dec.ReadValue()
			if err != nil {
				return item, err
			}
			var text []byte
			item.key, text = keyOf(v)
			if details {
				rawID = append(rawID[:0], text...) // text lives in the decoder's buffer
			}
			haveID = true
		case bytes.EqualFold(field, []byte("isBackedUp")):
			v, err := dec.ReadValue()
			if err != nil {
				return item, err
			}
			ok, value := parseFlexBool(v)
			state := unrecognized
			if ok && value {
				state = backedUp
			} else if ok {
				state = notBackedUp
			}
			if haveState && state != item.state {
				state = unrecognized // two spellings that disagree
			}
			if state == unrecognized && p.unrecognizedValue == "" {
				p.unrecognizedValue = truncate(string(v), 40)
			}
			item.state, haveState = state, true
		case details && string(field) == "email":
			s, err := readString(dec)
			if err != nil {
				return item, err
			}
			email = append(email[:0], s...)
		case details && string(field) == "name":
			s, err := readString(dec)
			if err != nil {
				return item, err
			}
			name = append(name[:0], s...)
		default:
			if err := dec.SkipValue(); err != nil {
				return item, err
			}
		}
	}
	if _, err := dec.ReadToken(); err != nil {
		return item, err
	}
	if !haveID {
		return item, errors.New(`no "id"`)
	}
	if !haveState && p.unrecognizedValue == "" {
		p.unrecognizedValue = "(missing)"
	}
	if details && item.state != backedUp {
		item.id, item.email, item.name = string(rawID), string(email), string(name)
	}
	return item, nil
}

func decodePageLinks(dec *jsontext.Decoder, p *page) error {
	if dec.PeekKind() != '{' {
		return dec.SkipValue()
	}
	if _, err := dec.ReadToken(); err != nil {
		return err
	}
	for dec.PeekKind() != '}' {
		field, err := readName(dec)
		if err != nil {
			return err
		}
		if string(field) != "next" || dec.PeekKind() != '{' {
			if err := dec.SkipValue(); err != nil {
				return err
			}
			continue
		}
		p.hasNext = true
		if _, err := dec.ReadToken(); err != nil {
			return err
		}
		for dec.PeekKind() != '}' {
			field, err := readName(dec)
			if err != nil {
				return err
			}
			if string(field) != "href" || dec.PeekKind() != '"' {
				if err := dec.SkipValue(); err != nil {
					return err
				}
				continue
			}
			href, err := readString(dec)
			if err != nil {
				return err
			}
			p.nextOffset = offsetOf(string(href))
		}
		if _, err := dec.ReadToken(); err != nil {
			return err
		}
	}
	_, err := dec.ReadToken()
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

// keyOf derives a mailbox key from a raw JSON id, and returns the id's text.
func keyOf(raw jsontext.Value) (mailboxKey, []byte) {
	text := []byte(raw)
	if raw.Kind() == '"' {
		if unq, err := unquote(raw); err == nil {
			text = unq
		}
	}
	var key mailboxKey
	if parseGUID(text, &key) {
		return key, text
	}
	h := fnv.New128a()
	if raw.Kind() != '"' {
		h.Write([]byte{0}) // the number 42 is not the string "42"
	}
	h.Write(text)
	h.Sum(key[:0])
	key[0] ^= 0x80 // keeps hashed keys apart from the (version 4) GUID space
	return key, text
}

// parseGUID reads the canonical 8-4-4-4-12 form, in either case.
func parseGUID(s []byte, key *mailboxKey) bool {
	if len(s) != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-' {
		return false
	}
	var hexDigits [32]byte
	j := 0
	for i, c := range s {
		if i == 8 || i == 13 || i == 18 || i == 23 {
			continue
		}
		hexDigits[j] = c
		j++
	}
	_, err := hex.Decode(key[:], hexDigits[:])
	return err == nil
}

func expectKind(dec *jsontext.Decoder, kind jsontext.Kind, what string) error {
	tok, err := dec.ReadToken()
	if err != nil {
		return err
	}
	if tok.Kind() != kind {
		return fmt.Errorf("expected %s, found %v", what, tok.Kind())
	}
	return nil
}

// readName returns the next object member name, unescaped only if needed.
func readName(dec *jsontext.Decoder) ([]byte, error) {
	v, err := dec.ReadValue()
	if err != nil {
		return nil, err
	}
	return unquote(v)
}

func readString(dec *jsontext.Decoder) ([]byte, error) {
	if dec.PeekKind() != '"' {
		err := dec.SkipValue()
		return nil, err
	}
	v, err := dec.ReadValue()
	if err != nil {
		return nil, err
	}
	return unquote(v)
}

func unquote(v jsontext.Value) ([]byte, error) {
	if bytes.IndexByte(v, '\\') < 0 && len(v) >= 2 {
		return v[1 : len(v)-1], nil
	}
	return jsontext.AppendUnquote(nil, v)
}

func readInt(dec *jsontext.Decoder, field string) (int64, error) {
	v, err := dec.ReadValue()
	if err != nil {
		return 0, err
	}
	if v.Kind() == 'n' {
		return -1, nil
	}
	n, err := strconv.ParseInt(string(v), 10, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("%q is not a non-negative integer: %s", field, truncate(string(v), 40))
	}
	return n, nil
}
