package protection

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/vbo365-exporter/vbo365_exporter/vboapi"
)

var (
	t0 = time.Date(2026, 11, 30, 22, 0, 0, 0, time.UTC)
	t1 = time.Date(2021, 3, 1, 4, 0, 0, 0, time.UTC) // backed up long ago
)

// tenant is one organization of eight users, three groups and two
// repositories, with the hard cases of docs/protection-v6-v8.md.
func tenant() (*fakeAPI, []vboapi.Job) {
	f := newFake()
	for _, u := range []string{"ann", "bob", "cat", "dan", "eve", "fay", "gus", "hal"} {
		f.users["org"] = append(f.users["org"], vboapi.User{ID: "id-" + u, Name: u + "@Example.com", Type: "User"})
	}
	f.groups["org"] = []vboapi.Group{{ID: "g-sales", Name: "sales"}, {ID: "g-emea", Name: "emea"}, {ID: "g-emea-2", Name: "emea-2"}}
	f.members["g-sales"] = []vboapi.GroupMember{
		{Login: "BOB@example.com", Type: "User"},
		{Login: "cat@example.com", Type: "User"},
		{Login: "guest@partner.example", Type: "User"}, // matches no user
		{Name: "emea", Type: "Group"},
		{Name: "missing", Type: "Group"}, // no such group
	}
	f.members["g-emea"] = []vboapi.GroupMember{
		{Login: "dan@example.com", Type: "User"},
		{Name: "sales", Type: "Group"}, // a cycle
	}
	f.selected["users"] = []vboapi.JobItem{
		userItem("id-ann", "ann@example.com", ptr(true)),
		userItem("id-bob", "bob@example.com", ptr(true)),
		userItem("id-hal", "hal@example.com", ptr(false)), // adds nothing
		userItem("id-gus", "gus@example.com", nil),        // null: adds nothing
	}
	f.selected["group"] = []vboapi.JobItem{groupItem("g-sales")}
	f.excluded["group"] = []vboapi.JobItem{userItem("id-cat", "cat@example.com", ptr(true))}
	f.excluded["entire"] = []vboapi.JobItem{userItem("id-fay", "fay@example.com", ptr(true))}
	f.data["r1"] = []vboapi.UserData{
		{ID: "id-ann", Email: "ann@example.com", MailboxBackedUp: true, MailboxTime: t0},
		{ID: "id-bob", Email: "bob@example.com", MailboxBackedUp: true, MailboxTime: t1},
	}
	f.data["r2"] = []vboapi.UserData{
		{ID: "id-bob", Email: "bob@example.com", MailboxBackedUp: false}, // bob is in two jobs
		{ID: "id-dan", Email: "dan@example.com", MailboxBackedUp: true, MailboxTime: t0},
		{ID: "id-eve", Email: "eve@example.com", MailboxBackedUp: true, MailboxTime: t0},
		{ID: "id-gus", Email: "gus@example.com", MailboxBackedUp: true, MailboxTime: t1},
		{ID: "id-other-org", Email: "zed@elsewhere.example", MailboxBackedUp: true, MailboxTime: t0},
	}
	jobs := []vboapi.Job{
		{ID: "users", BackupType: "SelectedItems", OrganizationID: "org", RepositoryID: "r1"},
		{ID: "group", BackupType: "SelectedItems", OrganizationID: "org", RepositoryID: "r2"},
		{ID: "entire", BackupType: "EntireOrganization", OrganizationID: "org", RepositoryID: "r2"},
	}
	return f, jobs
}

func compute(f *fakeAPI, jobs []vboapi.Job, keep int) []Result {
	want := make([]*vboapi.Job, len(jobs))
	for i := range jobs {
		want[i] = &jobs[i]
	}
	return Compute(context.Background(), f, jobs, want, Options{PageSize: 10, KeepNotBackedUp: keep})
}

func TestScopeAndBackup(t *testing.T) {
	f, jobs := tenant()
	got := compute(f, jobs, 10)
	want := []Result{
		// ann and bob: hal's mailbox flag is false, gus's is null.
		{Mailboxes: 2, BackedUp: 2, OldestBackup: t1},
		// sales (bob, guest) and its nested emea (dan), the cycle back to
		// sales read once; cat is excluded; the missing group is counted.
		{Mailboxes: 3, BackedUp: 1, Unresolved: 2, OldestBackup: t0, NotBackedUp: []Mailbox{
			{ID: "id-bob", Address: "bob@example.com"}, {Address: "guest@partner.example"}}},
		// every user but fay (excluded) and ann, bob, dan (the other jobs
		// hold them); cat is excluded from the group job only, so she
		// stays. eve is backed up, cat, gus, hal are not in r2 or not
		// backed up there... gus is, long ago.
		{Mailboxes: 4, BackedUp: 2, OldestBackup: t1, NotBackedUp: []Mailbox{
			{ID: "id-cat", Address: "cat@example.com"}, {ID: "id-hal", Address: "hal@example.com"}}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got  %+v\nwant %+v", got, want)
	}
	for key, n := range f.calls {
		if n != 1 {
			t.Errorf("%s read %d times, want once", key, n)
		}
	}
}

func TestFailureFailsOnlyTheJobsThatNeedIt(t *testing.T) {
	f, jobs := tenant()
	f.fail["members/g-emea"] = true
	got := compute(f, jobs, 0)
	if got[0].Err != nil || got[0].Mailboxes != 2 {
		t.Errorf("the user job needs no group: %+v", got[0])
	}
	for _, k := range []int{1, 2} { // the entire-org job leaves out the group job's scope
		if !errors.Is(got[k].Err, errFake) || got[k].Mailboxes != 0 {
			t.Errorf("job %s: %+v, want the injected failure and no counts", jobs[k].ID, got[k])
		}
	}

	f, jobs = tenant()
	f.fail["data/r1"] = true
	got = compute(f, jobs, 0)
	if !errors.Is(got[0].Err, errFake) || got[1].Err != nil || got[2].Err != nil {
		t.Errorf("a repository failure must fail only its jobs: %v %v %v", got[0].Err, got[1].Err, got[2].Err)
	}
}

func TestDoubtMeansNotBackedUp(t *testing.T) {
	f, jobs := tenant()
	// Two entries for ann that disagree, and bob backed up without a time.
	f.data["r1"] = []vboapi.UserData{
		{ID: "id-ann", MailboxBackedUp: true, MailboxTime: t0},
		{ID: "id-ann", MailboxBackedUp: false},
		{ID: "id-bob", MailboxBackedUp: true},
	}
	got := compute(f, jobs[:1], 0)[0]
	if got.Mailboxes != 2 || got.BackedUp != 1 || !got.OldestBackup.IsZero() {
		t.Errorf("got %+v, want 2 mailboxes, 1 backed up, no oldest time", got)
	}
}

func TestMatchByAddressWhenIDsDiffer(t *testing.T) {
	f, jobs := tenant()
	f.data["r1"] = []vboapi.UserData{{ID: "other-id-space", Email: "ANN@example.com", MailboxBackedUp: true, MailboxTime: t0}}
	got := compute(f, jobs[:1], 0)[0]
	if got.Mailboxes != 2 || got.BackedUp != 1 {
		t.Errorf("got %+v, want ann matched by address", got)
	}
}

func TestUnresolvedMemberNeverBackedUp(t *testing.T) {
	f, jobs := tenant()
	f.data["r2"] = append(f.data["r2"], vboapi.UserData{ID: "x", Email: "guest@partner.example", MailboxBackedUp: true, MailboxTime: t0})
	got := compute(f, jobs[1:2], 0)[0]
	if got.BackedUp != 1 {
		t.Errorf("got %+v: a member that matches no user must stay not backed up", got)
	}
}

func TestDeepNestingStops(t *testing.T) {
	f, jobs := tenant()
	// g0 > g1 > ... > g11: the members of groups past maxGroupDepth are not read.
	f.selected["group"] = []vboapi.JobItem{groupItem("g0")}
	f.excluded["group"] = nil
	f.groups["org"] = nil
	for d := range 12 {
		id, next := "g"+string(rune('a'+d)), "g"+string(rune('a'+d+1))
		if d == 0 {
			id = "g0"
		}
		f.groups["org"] = append(f.groups["org"], vboapi.Group{ID: next, Name: next})
		f.members[id] = []vboapi.GroupMember{{Login: "ann@example.com", Type: "User"}, {Name: next, Type: "Group"}}
	}
	got := compute(f, jobs[1:2], 0)[0]
	if got.Err != nil || got.Mailboxes != 1 || got.Unresolved != 1 {
		t.Errorf("got %+v, want ann once and one group past the depth limit", got)
	}
	if f.calls["members/g"+string(rune('a'+maxGroupDepth))] != 0 {
		t.Errorf("a group past the depth limit was read")
	}
}

// TestUserDataOrderDoesNotMatter: an entry is merged as it arrives when its
// user is known, and waits otherwise; either way each job gets the same
// figures, disagreeing duplicates and matches by address included.
func TestUserDataOrderDoesNotMatter(t *testing.T) {
	var results [][]Result
	for _, order := range []string{"users first", "data first"} {
		f, jobs := tenant()
		f.order = order
		f.dataLeft.Add(2)
		f.data["r2"] = append(f.data["r2"],
			vboapi.UserData{ID: "id-eve", Email: "eve@example.com", MailboxBackedUp: true, MailboxTime: t1}, // older: counts
			vboapi.UserData{ID: "id-cat", Email: "cat@example.com", MailboxBackedUp: true, MailboxTime: t0},
			vboapi.UserData{ID: "id-cat", Email: "cat@example.com", MailboxBackedUp: false}, // disagrees
			vboapi.UserData{ID: "new-id-of-hal", Email: "HAL@example.com", MailboxBackedUp: true, MailboxTime: t0},
		)
		results = append(results, compute(f, jobs, 10))
	}
	want := Result{Mailboxes: 4, BackedUp: 3, OldestBackup: t1, NotBackedUp: []Mailbox{{ID: "id-cat", Address: "cat@example.com"}}}
	if !reflect.DeepEqual(results[1][2], want) {
		t.Errorf("entire-organization job, data first: got %+v, want %+v", results[1][2], want)
	}
	if !reflect.DeepEqual(results[0], results[1]) {
		t.Errorf("users first: %+v\ndata first:  %+v", results[0], results[1])
	}
}

// TestUnprotectedMailboxesHaveNames: a listed mailbox carries the display
// name its user or group member was given.
func TestUnprotectedMailboxesHaveNames(t *testing.T) {
	f, jobs := tenant()
	for i := range f.users["org"] {
		u := &f.users["org"][i]
		u.DisplayName = "Display " + u.ID
	}
	f.members["g-sales"][2].Name = "Guest of Partner"
	got := compute(f, jobs[1:2], 10)[0]
	want := []Mailbox{{ID: "id-bob", Address: "bob@example.com", Name: "Display id-bob"}, {Address: "guest@partner.example", Name: "Guest of Partner"}}
	if !reflect.DeepEqual(got.NotBackedUp, want) {
		t.Errorf("got %+v, want %+v", got.NotBackedUp, want)
	}
	if got := compute(f, jobs[1:2], 0)[0]; got.NotBackedUp != nil {
		t.Errorf("names kept with no list asked: %+v", got.NotBackedUp)
	}
}

// TestRepeatsFailTheList: a user or a group member listed twice means the
// server pages wrongly (a repeat may stand in for one it left out), so the
// jobs that need the list fail instead of counting what was read.
func TestRepeatsFailTheList(t *testing.T) {
	f, jobs := tenant()
	f.users["org"] = append(f.users["org"], f.users["org"][3])
	for k, got := range compute(f, jobs, 0) {
		if jobs[k].ID != "users" && got.Err == nil {
			t.Errorf("job %s: %+v, want a failure for the repeated user", jobs[k].ID, got)
		}
	}
	f, jobs = tenant()
	f.members["g-emea"] = append(f.members["g-emea"], vboapi.GroupMember{Login: "DAN@example.com", Type: "User"})
	got := compute(f, jobs, 0)
	if got[0].Err != nil || got[1].Err == nil || got[2].Err == nil {
		t.Errorf("a repeated member must fail the group's jobs only: %v %v %v", got[0].Err, got[1].Err, got[2].Err)
	}
}
