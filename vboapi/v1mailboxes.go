package vboapi

import (
	"container/heap"
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"sync"
)

// Mailbox names one mailbox that is not backed up.
type Mailbox struct {
	ID, Email, Name string
}

// MailboxFigures is what paging learned about a job's selected mailboxes.
type MailboxFigures struct {
	Mailboxes int // distinct mailboxes selected by the job
	BackedUp  int // of those, the ones whose isBackedUp is true
	// Unrecognized mailboxes had an isBackedUp value that is neither true nor
	// false (missing, null, "yes"…). They count as not backed up.
	Unrecognized        int
	UnrecognizedExample string
	// Duplicates counts mailboxes served more than once; each counts once.
	Duplicates  int
	NotBackedUp []Mailbox // the first ones not backed up, in API order, as many as asked
	Pages       int       // responses read
}

// SelectedMailboxes pages through GET /v1/Jobs/{id}/SelectedMailboxes to the
// end and counts the mailboxes. It keeps up to MaxConcurrent pages in flight
// (the API gives no total, so it reads ahead and ignores pages past the end)
// and returns an error, never a partial count, if any page fails.
// keepNotBackedUp asks for up to that many not-backed-up mailboxes by name.
// hint, if not nil, is what the job's last read left: it paces read-ahead
// and lends its memory, and is updated for the next read.
func (c *Client) SelectedMailboxes(ctx context.Context, jobID string, pageSize, keepNotBackedUp int, hint *MailboxHint) (MailboxFigures, error) {
	if pageSize < 1 {
		return MailboxFigures{}, fmt.Errorf("page size %d is not positive", pageSize)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	if hint == nil {
		hint = &MailboxHint{}
	}
	// The last read's count tells how far to read ahead and how large the
	// de-duplication set will be; it is only a hint, never trusted as the end.
	expected, set := hint.take()
	r := &mailboxRead{c: c, ctx: ctx, cancel: cancel, jobID: jobID, pageSize: pageSize, details: keepNotBackedUp > 0,
		results: make(chan pageRead), sched: newScheduler(int64(pageSize), expected),
		acc: &accumulator{seen: set, keep: keepNotBackedUp}}
	defer func() { hint.put(int64(r.acc.counts.Mailboxes), r.acc.seen) }()

	r.fill()
	for r.outstanding() > 0 {
		r.receive(<-r.results)
		r.fill()
	}
	if r.err == nil {
		r.err = r.acc.consistent(r.sched.limit())
	}
	if r.err != nil {
		return MailboxFigures{}, r.err
	}
	return r.acc.result(r.sched.pages), nil
}

// verifyOffset marks the second read of the first page, sent once the end
// is known: if the front of the list changed while it was read, positions
// shifted and a mailbox may have been read twice or not at all.
const verifyOffset = -1

// mailboxRead is the state of one SelectedMailboxes.
type mailboxRead struct {
	c        *Client
	ctx      context.Context
	cancel   context.CancelFunc
	jobID    string
	pageSize int
	details  bool
	results  chan pageRead
	sched    *scheduler
	acc      *accumulator
	err      error // the first error; the count cannot be exact any more

	verifying, verified bool
}

type pageRead struct {
	offset int64
	page   *page
	err    error
}

// launch reads the page at offset in the background.
func (r *mailboxRead) launch(offset int64) {
	go func() {
		var (
			p   *page
			err error
		)
		defer func() {
			// A bug in decoding must cost this job its count, not the
			// process: the other jobs and servers are still exported.
			if v := recover(); v != nil {
				err = fmt.Errorf("page at offset %d: internal error: %v", max(offset, 0), v)
			}
			r.results <- pageRead{offset, p, err}
		}()
		limit := r.pageSize
		if offset == verifyOffset {
			limit = min(r.pageSize, verifyItems)
		}
		p, err = r.c.fetchPage(r.ctx, r.jobID, max(offset, 0), limit, r.details)
	}()
}

// fill asks for pages while there is room, and for the second read of the
// first page once the end is known.
func (r *mailboxRead) fill() {
	for r.err == nil && len(r.sched.inflight) < r.c.opts.MaxConcurrent {
		off, ok := r.sched.next()
		if !ok {
			break
		}
		r.launch(off)
	}
	if r.err == nil && !r.verifying && !r.verified && r.acc.firstPage.n > 0 && r.sched.limit() > int64(r.acc.firstPage.n) {
		r.verifying = true
		r.launch(verifyOffset)
	}
}

func (r *mailboxRead) outstanding() int {
	if r.verifying {
		return len(r.sched.inflight) + 1
	}
	return len(r.sched.inflight)
}

// receive merges a page, or records why the count cannot be exact.
func (r *mailboxRead) receive(res pageRead) {
	switch {
	case res.offset == verifyOffset:
		r.verifying, r.verified = false, true
		if res.err == nil && !r.acc.firstPage.matches(res.page) {
			res.err = fmt.Errorf("%w: its first page differs when read again", errListChanged)
		}
	case r.err == nil && res.err == nil:
		newIDs := r.acc.add(res.offset, res.page)
		res.err = r.sched.done(res.offset, res.page, newIDs, r.acc.counts.Mailboxes, r.c.opts.MaxConcurrent)
	default:
		r.sched.forget(res.offset)
	}
	if res.page != nil {
		pagePool.Put(res.page)
	}
	if res.err != nil && r.err == nil {
		r.err = res.err
		r.cancel() // stop the other pages
	}
}

// verifyItems is how much of the first page is read again: enough to see a
// shift at the front, small enough to cost little more than a round trip.
const verifyItems = 100

// MailboxHint is what one read of a job's selected mailboxes leaves for
// the next: the count, which bounds read-ahead, and the emptied
// de-duplication set, whose memory is reused instead of being allocated
// again at every read. The zero value knows nothing. The API client keeps
// none: the poll does (protection.Memory), and never lends one hint to two
// reads at once.
type MailboxHint struct {
	known bool
	count int64
	set   *idSet
}

// take returns the last count (-1 if none) and an empty set sized for it.
func (h *MailboxHint) take() (int64, *idSet) {
	if !h.known {
		return -1, newIDSet(0)
	}
	if h.set == nil || len(h.set.slots) > fittedSlots(int(h.count))*3/2+1024 {
		// Gone, or grown by doubling in a read that did not know the
		// count: at 250k mailboxes the set kept 524,288 slots (33.6 bytes
		// per mailbox) where 285,716 do (18.3).
		return h.count, newIDSet(int(h.count))
	}
	h.set.clear()
	return h.count, h.set
}

// put keeps a read's count and set. A failed read keeps the last good
// count: its own count may be partial.
func (h *MailboxHint) put(count int64, set *idSet) {
	if h.known && h.count > count {
		count = h.count
	}
	h.known, h.count, h.set = true, count, set
}

var pagePool = sync.Pool{New: func() any { return new(page) }}

// fetchPage reads one page. The page buffer is taken only once a response is
// there, so requests still waiting for a slot hold no memory.
func (c *Client) fetchPage(ctx context.Context, jobID string, offset int64, limit int, details bool) (*page, error) {
	var p *page
	err := c.do(ctx, request{
		method:   http.MethodGet,
		endpoint: "/v1/Jobs/{id}/SelectedMailboxes",
		path:     "/v1/Jobs/" + url.PathEscape(jobID) + "/SelectedMailboxes",
		query:    url.Values{"offset": {strconv.FormatInt(offset, 10)}, "limit": {strconv.Itoa(limit)}},
		auth:     true,
		decode: func(r io.Reader) error {
			if p == nil {
				p = pagePool.Get().(*page)
			}
			if err := decodePage(r, details, p); err != nil {
				return fmt.Errorf("page at offset %d: %w", offset, err)
			}
			return nil
		},
	})
	return p, err
}

// accumulator merges pages in whatever order they arrive. Its memory is the
// de-duplication set plus at most keep listed mailboxes.
type accumulator struct {
	seen      *idSet
	counts    MailboxFigures
	keep      int
	listed    unprotectedHeap
	firstPage pageSignature
}

// errListChanged is wrapped by errors that mean the job's list of mailboxes
// changed while it was paged, so positions shifted under the reader.
var errListChanged = errors.New("the mailbox list changed while it was read")

// pageSignature identifies a page's ids in order, to tell whether a second
// read of it served the same list.
type pageSignature struct {
	n    int
	hash uint64
}

// signatureOf covers the first verifyItems mailboxes, as many as the second
// read asks for.
func signatureOf(p *page) pageSignature {
	items := p.items[:min(len(p.items), verifyItems)]
	h := fnv.New64a()
	for i := range items {
		h.Write(items[i].key[:])
	}
	return pageSignature{len(items), h.Sum64()}
}

func (s pageSignature) matches(p *page) bool { return signatureOf(p) == s }

// consistent checks that every position of the list held a different
// mailbox. A mailbox served at two positions means the list moved under the
// reader (a mailbox at another position was then never served) or the server
// repeats itself; neither gives a count that can be trusted.
func (a *accumulator) consistent(positions int64) error {
	if positions >= 0 && int64(a.counts.Mailboxes) != positions {
		return fmt.Errorf("%w: %d positions held %d distinct mailboxes (%d served more than once)",
			errListChanged, positions, a.counts.Mailboxes, a.counts.Duplicates)
	}
	return nil
}

// add merges a page and returns how many mailboxes were new.
func (a *accumulator) add(offset int64, p *page) int {
	if offset == 0 {
		a.firstPage = signatureOf(p)
	}
	before := a.counts.Mailboxes
	named := p.unprotected
	for i := range p.items {
		it := &p.items[i]
		if !a.seen.add(it.key) {
			a.counts.Duplicates++
			continue
		}
		a.counts.Mailboxes++
		switch it.state {
		case backedUp:
			a.counts.BackedUp++
			continue
		case unrecognized:
			a.counts.Unrecognized++
			if a.counts.UnrecognizedExample == "" {
				a.counts.UnrecognizedExample = p.unrecognizedValue
			}
		}
		if a.keep > 0 {
			for len(named) > 0 && named[0].index < i {
				named = named[1:]
			}
			if len(named) > 0 && named[0].index == i {
				a.listed.offer(a.keep, listedMailbox{offset + int64(i), named[0].mailbox})
			}
		}
	}
	return a.counts.Mailboxes - before
}

func (a *accumulator) result(pages int) MailboxFigures {
	out := a.counts
	out.Pages = pages
	out.NotBackedUp = a.listed.sorted()
	return out
}

// listedMailbox remembers where in the job's list a mailbox stood, so that
// the listed ones are the first in API order however the pages arrived.
type listedMailbox struct {
	position int64
	mailbox  Mailbox
}

// unprotectedHeap is a max-heap on position holding the lowest positions seen.
type unprotectedHeap []listedMailbox

func (h unprotectedHeap) Len() int           { return len(h) }
func (h unprotectedHeap) Less(i, j int) bool { return h[i].position > h[j].position }
func (h unprotectedHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *unprotectedHeap) Push(x any)        { *h = append(*h, x.(listedMailbox)) }
func (h *unprotectedHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

func (h *unprotectedHeap) offer(keep int, m listedMailbox) {
	if h.Len() < keep {
		heap.Push(h, m)
	} else if m.position < (*h)[0].position {
		(*h)[0] = m
		heap.Fix(h, 0)
	}
}

func (h *unprotectedHeap) sorted() []Mailbox {
	out := make([]Mailbox, h.Len())
	for i := len(out) - 1; i >= 0; i-- {
		out[i] = heap.Pop(h).(listedMailbox).mailbox
	}
	return out
}
