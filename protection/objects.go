package protection

import (
	"fmt"
	"strings"

	"github.com/vbo365-exporter/vbo365_exporter/protection/intern"
	"github.com/vbo365-exporter/vbo365_exporter/vboapi"
)

// Sites and teams live in tables of their own, as users do in theirs: a
// site is keyed by its id and its URL, a team by its id (its address is
// kept for the listing).

// object interns a site or team known by id and, where given, by key (a
// URL or an address). One known so far by its key alone becomes this one:
// a group names its site by URL only, where a Site item and the
// organization's list give id and URL, in any order.
func (t *table) object(id, key, name string) int32 {
	t.mu.Lock()
	defer t.mu.Unlock()
	packed, lower := t.keys(id, key)
	if id == "" {
		packed = nil // not the packed empty id
	}
	if len(packed) > 0 {
		if i, ok := t.byID.Find(packed, t.idOf); ok {
			t.setName(i, name)
			return i
		}
	}
	if len(lower) > 0 {
		if i, ok := t.byAddr.Find(lower, t.addrOf); ok && (len(packed) == 0 || t.id[i] == 0) {
			if len(packed) > 0 {
				t.id[i] = t.strs.Add(packed)
				t.byID.Insert(i, t.idOf)
			}
			t.setName(i, name)
			return i
		}
	}
	i := int32(len(t.id))
	t.id = append(t.id, t.strs.Add(packed))
	t.addr = append(t.addr, t.strs.Add(lower))
	t.setName(i, name)
	if len(packed) > 0 {
		t.byID.Insert(i, t.idOf)
	}
	if len(lower) > 0 {
		if _, taken := t.byAddr.Find(lower, t.addrOf); !taken {
			t.byAddr.Insert(i, t.addrOf)
		}
	}
	return i
}

// markPublic records that user i is a public folder mailbox.
func (t *table) markPublic(i int32) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.public.Add(i)
}

// isPublic reports whether user i is a public folder mailbox.
func (t *table) isPublic(i int32) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.public.Has(i)
}

// siteKey is a site's URL as a key: without a trailing slash (the table
// lower-cases it).
func siteKey(url string) string { return strings.TrimRight(url, "/") }

// siteOf interns the site of a Site item; ok is false when it has neither
// id nor URL.
func (r *computation) siteOf(s *vboapi.Site) (int32, bool) {
	key := siteKey(s.URL)
	if s.ID == "" && key == "" {
		return 0, false
	}
	return r.sites.object(s.ID, key, s.Title), true
}

// teamOf interns the team of a Team item; ok is false when it has no id.
func (r *computation) teamOf(tm *vboapi.Team) (int32, bool) {
	if tm.ID == "" {
		return 0, false
	}
	return r.teams.object(tm.ID, tm.Mail, tm.DisplayName), true
}

// tableOf is the table of w's objects.
func (r *computation) tableOf(w Workload) *table {
	switch w {
	case WorkloadSite:
		return r.sites
	case WorkloadTeam:
		return r.teams
	}
	return r.t
}

// orgObjects reads every site (top-level, personal ones left out) or every
// team of the organization once.
func (r *computation) orgObjects(w Workload, org string) (intern.Set, error) {
	if w == WorkloadSite {
		return r.orgSites.get(org, func() (intern.Set, error) {
			var s intern.Set
			err := r.api.OrganizationSites(r.ctx, org, r.opts.PageSize, func(site *vboapi.Site) error {
				return addListed(&s, "site", site.ID, func() int32 { return r.sites.object(site.ID, siteKey(site.URL), site.Title) })
			})
			return s, err
		})
	}
	return r.orgTeams.get(org, func() (intern.Set, error) {
		var s intern.Set
		err := r.api.OrganizationTeams(r.ctx, org, r.opts.PageSize, func(tm *vboapi.Team) error {
			return addListed(&s, "team", tm.ID, func() int32 { return r.teams.object(tm.ID, tm.Mail, tm.DisplayName) })
		})
		return s, err
	})
}

// addListed adds one object of an organization's list to s. An object
// without id, or listed twice in one snapshot, fails the list, as a user
// does.
func addListed(s *intern.Set, what, id string, number func() int32) error {
	if id == "" {
		return fmt.Errorf("a %s without id in the organization's %s list", what, what)
	}
	i := number()
	if s.Has(i) {
		return fmt.Errorf("the organization's %s list names %s %s twice", what, what, id)
	}
	s.Add(i)
	return nil
}
