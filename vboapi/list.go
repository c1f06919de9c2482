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
		c.rememberLength(l.path, len(first.items))
		return nil
	}
	n, err := readRest(ctx, c, l, pageSize, first, each)
	if err == nil {
		c.rememberLength(l.path, n)
	}
	return err
}

// readRest reads the pages after the first, keeping up to MaxConcurrent in
// flight: the API gives no total (v8 never, v6 and v7 not always), so it
// reads ahead. Up to the length the list had last time, pages go out
// together; past it, one at a time, so that a list that did not grow costs
// no request past its end. Pages are handed to each in order; a page that
// comes back early waits in memory.
func readRest[T any](ctx context.Context, c *Client, l list, pageSize int, first listPage[T], each func(*T) error) (int, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	step := first.limit
	expected, known := c.lastLength(l.path)
	if first.total > 0 {
		expected, known = first.total, true
	}
	type result struct {
		k    int // the page's position; the first page is 0
		page listPage[T]
		err  error
	}
	results := make(chan result)
	var (
		next     = 1  // the next page to ask for
		end      = -1 // the position of the short page, once seen
		inflight = 0  // pages asked and not yet back
		ready    = map[int]listPage[T]{}
		handed   = 1 // pages given to each so far
		count    = len(first.items)
		firstErr error
		// pastEnd: a page after the short one had items, so the list
		// changed while it was read, or the server pages wrongly.
		pastEnd bool
	)
	launch := func() {
		// Pages that come back early wait for the ones before them, at
		// most 2 × MaxConcurrent of them: a slow page must not let the
		// others pile up in memory.
		for firstErr == nil && end < 0 && inflight < c.opts.MaxConcurrent && next < maxPages(step) && next-handed < 2*c.opts.MaxConcurrent {
			// Past the expected end only one page at a time.
			if known && inflight > 0 && next*step >= expected {
				return
			}
			k := next
			next++
			inflight++
			go func() {
				p, err := readPage[T](ctx, c, l, k*step, pageSize, first.setID)
				results <- result{k, p, err}
			}()
		}
	}
	starts := map[string]int{} // itemKey of each handed page's first item
	repeats := func(k int, items []T) error {
		if l.itemKey == nil || len(items) == 0 {
			return nil
		}
		key := l.itemKey(&items[0])
		if key == "" {
			return nil
		}
		if at, seen := starts[key]; seen {
			return fmt.Errorf("GET %s: the page at offset %d starts with the item the page at offset %d starts with: %w",
				l.endpoint, k*step, at*step, ErrNotAdvancing)
		}
		starts[key] = k
		return nil
	}
	_ = repeats(0, first.items)
	launch()
	for inflight > 0 {
		r := <-results
		inflight--
		switch {
		case end >= 0 && r.k > end:
			pastEnd = pastEnd || (r.err == nil && len(r.page.items) > 0)
		case r.err != nil:
			if firstErr == nil {
				firstErr = r.err
				cancel()
			}
		case len(r.page.items) > step:
			if firstErr == nil {
				firstErr = fmt.Errorf("GET %s: a page of %d items for a limit of %d", l.endpoint, len(r.page.items), step)
				cancel()
			}
		default:
			if len(r.page.items) < step && (end < 0 || r.k < end) {
				end = r.k
			}
			ready[r.k] = r.page
		}
		for firstErr == nil {
			p, ok := ready[handed]
			if !ok {
				break
			}
			delete(ready, handed)
			if err := repeats(handed, p.items); err != nil {
				firstErr = err
				cancel()
				break
			}
			if err := eachItem(p.items, each); err != nil {
				firstErr = err
				cancel()
				break
			}
			count += len(p.items)
			if handed == end {
				break
			}
			handed++
		}
		launch()
	}
	for k, p := range ready {
		pastEnd = pastEnd || (k > end && len(p.items) > 0)
	}
	switch {
	case firstErr != nil:
		return 0, firstErr
	case pastEnd:
		return 0, fmt.Errorf("GET %s: the page at offset %d ended the list, but a later page has items: the list changed while it was read", l.endpoint, end*step)
	case end < 0:
		return 0, fmt.Errorf("GET %s: more than %d items; the list does not end", l.endpoint, maxListItems)
	}
	return count, nil
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

// lastLength is how many items the list at path had when last read whole.
// It only paces the read-ahead, never ends a list.
func (c *Client) lastLength(path string) (n int, known bool) {
	c.hintsMu.Lock()
	defer c.hintsMu.Unlock()
	n, known = c.lengths[path]
	return n, known
}

func (c *Client) rememberLength(path string, n int) {
	c.hintsMu.Lock()
	defer c.hintsMu.Unlock()
	if c.lengths == nil {
		c.lengths = map[string]int{}
	}
	c.lengths[path] = n
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
