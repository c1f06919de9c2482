package protection

import (
	"strings"
	"testing"

	"github.com/vbo365-exporter/vbo365_exporter/vboapi"
)

// TestNullsNeverHideAMailbox: what the server sends null or leaves out
// either fails the jobs whose scope it makes unknown (with an error that
// says so, and no counts) or counts the object as not backed up and
// unresolved; it never leaves a mailbox out of a count without a trace.
func TestNullsNeverHideAMailbox(t *testing.T) {
	for _, tc := range []struct {
		name    string
		spoil   func(f *fakeAPI, jobs []vboapi.Job)
		failing map[string]string // job id: what its error says
		users   Result            // the user job's figures when it does not fail
	}{
		{"selected item without type", func(f *fakeAPI, _ []vboapi.Job) { f.selected["users"][0].Type = "" },
			map[string]string{"users": "selected item 1 has no type", "entire": "selected item 1 has no type"}, Result{}},
		{"excluded item without type", func(f *fakeAPI, _ []vboapi.Job) { f.excluded["group"][0].Type = "" },
			map[string]string{"group": "excluded item 1 has no type", "entire": "excluded item 1 has no type"}, Result{Mailboxes: 2, BackedUp: 2, OldestBackup: t1}},
		{"user item without user", func(f *fakeAPI, _ []vboapi.Job) { f.selected["users"][1].User = nil },
			map[string]string{"users": "selected item 2 (User) names no user", "entire": "names no user"}, Result{}},
		{"user item with null id and name", func(f *fakeAPI, _ []vboapi.Job) { f.selected["users"][1].User = &vboapi.User{} },
			map[string]string{"users": "names no user", "entire": "names no user"}, Result{}},
		{"group item with null id", func(f *fakeAPI, _ []vboapi.Job) { f.selected["group"][0].Group.ID = "" },
			map[string]string{"group": "(Group) names no group", "entire": "names no group"}, Result{Mailboxes: 2, BackedUp: 2, OldestBackup: t1}},
		{"job without backup type", func(_ *fakeAPI, jobs []vboapi.Job) { jobs[2].BackupType = "" },
			map[string]string{"entire": "no backupType"}, Result{Mailboxes: 2, BackedUp: 2, OldestBackup: t1}},
		{"job without organization", func(_ *fakeAPI, jobs []vboapi.Job) { jobs[0].OrganizationID = "" },
			map[string]string{"users": "no organization"}, Result{}},
		{"group look-up answering a group without id", func(f *fakeAPI, _ []vboapi.Job) {
			for k := range f.groups["org"] {
				if f.groups["org"][k].ID == "g-emea" {
					f.groups["org"][k].ID = ""
				}
			}
		}, map[string]string{"group": "without a name or id", "entire": "without a name or id"}, Result{Mailboxes: 2, BackedUp: 2, OldestBackup: t1}},
		{"user without id or name", func(f *fakeAPI, _ []vboapi.Job) { f.users["org"] = append(f.users["org"], vboapi.User{}) },
			map[string]string{"group": "without id or name", "entire": "without id or name"}, Result{Mailboxes: 2, BackedUp: 2, OldestBackup: t1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, jobs := tenant()
			tc.spoil(f, jobs)
			got := compute(f, jobs, 0)
			for k, j := range jobs {
				want, fails := tc.failing[j.ID]
				switch {
				case fails && (got[k].Err == nil || !strings.Contains(got[k].Err.Error(), want)):
					t.Errorf("job %s: error %v, want one saying %q", j.ID, got[k].Err, want)
				case fails && (got[k].Mailboxes != 0 || got[k].BackedUp != 0):
					t.Errorf("job %s failed with counts %+v", j.ID, got[k])
				case !fails && got[k].Err != nil:
					t.Errorf("job %s: %v", j.ID, got[k].Err)
				}
			}
			if _, fails := tc.failing["users"]; !fails {
				r := got[0]
				r.NotBackedUp = nil
				if r.Mailboxes != tc.users.Mailboxes || r.BackedUp != tc.users.BackedUp || !r.OldestBackup.Equal(tc.users.OldestBackup) {
					t.Errorf("user job %+v, want %+v", r, tc.users)
				}
			}
		})
	}
}

// TestUserWithoutIDCountsAsUnresolved: a user the organization's list
// sends without its id, but with its address, is in an entire-
// organization job's scope, not backed up and unresolved, even where the
// repository holds a backup of a user of that address.
func TestUserWithoutIDCountsAsUnresolved(t *testing.T) {
	f, jobs := tenant()
	users := f.users["org"]
	for k := range users {
		if users[k].ID == "id-eve" {
			users[k].ID = ""
		}
	}
	clean := compute(newTenantFake(), jobs, 0)[2]
	got := compute(f, jobs, 0)[2]
	if got.Err != nil {
		t.Fatal(got.Err)
	}
	if got.Mailboxes != clean.Mailboxes || got.BackedUp != clean.BackedUp-1 || got.Unresolved != clean.Unresolved+1 {
		t.Errorf("with eve's id null: %+v; without: %+v; want eve counted, not backed up, unresolved", got, clean)
	}
}

func newTenantFake() *fakeAPI {
	f, _ := tenant()
	return f
}

// TestNullFlagItemsAreCounted: items with a flag sent as null count as
// they did (false), and each job says how many it has, so that the
// exporter can log it.
func TestNullFlagItemsAreCounted(t *testing.T) {
	f, jobs := tenant()
	clean := compute(newTenantFake(), jobs, 0)
	f.selected["users"][0].NullFlags = true // ann, whose mailbox flag is true
	f.selected["users"][2].NullFlags = true
	f.excluded["group"][0].NullFlags = true
	got := compute(f, jobs, 0)
	for k, want := range []int{2, 1, 0} {
		if got[k].NullFlagItems != want {
			t.Errorf("job %s: %d items with null flags, want %d", jobs[k].ID, got[k].NullFlagItems, want)
		}
		got[k].NullFlagItems = 0
		if got[k].Mailboxes != clean[k].Mailboxes || got[k].BackedUp != clean[k].BackedUp {
			t.Errorf("job %s: %+v, without the marks %+v", jobs[k].ID, got[k], clean[k])
		}
	}
}
