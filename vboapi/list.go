package vboapi

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"

	"github.com/go-json-experiment/json"
)

// maxListItems bounds one list, whatever the page size: a server whose
// pages never end must fail the list, not hold the scrape. Ten times the
// largest organization Microsoft 365 documents. A variable for the tests.
var maxListItems = 10_000_000

// maxPages is how many pages of step items a list of maxListItems takes,
// the short (or empty) last page included.
func maxPages(step int) int { return maxListItems/step + 1 }

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
	// deferrable pages wait behind other requests (see slots).
	deferrable bool
	// itemKey, given an item (*T), names it. A page that starts with the
	// item an earlier page started with means that the server does not
	// apply the offset: the list fails there instead of being read up to
	// maxListItems.
	itemKey func(item any) string
}

// wirePage is the part of a PageOf… response the reader uses. Results is
// a pointer so that a missing or null "results" is an error, not an empty
// page.
type wirePage[T any] struct {
	Offset     *int   `json:"offset"`
	Limit      *int   `json:"limit"`
	SetID      string `json:"setId"`
	TotalCount *int   `json:"totalCount"`
	Results    *[]T   `json:"results"`
}

// readList reads every item of l, calling each for every one in list order.
// For pages it asks pageSize items at a time and stops at the first page
// with fewer items than its limit. Any failure fails the whole list: the
// caller never sees part of a list as if it were all of it.
func readList[T any](ctx context.Context, c *Client, l list, pageSize int, each func(*T) error) error {
	if !l.paged {
		var items []T
		if err := c.getInto(ctx, l, l.query, &items); err != nil {
			return err
		}
		return eachItem(items, each)
	}
	if pageSize < 1 {
		return fmt.Errorf("page size %d is not positive", pageSize)
	}
	first, err := readPage[T](ctx, c, l, 0, pageSize, "")
	if err != nil {
		return err
	}
	if err := eachItem(first.items, each); err != nil {
		return err
	}
	if len(first.items) < first.limit {
		c.lengths.remember(l.path, len(first.items))
		return nil
	}
	n, err := readRest(ctx, c, l, pageSize, first, each)
	if err == nil {
		c.lengths.remember(l.path, n)
	}
	return err
}

// listPage is one decoded page.
type listPage[T any] struct {
	items []T
	limit int // the page size the server applied
	setID string
	total int // totalCount where the server gave one (v6, v7), else 0
}

// readPage reads the page at offset.
func readPage[T any](ctx context.Context, c *Client, l list, offset, pageSize int, setID string) (listPage[T], error) {
	q := url.Values{}
	for k, v := range l.query {
		q[k] = v
	}
	q.Set("offset", strconv.Itoa(offset))
	q.Set("limit", strconv.Itoa(pageSize))
	if setID != "" && l.setID {
		q.Set("setId", setID)
	}
	var p wirePage[T]
	if err := c.getInto(ctx, l, q, &p); err != nil {
		return listPage[T]{}, err
	}
	if p.Results == nil {
		return listPage[T]{}, fmt.Errorf(`GET %s: the page has no "results"`, l.endpoint)
	}
	if p.Offset != nil && *p.Offset != offset {
		return listPage[T]{}, fmt.Errorf("GET %s: asked for offset %d, the page says %d", l.endpoint, offset, *p.Offset)
	}
	out := listPage[T]{items: *p.Results, limit: pageSize, setID: p.SetID}
	if p.Limit != nil && *p.Limit > 0 && *p.Limit < pageSize {
		out.limit = *p.Limit // the server caps the page size
	}
	if p.TotalCount != nil {
		out.total = *p.TotalCount
	}
	if len(out.items) > out.limit {
		return listPage[T]{}, fmt.Errorf("GET %s: a page of %d items for a limit of %d", l.endpoint, len(out.items), out.limit)
	}
	return out, nil
}

func eachItem[T any](items []T, each func(*T) error) error {
	for i := range items {
		if err := each(&items[i]); err != nil {
			return err
		}
	}
	return nil
}

// getJSON sends an authenticated GET and hands the whole body to decode.
// Bodies of v6 and later are small objects or pages of at most
// max_response_bytes.
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
		buffered: true,
	})
}

// getInto sends an authenticated GET of l with query and decodes the body
// into v by the rules of decodeStrict.
func (c *Client) getInto(ctx context.Context, l list, query url.Values, v any) error {
	return c.do(ctx, request{
		method:     http.MethodGet,
		endpoint:   l.endpoint,
		path:       l.path,
		query:      query,
		auth:       true,
		decode:     func(r io.Reader) error { return json.UnmarshalRead(r, v) },
		buffered:   true,
		deferrable: l.deferrable,
	})
}

// decodeStrict decodes one JSON value of v6 and later. It refuses data
// after the value, a member name given twice (two "results" would be two
// answers to one question) and invalid UTF-8; names match exactly, as the
// schemas spell them.
func decodeStrict(raw []byte, v any) error {
	return json.Unmarshal(raw, v)
}
