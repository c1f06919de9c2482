package vboapi

import (
	"fmt"
	"sort"
)

// interval is the half-open range of list positions [from, to).
type interval struct{ from, to int64 }

// scheduler decides which offsets to ask for. It tracks the positions that
// pages have covered and the ones requested, so that it always asks for the
// first position nobody has, and it learns where the list ends from short or
// empty pages. A server that serves fewer items than asked (a smaller echoed
// limit) just leaves gaps that are asked for next.
type scheduler struct {
	stride   int64           // items a page is expected to hold
	covered  []interval      // sorted, merged
	inflight map[int64]int64 // offset -> stride when asked
	end      int64           // exact end, from a short page; -1 if unknown
	bound    int64           // no items at or past this, from an empty page; -1 if unknown
	expected int64           // the end at the last poll, -1 if unknown; limits read-ahead only
	pages    int
}

func newScheduler(pageSize, expected int64) *scheduler {
	return &scheduler{stride: pageSize, inflight: map[int64]int64{}, end: -1, bound: -1, expected: expected}
}

// limit is where asking must stop, or -1 while the end is unknown.
func (s *scheduler) limit() int64 {
	if s.end >= 0 {
		return s.end
	}
	return s.bound
}

// next returns the first offset neither covered nor asked for, if any.
func (s *scheduler) next() (int64, bool) {
	taken := append([]interval(nil), s.covered...)
	for off, stride := range s.inflight {
		taken = append(taken, interval{off, off + stride})
	}
	sort.Slice(taken, func(i, j int) bool { return taken[i].from < taken[j].from })
	var pos int64
	for _, iv := range taken {
		if iv.from > pos {
			break
		}
		pos = max(pos, iv.to)
	}
	if lim := s.limit(); lim >= 0 && pos >= lim {
		return 0, false
	}
	// Past the end the last poll saw, read one page at a time: the list
	// most likely ends there, and pages asked for past the end would only
	// hold request slots that other jobs could use.
	if s.expected >= 0 && pos > s.expected && len(s.inflight) > 0 {
		return 0, false
	}
	s.inflight[pos] = s.stride
	return pos, true
}

// forget drops a request whose result is discarded.
func (s *scheduler) forget(offset int64) { delete(s.inflight, offset) }

// done records a page read at offset. It fails when the pages contradict one
// another (the list changed while it was read) or stop advancing.
func (s *scheduler) done(offset int64, p *page, newIDs, distinct, concurrency int) error {
	limit := s.inflight[offset] // as asked, unless the server echoes its own
	delete(s.inflight, offset)
	s.pages++
	n := int64(len(p.items))
	if p.limit > 0 {
		limit = p.limit
		s.stride = min(s.stride, p.limit) // the server caps the page size
	}
	full := n > 0 && n >= limit
	if n > 0 {
		s.cover(offset, offset+n)
	}

	switch {
	case n > 0 && p.offset >= 0 && p.offset != offset:
		return fmt.Errorf("%w: asked for offset %d, the server answered with offset %d", ErrNotAdvancing, offset, p.offset)
	case p.hasNext && p.nextOffset >= 0 && p.nextOffset <= offset:
		return fmt.Errorf("%w: the page at offset %d links back to offset %d as next", ErrNotAdvancing, offset, p.nextOffset)
	case n > 0 && newIDs == 0 && (full || p.hasNext):
		return fmt.Errorf("%w: the page at offset %d holds only mailboxes already served (does the server ignore offset, or loop in _links.next?)", ErrNotAdvancing, offset)
	case n == 0:
		if s.end >= 0 && offset < s.end {
			return fmt.Errorf("%w: empty page at offset %d, before the end at %d", errListChanged, offset, s.end)
		}
		if s.bound < 0 || offset < s.bound {
			s.bound = offset
		}
	case !full && !p.hasNext:
		end := offset + n
		if (s.end >= 0 && s.end != end) || (s.bound >= 0 && s.bound < end) {
			return fmt.Errorf("%w: pages end at %d and at %d", errListChanged, max(s.end, s.bound), end)
		}
		s.end = end
	default:
		if lim := s.limit(); lim >= 0 && offset+n > lim {
			return fmt.Errorf("%w: items at %d past the end at %d", errListChanged, offset+n, lim)
		}
	}
	// A well-behaved server needs about distinct/stride pages; allow slack
	// for read-ahead and overlap, and stop a server that keeps inventing more.
	if budget := 2*(int64(distinct)/max(s.stride, 1)) + 2*int64(concurrency) + 10; int64(s.pages) > budget {
		return fmt.Errorf("%w: %d pages read for %d distinct mailboxes", ErrNotAdvancing, s.pages, distinct)
	}
	return nil
}

func (s *scheduler) cover(from, to int64) {
	s.covered = append(s.covered, interval{from, to})
	sort.Slice(s.covered, func(i, j int) bool { return s.covered[i].from < s.covered[j].from })
	merged := s.covered[:1]
	for _, iv := range s.covered[1:] {
		last := &merged[len(merged)-1]
		if iv.from <= last.to {
			last.to = max(last.to, iv.to)
		} else {
			merged = append(merged, iv)
		}
	}
	s.covered = merged
}
