package vboapi

import (
	"context"
	"fmt"
)

// readRest reads the pages after the first, keeping up to MaxConcurrent in
// flight: the API gives no total (v8 never, v6 and v7 not always), so it
// reads ahead. Up to the length the list had last time, pages go out
// together; past it, one at a time, so that a list that did not grow costs
// no request past its end. A list whose length is not known opens its
// window as TCP's slow start does: one page after the first, one more for
// each full page back (1, 2, 4 … pages in flight), so that a list of two
// pages costs at most one request past its end (the check in launch), and
// a long one has MaxConcurrent pages in flight within a few round trips. Pages are handed to each in order; a page that
// comes back early waits in memory. It returns the number of items.
func readRest[T any](ctx context.Context, c *Client, l list, pageSize int, first listPage[T], each func(*T) error) (int, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	r := &readAhead[T]{
		ctx: ctx, cancel: cancel, c: c, l: l, each: each,
		pageSize: pageSize, step: first.limit, setID: first.setID,
		results: make(chan pageResult[T]),
		next:    1, end: -1, handed: 1, count: len(first.items), window: 1,
		ready: map[int]listPage[T]{}, starts: map[string]int{},
	}
	r.expected, r.known = c.lengths.last(l.path)
	if first.total > 0 {
		r.expected, r.known = first.total, true
	}
	_ = r.startsAgain(0, first.items)
	r.launch()
	for r.inflight > 0 {
		r.receive(<-r.results)
		r.handOver()
		r.launch()
	}
	return r.outcome()
}

// readAhead is the state of one readRest.
type readAhead[T any] struct {
	ctx      context.Context
	cancel   context.CancelFunc
	c        *Client
	l        list
	each     func(*T) error
	pageSize int
	step     int // items per full page, as the server applies the limit
	setID    string
	expected int  // the list's length at the last read, or its totalCount
	known    bool // whether expected is known
	// window is how many pages may be in flight while the length is not
	// known; it grows by one for each full page back.
	window  int
	results chan pageResult[T]

	next     int // the next page to ask for; the first page is 0
	end      int // the position of the short page once seen, else -1
	inflight int // pages asked and not yet back
	handed   int // the next page to hand to each
	count    int // items handed to each
	ready    map[int]listPage[T]
	starts   map[string]int // l.itemKey of each handed page's first item
	err      error
	// pastEnd: a page after the short one had items, so the list changed
	// while it was read, or the server pages wrongly.
	pastEnd bool
}

type pageResult[T any] struct {
	k    int
	page listPage[T]
	err  error
}

// fail records the first error and stops the pages in flight.
func (r *readAhead[T]) fail(err error) {
	if r.err == nil {
		r.err = err
		r.cancel()
	}
}

// launch asks for more pages while there is room. Pages that come back
// early wait for the ones before them, at most 2 × MaxConcurrent of them:
// a slow page must not let the others pile up in memory.
func (r *readAhead[T]) launch() {
	limit := r.c.opts.MaxConcurrent
	inFlight := limit
	if !r.known {
		inFlight = min(limit, r.window)
	}
	for r.err == nil && r.end < 0 && r.inflight < inFlight && r.next < maxPages(r.step) && r.next-r.handed < 2*limit {
		if r.known && r.inflight > 0 && r.next*r.step >= r.expected {
			return // past the expected end only one page at a time
		}
		r.ask()
	}
	// A list read without a length to go by has one page past its end
	// read, if read-ahead did not ask for it: one with items means that
	// the list changed while it was read, which the window opened slowly
	// would otherwise miss. It waits for the pages in flight, which may
	// still move the end. A list paged through one snapshot (setId)
	// cannot change while it is read.
	snapshot := r.l.setID && r.setID != ""
	if r.err == nil && !r.known && !snapshot && r.end >= 0 && r.inflight == 0 && r.next == r.end+1 && r.next < maxPages(r.step) {
		r.ask()
	}
}

// ask reads page r.next in the background.
func (r *readAhead[T]) ask() {
	k := r.next
	r.next++
	r.inflight++
	go func() {
		p, err := readPage[T](r.ctx, r.c, r.l, k*r.step, r.pageSize, r.setID)
		r.results <- pageResult[T]{k, p, err}
	}()
}

// receive takes one page back.
func (r *readAhead[T]) receive(res pageResult[T]) {
	r.inflight--
	switch {
	case r.end >= 0 && res.k > r.end:
		r.pastEnd = r.pastEnd || (res.err == nil && len(res.page.items) > 0)
	case res.err != nil:
		r.fail(res.err)
	case len(res.page.items) > r.step:
		r.fail(fmt.Errorf("GET %s: a page of %d items for a limit of %d", r.l.endpoint, len(res.page.items), r.step))
	default:
		if len(res.page.items) < r.step && (r.end < 0 || res.k < r.end) {
			r.end = res.k
		}
		if len(res.page.items) == r.step {
			r.window++
		}
		r.ready[res.k] = res.page
	}
}

// handOver gives each the pages that are next in order.
func (r *readAhead[T]) handOver() {
	for r.err == nil {
		p, ok := r.ready[r.handed]
		if !ok {
			return
		}
		delete(r.ready, r.handed)
		if err := r.startsAgain(r.handed, p.items); err != nil {
			r.fail(err)
			return
		}
		if err := eachItem(p.items, r.each); err != nil {
			r.fail(err)
			return
		}
		r.count += len(p.items)
		if r.handed == r.end {
			return
		}
		r.handed++
	}
}

// startsAgain fails page k when it starts with the item an earlier page
// started with: the server does not apply the offset.
func (r *readAhead[T]) startsAgain(k int, items []T) error {
	if r.l.itemKey == nil || len(items) == 0 {
		return nil
	}
	key := r.l.itemKey(&items[0])
	if key == "" {
		return nil
	}
	if at, seen := r.starts[key]; seen {
		return fmt.Errorf("GET %s: the page at offset %d starts with the item the page at offset %d starts with: %w",
			r.l.endpoint, k*r.step, at*r.step, ErrNotAdvancing)
	}
	r.starts[key] = k
	return nil
}

// outcome is the list's length, or why it is not whole.
func (r *readAhead[T]) outcome() (int, error) {
	for k, p := range r.ready {
		r.pastEnd = r.pastEnd || (k > r.end && len(p.items) > 0)
	}
	switch {
	case r.err != nil:
		return 0, r.err
	case r.pastEnd:
		return 0, fmt.Errorf("GET %s: the page at offset %d ended the list, but a later page has items: the list changed while it was read", r.l.endpoint, r.end*r.step)
	case r.end < 0:
		return 0, fmt.Errorf("GET %s: more than %d items; the list does not end", r.l.endpoint, maxListItems)
	}
	return r.count, nil
}
