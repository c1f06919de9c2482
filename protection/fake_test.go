package protection

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/vbo365-exporter/vbo365_exporter/vboapi"
)

// fakeAPI is a tenant held in maps, so that the rules can be tested without
// HTTP. It counts the calls per list, to prove that each list is read once.
type fakeAPI struct {
	// V1API is nil: these tests compute v6+ scopes, which never read
	// selected mailboxes (a call would panic and fail the test).
	V1API
	selected, excluded map[string][]vboapi.JobItem
	users              map[string][]vboapi.User // per organization
	members            map[string][]vboapi.GroupMember
	groups             map[string][]vboapi.Group // per organization
	data               map[string][]vboapi.UserData
	fail               map[string]bool // call keys that fail
	// The site and team lists, per organization and per repository (see
	// workloadfake_test.go).
	sites    map[string][]vboapi.Site
	teams    map[string][]vboapi.Team
	siteData map[string][]vboapi.SiteData
	teamData map[string][]vboapi.TeamData

	// order makes the user data wait for the organization's users to be
	// read ("users first") or the reverse ("data first", with dataLeft
	// counting the repositories that will be read).
	order     string
	usersRead chan struct{}
	dataLeft  sync.WaitGroup

	mu    sync.Mutex
	calls map[string]int
}

func newFake() *fakeAPI {
	return &fakeAPI{
		selected: map[string][]vboapi.JobItem{}, excluded: map[string][]vboapi.JobItem{},
		users: map[string][]vboapi.User{}, members: map[string][]vboapi.GroupMember{},
		groups: map[string][]vboapi.Group{}, data: map[string][]vboapi.UserData{},
		fail: map[string]bool{}, calls: map[string]int{}, usersRead: make(chan struct{}),
		sites: map[string][]vboapi.Site{}, teams: map[string][]vboapi.Team{},
		siteData: map[string][]vboapi.SiteData{}, teamData: map[string][]vboapi.TeamData{},
	}
}

var errFake = errors.New("injected failure")

func (f *fakeAPI) call(key string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls[key]++
	if f.fail[key] {
		return fmt.Errorf("%s: %w", key, errFake)
	}
	return nil
}

func (f *fakeAPI) SelectedItems(_ context.Context, job string) ([]vboapi.JobItem, error) {
	return f.selected[job], f.call("selected/" + job)
}

func (f *fakeAPI) ExcludedItems(_ context.Context, job string) ([]vboapi.JobItem, error) {
	return f.excluded[job], f.call("excluded/" + job)
}

func (f *fakeAPI) OrganizationUsers(_ context.Context, org string, _ int, each func(*vboapi.User) error) error {
	switch f.order {
	case "data first":
		f.dataLeft.Wait()
	case "users first":
		defer close(f.usersRead) // one organization
	}
	if err := f.call("users/" + org); err != nil {
		return err
	}
	for i := range f.users[org] {
		if err := each(&f.users[org][i]); err != nil {
			return err
		}
	}
	return nil
}

func (f *fakeAPI) GroupMembers(_ context.Context, _, group string, _ int, each func(*vboapi.GroupMember) error) error {
	if err := f.call("members/" + group); err != nil {
		return err
	}
	for i := range f.members[group] {
		if err := each(&f.members[group][i]); err != nil {
			return err
		}
	}
	return nil
}

func (f *fakeAPI) GroupsNamed(_ context.Context, org, name string) ([]vboapi.Group, error) {
	var out []vboapi.Group
	for _, g := range f.groups[org] {
		// A server's filter may be looser than the exact name.
		if strings.Contains(strings.ToLower(g.Name), strings.ToLower(name)) {
			out = append(out, g)
		}
	}
	return out, f.call("groups/" + strings.ToLower(name))
}

func (f *fakeAPI) RepositoryUserData(_ context.Context, repo string, _ int, each func(*vboapi.UserData) error) error {
	switch f.order {
	case "data first":
		defer f.dataLeft.Done()
	case "users first":
		<-f.usersRead
	}
	if err := f.call("data/" + repo); err != nil {
		return err
	}
	for i := range f.data[repo] {
		if err := each(&f.data[repo][i]); err != nil {
			return err
		}
	}
	return nil
}

func userItem(id, addr string, mailbox *bool) vboapi.JobItem {
	it := vboapi.JobItem{Type: vboapi.ItemUser, User: &vboapi.User{ID: id, Name: addr}}
	if mailbox != nil {
		it.Mailbox = *mailbox
	}
	return it
}

func groupItem(id string) vboapi.JobItem {
	return vboapi.JobItem{Type: vboapi.ItemGroup, Group: &vboapi.Group{ID: id}, Members: true, MemberMailbox: true}
}

func ptr[T any](v T) *T { return &v }
