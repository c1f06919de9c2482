package simulator

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// defaultLimit is the v1.5 documented page size.
const defaultLimit = 30

func (s *Simulator) jobsReply() *reply {
	b := []byte{'['}
	for i, j := range s.jobs {
		if i > 0 {
			b = append(b, ',')
		}
		b = s.appendJob(b, j)
	}
	return bytesReply(http.StatusOK, append(b, ']'))
}

func (s *Simulator) jobReply(j *jobData) *reply {
	return bytesReply(http.StatusOK, s.appendJob(nil, j))
}

// queryInt reads a query parameter by case-insensitive name, as Web API model
// binding does; ok is false for a malformed or negative value, or one beyond
// the Int32 the server's parameters are declared as.
func queryInt(q url.Values, name string, def int) (v int, ok bool) {
	for k, vs := range q {
		if strings.EqualFold(k, name) && len(vs) > 0 {
			n, err := strconv.ParseInt(vs[0], 10, 32)
			return int(n), err == nil && n >= 0
		}
	}
	return def, true
}

// page describes one SelectedMailboxes response; at maps a result position
// to a physical mailbox so nothing but the page bounds is held in memory.
type page struct {
	job           *jobData
	offset, limit int
	count         int
	at            func(k int) uint64
	next          int // offset of the next link, -1 for none
	odd           bool
}

func (s *Simulator) mailboxesReply(r *http.Request, j *jobData, f *fired) *reply {
	q := r.URL.Query()
	offset, ok := queryInt(q, "offset", 0)
	if !ok {
		return messageReply(http.StatusBadRequest, "The offset parameter must be a non-negative integer.")
	}
	limit, ok := queryInt(q, "limit", defaultLimit)
	if !ok || limit == 0 {
		// limit=0 would make a naive pager loop forever; the v1.5 docs do not
		// define it, so it is rejected like other invalid values.
		return messageReply(http.StatusBadRequest, "The limit parameter must be a positive integer.")
	}
	if s.opts.MaxPageSize > 0 {
		limit = min(limit, s.opts.MaxPageSize)
	}
	kind := FaultKind("")
	if f != nil {
		kind = f.Kind
	}
	s.mu.Lock()
	v := j.snapshot()
	s.mu.Unlock()
	total := v.len()
	if kind == IgnoreOffset {
		offset = 0
	}
	p := &page{job: j, offset: offset, limit: limit, next: -1, odd: kind == OddBooleans}
	p.count = min(max(total-offset, 0), limit)
	if offset+p.count < total {
		p.next = offset + limit
	}
	p.at = func(k int) uint64 { return v.phys(offset + k) }
	switch kind {
	case LoopingNext:
		if total > 0 {
			p.count, p.next = limit, 0
			p.at = func(k int) uint64 { return v.phys((offset + k) % total) }
		}
	case DuplicateIDs:
		p.at = duplicating(v, offset, p.count)
	}
	rep := &reply{status: http.StatusOK, items: p.count, body: func(w io.Writer) error { return s.writePage(w, p) }}
	if kind == MutateBetweenPages {
		add := f.hits%2 == 0
		rep.after = func() {
			s.mu.Lock()
			defer s.mu.Unlock()
			j.mutate(s, add)
		}
	}
	return rep
}

// duplicating makes a page repeat ids already served: the tail of the
// previous page replaces this page's head (or, on the first page, its own
// head replaces its tail), keeping the item count unchanged.
func duplicating(v view, offset, count int) func(int) uint64 {
	n := max(1, count/4)
	return func(k int) uint64 {
		switch {
		case offset >= n && k < n:
			return v.phys(offset - n + k)
		case offset < n && count >= 2 && k >= count-n:
			return v.phys(offset + k - (count - n))
		}
		return v.phys(offset + k)
	}
}

func (s *Simulator) pageLink(j *jobData, offset, limit int) string {
	return fmt.Sprintf("/v1/Jobs/%s/SelectedMailboxes?offset=%d&limit=%d", j.id, offset, limit)
}

// writePage streams the page in chunks so a 10,000-item page never sits in
// memory as one string.
func (s *Simulator) writePage(w io.Writer, p *page) error {
	b := make([]byte, 0, 40<<10)
	b = fmt.Appendf(b, `{"offset":%d,"limit":%d,"results":[`, p.offset, p.limit)
	for k := 0; k < p.count; k++ {
		if k > 0 {
			b = append(b, ',')
		}
		b = s.appendMailbox(b, p.job, s.mailbox(p.job, p.at(k)), p.odd)
		if len(b) > 32<<10 {
			if _, err := w.Write(b); err != nil {
				return err
			}
			b = b[:0]
		}
	}
	b = append(b, `],"_links":{`...)
	b = s.appendLink(b, "first", s.pageLink(p.job, 0, p.limit), false)
	if p.offset > 0 {
		b = s.appendLink(b, "prev", s.pageLink(p.job, max(p.offset-p.limit, 0), p.limit), false)
	}
	b = s.appendLink(b, "self", s.pageLink(p.job, p.offset, p.limit), p.next < 0)
	if p.next >= 0 {
		b = s.appendLink(b, "next", s.pageLink(p.job, p.next, p.limit), true)
	}
	b = append(b, "}}"...)
	_, err := w.Write(b)
	return err
}
