package protection

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/vbo365-exporter/vbo365_exporter/vboapi"
)

// refresh is one computation. Every list it reads is read once, whatever
// the number of jobs that need it.
type refresh struct {
	ctx   context.Context
	api   API
	opts  Options
	t     *table
	byOrg map[string][]*vboapi.Job

	items   lazy[string, jobItems]
	users   lazy[string, set]
	members lazy[groupKey, []vboapi.GroupMember]
	named   lazy[groupKey, string]
	scopes  lazy[string, scope]
	data    lazy[string, *repoState]
}

type jobItems struct{ selected, excluded []vboapi.JobItem }

// scope is a job's mailboxes, and the nested groups (lower-cased names) its
// items lead to but that could not be followed.
type scope struct {
	mailboxes set
	missing   map[string]bool
}

// addMissing records the groups other could not follow as this scope's too.
func (sc *scope) addMissing(other scope) {
	for name := range other.missing {
		if sc.missing == nil {
			sc.missing = map[string]bool{}
		}
		sc.missing[name] = true
	}
}

type groupKey struct{ org, group string }

func newRefresh(ctx context.Context, api API, all []vboapi.Job, opts Options) *refresh {
	if opts.PageSize < 1 {
		opts.PageSize = 1000
	}
	r := &refresh{ctx: ctx, api: api, opts: opts, t: newTable(opts.KeepUnprotected > 0), byOrg: map[string][]*vboapi.Job{}}
	for i := range all {
		j := &all[i]
		r.byOrg[j.OrganizationID] = append(r.byOrg[j.OrganizationID], j)
	}
	return r
}

func (r *refresh) run(want []*vboapi.Job) []Result {
	out := make([]Result, len(want))
	scopes := make([]scope, len(want))
	var wg sync.WaitGroup
	for k, j := range want {
		wg.Go(func() {
			scopes[k], out[k].Err = r.scopeOf(j)
		})
		wg.Go(func() {
			if j.RepositoryID != "" {
				_, _ = r.repository(j.RepositoryID)
			}
		})
	}
	wg.Wait()
	// The table is complete now: the rest of the repository data can be
	// matched to it, once per repository.
	matched := map[*repoState]bool{}
	for k, j := range want {
		if out[k].Err != nil {
			continue
		}
		if j.RepositoryID == "" {
			out[k].Err = fmt.Errorf("the job names no backup repository")
			continue
		}
		st, err := r.repository(j.RepositoryID)
		if err != nil {
			out[k].Err = err
			continue
		}
		if !matched[st] {
			r.match(st)
			matched[st] = true
		}
		out[k] = r.result(scopes[k], st)
	}
	return out
}

// scopeOf is the job's scope by the rule of docs/protection-v6-v8.md.
func (r *refresh) scopeOf(j *vboapi.Job) (scope, error) {
	return r.scopes.get(j.ID, func() (scope, error) {
		items, err := r.itemsOf(j)
		if err != nil {
			return scope{}, err
		}
		var sc scope
		if j.BackupType == "EntireOrganization" {
			all, err := r.orgUsers(j.OrganizationID)
			if err != nil {
				return scope{}, err
			}
			sc.mailboxes.union(all)
			for _, other := range r.byOrg[j.OrganizationID] {
				if other.ID == j.ID || other.BackupType == "EntireOrganization" {
					continue
				}
				held, err := r.scopeOf(other)
				if err != nil {
					return scope{}, fmt.Errorf("the scope of job %q, which this job leaves out: %w", other.Name, err)
				}
				sc.mailboxes.subtract(held.mailboxes)
			}
		} else {
			if sc, err = r.expand(j.OrganizationID, items.selected); err != nil {
				return scope{}, err
			}
		}
		excluded, err := r.expand(j.OrganizationID, items.excluded)
		if err != nil {
			return scope{}, err
		}
		sc.mailboxes.subtract(excluded.mailboxes)
		sc.addMissing(excluded)
		return sc, nil
	})
}

func (r *refresh) itemsOf(j *vboapi.Job) (jobItems, error) {
	return r.items.get(j.ID, func() (jobItems, error) {
		var it jobItems
		var err error
		if j.BackupType != "EntireOrganization" {
			if it.selected, err = r.api.SelectedItems(r.ctx, j.ID); err != nil {
				return it, err
			}
		}
		it.excluded, err = r.api.ExcludedItems(r.ctx, j.ID)
		return it, err
	})
}

// expand gives the mailboxes a list of items names.
func (r *refresh) expand(org string, items []vboapi.JobItem) (scope, error) {
	var sc scope
	for _, it := range items {
		switch {
		case it.Type == vboapi.ItemUser && it.Mailbox && it.User != nil:
			if it.User.ID != "" {
				sc.mailboxes.add(r.t.user(it.User.ID, it.User.Name, it.User.DisplayName))
			} else if it.User.Name != "" {
				i, _ := r.t.member(it.User.Name, it.User.DisplayName)
				sc.mailboxes.add(i)
			}
		case it.Type == vboapi.ItemGroup && it.Members && it.MemberMailbox && it.Group != nil:
			if err := r.groupMailboxes(org, it.Group.ID, &sc); err != nil {
				return scope{}, err
			}
		case it.Type == vboapi.ItemPartialOrganization && it.Mailbox:
			all, err := r.orgUsers(org)
			if err != nil {
				return scope{}, err
			}
			sc.mailboxes.union(all)
		}
	}
	return sc, nil
}

// groupMailboxes adds the mailboxes of a group and of its nested groups to
// sc, breadth first with a visited set: a cycle is read once, and a group is
// met at its shallowest level, so the depth limit does not depend on the
// order of the members. A member of type Unknown counts as a mailbox:
// leaving it out could hide one.
func (r *refresh) groupMailboxes(org, group string, sc *scope) error {
	type level struct {
		id    string
		depth int // the selected group is 1
	}
	visited := map[string]bool{strings.ToLower(group): true}
	queue := []level{{group, 1}}
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		members, err := r.membersOf(org, cur.id)
		if err != nil {
			return err
		}
		// Logins are matched against the organization's users: all of
		// them first, so that the match does not depend on timing.
		if _, err := r.orgUsers(org); err != nil {
			return err
		}
		for _, m := range members {
			if m.Type != vboapi.MemberGroup {
				i, _ := r.t.member(m.Login, m.Name)
				sc.mailboxes.add(i)
				continue
			}
			name := m.Name
			if name == "" {
				name = m.Login
			}
			id, err := r.groupNamed(org, name)
			if err != nil {
				return err
			}
			switch {
			case id == "":
				sc.addMissing(scope{missing: map[string]bool{strings.ToLower(name): true}})
			case visited[strings.ToLower(id)]:
			case cur.depth+1 > maxGroupDepth:
				visited[strings.ToLower(id)] = true
				sc.addMissing(scope{missing: map[string]bool{strings.ToLower(name): true}})
			default:
				visited[strings.ToLower(id)] = true
				queue = append(queue, level{id, cur.depth + 1})
			}
		}
	}
	return nil
}

// membersOf reads a group's direct members once, as they are: they are
// matched to users only once the organization's users are all read, so the
// two lists can be read at the same time.
func (r *refresh) membersOf(org, group string) ([]vboapi.GroupMember, error) {
	return r.members.get(groupKey{org, group}, func() ([]vboapi.GroupMember, error) {
		var out []vboapi.GroupMember
		seen := map[string]bool{}
		err := r.api.GroupMembers(r.ctx, org, group, r.opts.PageSize, func(m *vboapi.GroupMember) error {
			key := strings.ToLower(m.Type + "/" + m.Login + "/" + m.Name)
			if seen[key] {
				return fmt.Errorf("the member list of group %s names %s (%s) twice", group, m.Login, m.Name)
			}
			seen[key] = true
			out = append(out, *m)
			return nil
		})
		return out, err
	})
}

// groupNamed finds a nested group's id by its name; "" when there is not
// exactly one group of that name.
func (r *refresh) groupNamed(org, name string) (string, error) {
	return r.named.get(groupKey{org, strings.ToLower(name)}, func() (string, error) {
		groups, err := r.api.GroupsNamed(r.ctx, org, name)
		if err != nil {
			return "", err
		}
		id, n := "", 0
		for _, g := range groups {
			if strings.EqualFold(g.Name, name) {
				id, n = g.ID, n+1
			}
		}
		if n != 1 {
			return "", nil
		}
		return id, nil
	})
}

// orgUsers reads every user of the organization once.
func (r *refresh) orgUsers(org string) (set, error) {
	return r.users.get(org, func() (set, error) {
		var s set
		err := r.api.OrganizationUsers(r.ctx, org, r.opts.PageSize, func(u *vboapi.User) error {
			if u.ID == "" {
				return fmt.Errorf("a user without id in the organization's user list")
			}
			i := r.t.user(u.ID, u.Name, u.DisplayName)
			if s.has(i) {
				// One snapshot (setId) never lists a user twice: the
				// server pages wrongly, and a repeat may stand in for
				// a user it left out.
				return fmt.Errorf("the organization's user list names user %s twice", u.ID)
			}
			s.add(i)
			return nil
		})
		return s, err
	})
}
