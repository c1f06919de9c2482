package simulator

import (
	"math/bits"
	"strings"
)

// bitset is a set of user indices; a scope of 100,000 users is 12.5 KB and
// union and difference are word operations.
type bitset []uint64

func newBitset(n int) bitset { return make(bitset, (n+63)/64) }

func (b bitset) set(i int32)      { b[i>>6] |= 1 << (uint(i) & 63) }
func (b bitset) has(i int32) bool { return b[i>>6]&(1<<(uint(i)&63)) != 0 }

func (b bitset) or(o bitset) {
	for i := range b {
		b[i] |= o[i]
	}
}

func (b bitset) andNot(o bitset) {
	for i := range b {
		b[i] &^= o[i]
	}
}

func (b bitset) count() int {
	n := 0
	for _, w := range b {
		n += bits.OnesCount64(w)
	}
	return n
}

// each calls f for every member in increasing order.
func (b bitset) each(f func(int32)) {
	for i, w := range b {
		for w != 0 {
			f(int32(i<<6 + bits.TrailingZeros64(w)))
			w &= w - 1
		}
	}
}

// scope is a set of primary mailboxes: users by index, and group members
// matching no user by lower-cased address. missing collects the nested
// groups that could not be followed, for the Unresolved count.
type scope struct {
	users   bitset
	ext     map[string]struct{}
	missing map[string]struct{}
}

func (t *tenant) newScope() scope {
	return scope{users: newBitset(len(t.users)), ext: map[string]struct{}{}, missing: map[string]struct{}{}}
}

// maxNesting is how deep nested groups are followed (the selected group is
// level 1), as docs/protection-v6-v8.md fixes it.
const maxNesting = 8

// expand adds the objects of user workload w that items name, by the table
// in docs/protection-v6-v8.md: a flag counts only when exactly true.
func (t *tenant) expand(items []item, w workload) scope {
	sc := t.newScope()
	for _, it := range items {
		if !t.adds(it, w) {
			continue
		}
		switch it.kind {
		case itemUser:
			sc.users.set(it.ref)
		case itemGroup:
			t.expandGroup(it.ref, &sc)
		case itemPartialOrg, itemPersonalSites:
			o := t.orgs[it.ref]
			for u := o.lo; u < o.hi; u++ {
				sc.users.set(u)
			}
		}
	}
	return sc
}

// expandGroup walks nesting breadth first with a visited set, so a cycle is
// read once and each group is met at its shallowest level.
func (t *tenant) expandGroup(g int32, sc *scope) {
	type level struct {
		g     int32
		depth int
	}
	visited := map[int32]bool{g: true}
	queue := []level{{g, 1}}
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		grp := t.groups[cur.g]
		for _, u := range grp.users {
			sc.users.set(u)
		}
		for _, e := range grp.externals {
			sc.ext[e] = struct{}{}
		}
		for _, m := range grp.missing {
			sc.missing[strings.ToLower(m)] = struct{}{}
		}
		for _, n := range grp.nested {
			if visited[n] {
				continue
			}
			visited[n] = true
			if cur.depth+1 > maxNesting {
				sc.missing[strings.ToLower(t.groups[n].name)] = struct{}{}
				continue
			}
			queue = append(queue, level{n, cur.depth + 1})
		}
	}
}

// subtract removes o's mailboxes from sc; o's missing groups stay o's.
func (sc *scope) subtract(o scope) {
	sc.users.andNot(o.users)
	for e := range o.ext {
		delete(sc.ext, e)
	}
}

// computeScopes applies the rule to the mailboxes: each job's scope.
func (t *tenant) computeScopes() {
	for k, sc := range t.userScopes(wMailbox) {
		t.jobs[k].scope = sc
	}
}

// userScopes applies the rule to user workload w, job by job: a
// SelectedItems job's scope is its selected objects minus its excluded
// ones; an EntireOrganization job's is every user of the organization
// minus its excluded objects minus the scopes of every other job of the
// organization, enabled or not.
func (t *tenant) userScopes(w workload) []scope {
	out := make([]scope, len(t.jobs))
	for _, j := range t.jobs {
		if j.entireOrg {
			continue
		}
		sc := t.expand(j.selected, w)
		ex := t.expand(j.excluded, w)
		sc.subtract(ex)
		for m := range ex.missing {
			sc.missing[m] = struct{}{}
		}
		out[j.index] = sc
	}
	for _, j := range t.jobs {
		if !j.entireOrg {
			continue
		}
		sc := t.newScope()
		o := t.orgs[j.org]
		for u := o.lo; u < o.hi; u++ {
			sc.users.set(u)
		}
		ex := t.expand(j.excluded, w)
		sc.subtract(ex)
		sc.missing = ex.missing
		for _, other := range t.jobs {
			if !other.entireOrg && other.org == j.org {
				sc.subtract(out[other.index])
			}
		}
		out[j.index] = sc
	}
	return out
}
