package protection

import (
	"cmp"
	"fmt"
	"strings"

	"github.com/vbo365-exporter/vbo365_exporter/protection/intern"
	"github.com/vbo365-exporter/vbo365_exporter/vboapi"
)

// expand gives the objects a list of items names, for the wanted
// workloads.
func (r *computation) expand(org string, items []vboapi.JobItem) (scope, error) {
	var sc scope
	for k := range items {
		it := &items[k]
		if adds := itemAdds(it) & r.want; adds != 0 {
			if err := r.expandItem(org, it, adds, &sc); err != nil {
				return scope{}, err
			}
		}
	}
	return sc, nil
}

// expandItem adds to sc what one item adds for the workloads of adds.
func (r *computation) expandItem(org string, it *vboapi.JobItem, adds WorkloadSet, sc *scope) error {
	switch it.Type {
	case vboapi.ItemUser:
		if i, ok := r.itemUser(it.User); ok {
			adds.each(func(w Workload) { sc.objects[w].Add(i) })
		}
	case vboapi.ItemGroup:
		if members := adds.userOnly(); members != 0 {
			g, err := r.groupScope(org, it.Group.ID)
			if err != nil {
				return err
			}
			members.each(func(w Workload) {
				sc.objects[w].Union(g.members)
				sc.addMissingNames(w, g.missing)
			})
		}
		if adds.Has(WorkloadSite) {
			// The group names its site by URL only.
			sc.objects[WorkloadSite].Add(r.sites.object("", siteKey(it.Group.Site), ""))
		}
	case vboapi.ItemPartialOrganization, vboapi.ItemPersonalSites:
		if users := adds.userOnly(); users != 0 {
			all, err := r.orgUsers(org)
			if err != nil {
				return err
			}
			users.each(func(w Workload) { sc.objects[w].Union(all) })
		}
		for _, w := range []Workload{WorkloadSite, WorkloadTeam} {
			if adds.Has(w) {
				objects, err := r.orgObjects(w, org)
				sc.addOrgObjects(w, objects, err)
			}
		}
	case vboapi.ItemSite:
		if i, ok := r.siteOf(it.Site); ok {
			sc.objects[WorkloadSite].Add(i)
		}
	case vboapi.ItemTeam:
		if i, ok := r.teamOf(it.Team); ok {
			sc.objects[WorkloadTeam].Add(i)
		}
	}
	return nil
}

// itemUser interns the user of a User item (internUser) and notes a
// public folder mailbox.
func (r *computation) itemUser(u *vboapi.User) (int32, bool) {
	i, ok := r.internUser(u)
	if ok {
		r.notePublic(i, u.Type)
	}
	return i, ok
}

// internUser interns a user by id, else by address as a group member that
// matches no user is kept, so that one sent without its id counts as not
// backed up and in Unresolved; ok is false when it has neither.
func (r *computation) internUser(u *vboapi.User) (int32, bool) {
	switch {
	case u.ID != "":
		return r.t.user(u.ID, u.Name, u.DisplayName), true
	case u.Name != "":
		i, _ := r.t.member(u.Name, u.DisplayName)
		return i, true
	}
	return 0, false
}

// notePublic records a public folder mailbox (RESTUser type Public),
// which has no OneDrive or personal site; only those two workloads ask.
func (r *computation) notePublic(i int32, typ string) {
	if typ == "Public" && (r.want.Has(WorkloadOneDrive) || r.want.Has(WorkloadPersonalSite)) {
		r.t.markPublic(i)
	}
}

// groupScope is the members of a group and of its nested groups, and the
// nested groups that could not be followed.
type groupScope struct {
	members intern.Set
	missing map[string]bool
}

func (g *groupScope) addMissing(name string) {
	if g.missing == nil {
		g.missing = map[string]bool{}
	}
	g.missing[strings.ToLower(name)] = true
}

// groupScope expands a group breadth first with a visited set: a cycle is
// read once, and a group is met at its shallowest level, so the depth
// limit does not depend on the order of the members. A member of type
// Unknown counts as a user: leaving it out could hide a mailbox.
func (r *computation) groupScope(org, group string) (groupScope, error) {
	type level struct {
		id    string
		depth int // the selected group is 1
	}
	var g groupScope
	visited := map[string]bool{strings.ToLower(group): true}
	queue := []level{{group, 1}}
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		members, err := r.membersOf(org, cur.id)
		if err != nil {
			return groupScope{}, err
		}
		// Logins are matched against the organization's users: all of
		// them first, so that the match does not depend on timing.
		if _, err := r.orgUsers(org); err != nil {
			return groupScope{}, err
		}
		for _, m := range members {
			if m.Type != vboapi.MemberGroup {
				i, _ := r.t.member(m.Login, m.Name)
				g.members.Add(i)
				continue
			}
			name := m.Name
			if name == "" {
				name = m.Login
			}
			id, err := r.groupNamed(org, name)
			if err != nil {
				return groupScope{}, err
			}
			switch {
			case id == "":
				g.addMissing(name)
			case visited[strings.ToLower(id)]:
			case cur.depth+1 > maxGroupDepth:
				visited[strings.ToLower(id)] = true
				g.addMissing(name)
			default:
				visited[strings.ToLower(id)] = true
				queue = append(queue, level{id, cur.depth + 1})
			}
		}
	}
	return g, nil
}

// membersOf reads a group's direct members once, as they are: they are
// matched to users only once the organization's users are all read, so the
// two lists can be read at the same time.
func (r *computation) membersOf(org, group string) ([]vboapi.GroupMember, error) {
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
func (r *computation) groupNamed(org, name string) (string, error) {
	return r.named.get(groupKey{org, strings.ToLower(name)}, func() (string, error) {
		groups, err := r.api.GroupsNamed(r.ctx, org, name)
		if err != nil {
			return "", err
		}
		id, n := "", 0
		for _, g := range groups {
			if g.Name == "" || g.ID == "" {
				// It may be the group asked for: which group the
				// name stands for cannot be known.
				return "", fmt.Errorf("the groups named %q include one without a name or id", name)
			}
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
func (r *computation) orgUsers(org string) (intern.Set, error) {
	return r.users.get(org, func() (intern.Set, error) {
		var s intern.Set
		err := r.api.OrganizationUsers(r.ctx, org, r.opts.PageSize, func(u *vboapi.User) error {
			i, ok := r.internUser(u)
			if !ok {
				// Neither id nor address: nothing could tell it from
				// another such user, and leaving it out could hide a
				// mailbox.
				return fmt.Errorf("a user without id or name in the organization's user list")
			}
			if s.Has(i) {
				// One snapshot (setId) never lists a user twice: the
				// server pages wrongly, and a repeat may stand in for
				// a user it left out.
				return fmt.Errorf("the organization's user list names user %s twice", cmp.Or(u.ID, u.Name))
			}
			s.Add(i)
			r.notePublic(i, u.Type)
			return nil
		})
		return s, err
	})
}
