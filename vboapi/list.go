package vboapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
)

// maxListPages bounds one list: 10 million items at the largest page size.
// A server whose pages never end must fail the list, not hold the scrape.
const maxListPages = 1000

// list describes one collection resource of v6 and later.
type list struct {
	endpoint string // the route template, for metrics and messages
	path     string
	query    url.Values // filters; paging parameters are added
	// paged is true for PageOf… responses ({offset, limit, setId, results}),
	// false for plain arrays, which have no paging parameters.
	paged bool
	// setID sends the first page's setId with every later page, so that
	// the server pages through one snapshot of a list it built from
	// Microsoft 365 (users and group members).
	setID bool
}

// wirePage is the part of a PageOf… response the reader uses.
type wirePage struct {
	Offset  *int             `json:"offset"`
	Limit   *int             `json:"limit"`
	SetID   string           `json:"setId"`
	Results *json.RawMessage `json:"results"`
}

// readList reads every item of l, calling each for every one in order. For
// pages it asks pageSize items at a time and stops at the first page with
// fewer items than its limit. Any failure fails the whole list: the caller
// never sees part of a list as if it were all of it.
func readList[T any](ctx context.Context, c *Client, l list, pageSize int, each func(*T) error) error {
	if !l.paged {
		return c.getJSON(ctx, l.endpoint, l.path, l.query, func(raw []byte) error {
			var items []T
			if err := decodeStrict(raw, &items); err != nil {
				return err
			}
			for i := range items {
				if err := each(&items[i]); err != nil {
					return err
				}
			}
			return nil
		})
	}
	if pageSize < 1 {
		return fmt.Errorf("page size %d is not positive", pageSize)
	}
	var setID string
	for pages, offset := 0, 0; ; pages++ {
		if pages == maxListPages {
			return fmt.Errorf("GET %s: more than %d pages; the list does not end", l.endpoint, maxListPages)
		}
		q := url.Values{}
		for k, v := range l.query {
			q[k] = v
		}
		q.Set("offset", strconv.Itoa(offset))
		q.Set("limit", strconv.Itoa(pageSize))
		if setID != "" {
			q.Set("setId", setID)
		}
		var n, limit int
		err := c.getJSON(ctx, l.endpoint, l.path, q, func(raw []byte) error {
			var p wirePage
			if err := decodeStrict(raw, &p); err != nil {
				return err
			}
			if p.Results == nil || bytes.Equal(*p.Results, []byte("null")) {
				return errors.New(`the page has no "results"`)
			}
			if p.Offset != nil && *p.Offset != offset {
				return fmt.Errorf("asked for offset %d, the page says %d", offset, *p.Offset)
			}
			var items []T
			if err := json.Unmarshal(*p.Results, &items); err != nil {
				return err
			}
			for i := range items {
				if err := each(&items[i]); err != nil {
					return err
				}
			}
			n, limit = len(items), pageSize
			if p.Limit != nil && *p.Limit > 0 && *p.Limit < pageSize {
				limit = *p.Limit // the server caps the page size
			}
			if offset == 0 && l.setID {
				setID = p.SetID
			}
			return nil
		})
		if err != nil {
			return err
		}
		if n > limit {
			return fmt.Errorf("GET %s: a page of %d items for a limit of %d", l.endpoint, n, limit)
		}
		if n < limit {
			return nil
		}
		offset += n
	}
}

// getJSON sends an authenticated GET and hands the whole body to decode.
// Bodies of v6 and later are small objects or pages of at most
// max_response_bytes, decoded with encoding/json.
func (c *Client) getJSON(ctx context.Context, endpoint, path string, query url.Values, decode func([]byte) error) error {
	return c.do(ctx, request{
		method:   http.MethodGet,
		endpoint: endpoint,
		path:     path,
		query:    query,
		auth:     true,
		decode: func(r io.Reader) error {
			raw, err := io.ReadAll(r)
			if err != nil {
				return err
			}
			return decode(raw)
		},
	})
}

// decodeStrict decodes one JSON value and refuses anything after it.
func decodeStrict(raw []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("data after the JSON value")
	}
	return nil
}
