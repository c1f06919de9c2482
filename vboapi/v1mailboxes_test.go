package vboapi

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
)

func TestSelectedMailboxesPaging(t *testing.T) {
	cases := []struct {
		name     string
		n        int
		pageSize int
		setup    func(*fakeAPI)
	}{
		{name: "exact multiple of the page size", n: 300, pageSize: 100},
		{name: "short last page", n: 250, pageSize: 100},
		{name: "single short page", n: 7, pageSize: 100},
		{name: "empty job", n: 0, pageSize: 100},
		{name: "one item per page", n: 9, pageSize: 1},
		{name: "server echoes a smaller limit", n: 1234, pageSize: 1000, setup: func(f *fakeAPI) { f.maxLimit = 100 }},
		{name: "smaller limit, exact multiple", n: 400, pageSize: 1000, setup: func(f *fakeAPI) { f.maxLimit = 100 }},
		{name: "no echo, full pages", n: 500, pageSize: 100, setup: func(f *fakeAPI) { f.noEcho = true }},
		{name: "links name an unreachable host", n: 95, pageSize: 30, setup: func(f *fakeAPI) { f.linkHost = "10.255.255.1:4443" }},
	}
	for _, tc := range cases {
		for _, conc := range []int{1, 4, 16} {
			t.Run(fmt.Sprintf("%s/concurrency=%d", tc.name, conc), func(t *testing.T) {
				f := newFakeAPI(tc.n, everyThird)
				if tc.setup != nil {
					tc.setup(f)
				}
				c, _ := newTestClient(t, f, conc)
				got, err := c.SelectedMailboxes(context.Background(), "job-1", tc.pageSize, 0, nil)
				if err != nil {
					t.Fatal(err)
				}
				wantBacked := tc.n - (tc.n+2)/3
				if got.Mailboxes != tc.n || got.BackedUp != wantBacked || got.Duplicates != 0 || got.Unrecognized != 0 {
					t.Fatalf("got %+v, want %d mailboxes, %d backed up", got, tc.n, wantBacked)
				}
			})
		}
	}
}

func TestSelectedMailboxesNonAdvancingServer(t *testing.T) {
	// With offset echoed, the wrong echo gives it away; without, the pages
	// that repeat what was already served do.
	for _, tc := range []struct {
		conc   int
		noEcho bool
	}{{1, false}, {8, false}, {1, true}, {8, true}} {
		conc := tc.conc
		t.Run(fmt.Sprintf("concurrency=%d/noEcho=%v", tc.conc, tc.noEcho), func(t *testing.T) {
			f := newFakeAPI(250, everyThird)
			f.ignoreOffset, f.noEcho = true, tc.noEcho
			c, _ := newTestClient(t, f, conc)
			_, err := c.SelectedMailboxes(context.Background(), "job-1", 100, 0, nil)
			if !errors.Is(err, ErrNotAdvancing) {
				t.Fatalf("err = %v, want ErrNotAdvancing", err)
			}
			if n := f.pageRequests.Load(); n > int64(conc)+2 {
				t.Errorf("%d page requests before giving up", n)
			}
		})
	}
}

func TestSelectedMailboxesOverlappingPagesCountOnce(t *testing.T) {
	for _, conc := range []int{1, 4} {
		f := newFakeAPI(23, everyThird)
		f.overserve = 2 // each page holds 2 more mailboxes than asked, overlapping the next one
		c, _ := newTestClient(t, f, conc)
		got, err := c.SelectedMailboxes(context.Background(), "job-1", 5, 0, nil)
		if err != nil {
			t.Fatal(err)
		}
		// Read serially, the pager asks for the first position not yet
		// covered, so only reading ahead makes pages overlap.
		if got.Mailboxes != 23 || got.BackedUp != 23-8 || (conc > 1) != (got.Duplicates > 0) {
			t.Fatalf("concurrency %d: got %+v, want 23 mailboxes, 15 backed up", conc, got)
		}
	}
}

func TestSelectedMailboxesSameMailboxAtTwoPositionsFails(t *testing.T) {
	f := newFakeAPI(10, everyThird)
	// The same mailbox at positions 3 and 7: the list moved between two
	// pages, or the server repeats itself. Either way one position's real
	// mailbox was never served, so no count can be trusted.
	f.mailboxes[7] = f.mailboxes[3]
	c, _ := newTestClient(t, f, 2)
	_, err := c.SelectedMailboxes(context.Background(), "job-1", 4, 0, nil)
	if !errors.Is(err, errListChanged) || !strings.Contains(err.Error(), "10 positions held 9 distinct mailboxes") {
		t.Fatalf("err = %v", err)
	}
}

func TestSelectedMailboxesFrontChangeDetected(t *testing.T) {
	f := newFakeAPI(30, everyThird)
	var once sync.Once
	f.afterPage = func(offset int) {
		if offset == 0 {
			// A mailbox leaves the front of the list after the first page:
			// every later position shifts by one.
			once.Do(func() {
				f.mu.Lock()
				f.mailboxes = f.mailboxes[1:]
				f.mu.Unlock()
			})
		}
	}
	c, _ := newTestClient(t, f, 1)
	_, err := c.SelectedMailboxes(context.Background(), "job-1", 10, 0, nil)
	if !errors.Is(err, errListChanged) {
		t.Fatalf("err = %v, want the list change detected", err)
	}
}

func TestSelectedMailboxesListsFirstUnprotected(t *testing.T) {
	f := newFakeAPI(100, everyThird)
	c, _ := newTestClient(t, f, 8)
	got, err := c.SelectedMailboxes(context.Background(), "job-1", 10, 3, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.NotBackedUp) != 3 {
		t.Fatalf("listed %d, want 3", len(got.NotBackedUp))
	}
	for i, want := range []int{0, 3, 6} {
		m := got.NotBackedUp[i]
		if m.ID != guid(want) || m.Email != fmt.Sprintf("user%s@example.onmicrosoft.com", guid(want)[:8]) || m.Name != "User "+guid(want)[:8] {
			t.Errorf("listed[%d] = %+v, want mailbox %d", i, m, want)
		}
	}
}

func TestSelectedMailboxesOddValuesCountAsNotBackedUp(t *testing.T) {
	values := []string{
		`"isBackedUp":true,`, `"isBackedUp":"TRUE",`, `"isBackedup":"true",`, `"IsBackedUp":"True",`, // backed up
		`"isBackedUp":false,`, `"isBackedUp":"False",`, // not backed up
		`"isBackedUp":null,`, `"isBackedUp":"yes",`, `"isBackedUp":1,`, ``, `"isBackedUp":"true","isBackedup":"false",`, // unrecognized
	}
	f := newFakeAPI(len(values), func(i int) string { return values[i] })
	c, _ := newTestClient(t, f, 1)
	got, err := c.SelectedMailboxes(context.Background(), "job-1", 4, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got.Mailboxes != 11 || got.BackedUp != 4 || got.Unrecognized != 5 {
		t.Fatalf("got %+v, want 11 mailboxes, 4 backed up, 5 unrecognized", got)
	}
	if got.UnrecognizedExample != "null" {
		t.Errorf("example = %q, want the first odd value", got.UnrecognizedExample)
	}
}

// TestHintCarriesOver: the hint a read leaves paces the next read, which
// then stops at the end, and lends it an emptied set.
func TestHintCarriesOver(t *testing.T) {
	f := newFakeAPI(250, everyThird)
	c, _ := newTestClient(t, f, 4)
	var hint MailboxHint
	for poll := range 3 {
		got, err := c.SelectedMailboxes(context.Background(), "job-1", 100, 0, &hint)
		if err != nil || got.Mailboxes != 250 || got.BackedUp != 250-84 {
			t.Fatalf("poll %d: %+v, %v", poll, got, err)
		}
	}
	// With the last count known, read-ahead stops at the end: 3 pages and
	// the second read of the first page.
	before := f.pageRequests.Load()
	if _, err := c.SelectedMailboxes(context.Background(), "job-1", 100, 0, &hint); err != nil {
		t.Fatal(err)
	}
	if n := f.pageRequests.Load() - before; n != 4 {
		t.Errorf("%d page requests with the count known, want 4", n)
	}
	if count, set := hint.take(); count != 250 || set.len() != 0 {
		t.Fatalf("hint = %d, %d keys; want the count and an emptied set", count, set.len())
	}
	if count, _ := new(MailboxHint).take(); count != -1 {
		t.Fatalf("an empty hint knows a count of %d", count)
	}
}

func TestSelectedMailboxesNextLinkPointingBackFails(t *testing.T) {
	f := newFakeAPI(50, everyThird)
	f.nextBack = true
	c, _ := newTestClient(t, f, 1)
	_, err := c.SelectedMailboxes(context.Background(), "job-1", 10, 0, nil)
	if !errors.Is(err, ErrNotAdvancing) || !strings.Contains(err.Error(), "links back to offset 0") {
		t.Fatalf("err = %v", err)
	}
}

// TestOversizedSetIsRefitted: a set that grew by doubling in a poll that
// did not know the count is replaced by one fitted to the count; a fitted
// one is reused as it is.
func TestOversizedSetIsRefitted(t *testing.T) {
	grown := newIDSet(0)
	for i := range 250_000 {
		var k mailboxKey
		k[0], k[1], k[2] = byte(i), byte(i>>8), byte(i>>16)
		grown.add(k)
	}
	if len(grown.slots) != 524_288 {
		t.Fatalf("grown to %d slots; the test assumes 524,288", len(grown.slots))
	}
	var hint MailboxHint
	hint.put(250_000, grown)
	_, set := hint.take()
	if set == grown || len(set.slots) != fittedSlots(250_000) {
		t.Fatalf("kept %d slots, want a new set of %d", len(set.slots), fittedSlots(250_000))
	}
	hint.put(250_000, set)
	if _, again := hint.take(); again != set {
		t.Error("a fitted set was not reused")
	}
}
