package vboapi

import (
	"context"
	"errors"
	"fmt"
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
				got, err := c.SelectedMailboxes(context.Background(), "job-1", tc.pageSize, 0)
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
	for _, conc := range []int{1, 8} {
		t.Run(fmt.Sprint(conc), func(t *testing.T) {
			f := newFakeAPI(250, everyThird)
			f.ignoreOffset = true
			c, _ := newTestClient(t, f, conc)
			_, err := c.SelectedMailboxes(context.Background(), "job-1", 100, 0)
			if !errors.Is(err, ErrNotAdvancing) {
				t.Fatalf("err = %v, want ErrNotAdvancing", err)
			}
			if n := f.pageRequests.Load(); n > int64(conc)+2 {
				t.Errorf("%d page requests before giving up", n)
			}
		})
	}
}

func TestSelectedMailboxesDuplicatesCountOnce(t *testing.T) {
	f := newFakeAPI(10, everyThird)
	// The same mailbox at positions 3 and 7, as when a mailbox moves in the
	// list between two pages.
	f.mailboxes[7] = f.mailboxes[3]
	c, _ := newTestClient(t, f, 2)
	got, err := c.SelectedMailboxes(context.Background(), "job-1", 4, 0)
	if err != nil {
		t.Fatal(err)
	}
	if got.Mailboxes != 9 || got.Duplicates != 1 {
		t.Fatalf("got %+v, want 9 distinct mailboxes and 1 duplicate", got)
	}
}

func TestSelectedMailboxesListsFirstUnprotected(t *testing.T) {
	f := newFakeAPI(100, everyThird)
	c, _ := newTestClient(t, f, 8)
	got, err := c.SelectedMailboxes(context.Background(), "job-1", 10, 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Unprotected) != 3 {
		t.Fatalf("listed %d, want 3", len(got.Unprotected))
	}
	for i, want := range []int{0, 3, 6} {
		m := got.Unprotected[i]
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
	got, err := c.SelectedMailboxes(context.Background(), "job-1", 4, 0)
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
