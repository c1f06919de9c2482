package protection

import (
	"context"
	"fmt"
	"sync"

	"github.com/vbo365-exporter/vbo365_exporter/protection/intern"
	"github.com/vbo365-exporter/vbo365_exporter/vboapi"
)

// computation is one run of Compute. Every list it reads is read once, whatever
// the number of jobs that need it.
type computation struct {
	ctx  context.Context
	api  API
	opts Options
	// want are the workloads computed: the mailbox always, and
	// Options.Workloads.
	want  WorkloadSet
	t     *table // users: mailboxes and the other user workloads
	sites *table
	teams *table
	byOrg map[string][]*vboapi.Job
	// active are, per repository, the workloads some wanted job writing
	// there may have in scope: the only ones its data is kept for; wide,
	// whether one of those jobs takes every user of its organization, for
	// which the data is kept by table number, not by user met. Both are set
	// before any repository is read, read-only after.
	active map[string]WorkloadSet
	wide   map[string]bool

	items    lazy[string, jobItems]
	users    lazy[string, intern.Set]
	members  lazy[groupKey, []vboapi.GroupMember]
	named    lazy[groupKey, string]
	scopes   lazy[string, scope]
	data     lazy[string, *repoState]
	orgSites lazy[string, intern.Set]
	orgTeams lazy[string, intern.Set]
	siteData lazy[string, *objectState]
	teamData lazy[string, *objectState]
}

type jobItems struct{ selected, excluded []vboapi.JobItem }

type groupKey struct{ org, group string }

func newComputation(ctx context.Context, api API, all []vboapi.Job, opts Options) *computation {
	if opts.PageSize < 1 {
		opts.PageSize = 1000
	}
	names := opts.KeepNotBackedUp > 0
	r := &computation{ctx: ctx, api: api, opts: opts, want: opts.Workloads.With(WorkloadMailbox),
		t: newTable(names), sites: newTable(names), teams: newTable(names),
		byOrg: map[string][]*vboapi.Job{}, active: map[string]WorkloadSet{}, wide: map[string]bool{}}
	for i := range all {
		j := &all[i]
		r.byOrg[j.OrganizationID] = append(r.byOrg[j.OrganizationID], j)
	}
	return r
}

func (r *computation) run(want []*vboapi.Job) []Result {
	out := make([]Result, len(want))
	scopes := make([]scope, len(want))
	var wg sync.WaitGroup
	for k, j := range want {
		wg.Go(func() {
			scopes[k], out[k].Err = r.scopeOf(j)
		})
	}
	// The repositories wait for the item lists, which the scopes read at
	// the same time, to know what to keep.
	r.activate(want)
	r.readRepositories(want, &wg)
	wg.Wait()
	r.results(want, scopes, out)
	return out
}

// readRepositories starts reading what each wanted job's repository holds
// of the workloads active there.
func (r *computation) readRepositories(want []*vboapi.Job, wg *sync.WaitGroup) {
	for _, j := range want {
		if j.RepositoryID == "" {
			continue
		}
		wg.Go(func() { _, _ = r.repository(j.RepositoryID) })
		for _, w := range []Workload{WorkloadSite, WorkloadTeam} {
			if r.active[j.RepositoryID].Has(w) {
				wg.Go(func() { _, _ = r.objectData(w, j.RepositoryID) })
			}
		}
	}
}

// results counts each job whose scope is known against its repository.
// The tables are complete now: the rest of the repository data can be
// matched to them, once per repository.
func (r *computation) results(want []*vboapi.Job, scopes []scope, out []Result) {
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
		out[k] = r.result(scopes[k], st, j.RepositoryID)
		out[k].NullFlagItems = r.nullFlagItems(j)
	}
}

// nullFlagItems counts the items of j with a null flag.
func (r *computation) nullFlagItems(j *vboapi.Job) int {
	items, err := r.itemsOf(j) // read already: the scope needed them
	if err != nil {
		return 0
	}
	n := 0
	for _, list := range [][]vboapi.JobItem{items.selected, items.excluded} {
		for k := range list {
			if list[k].NullFlags {
				n++
			}
		}
	}
	return n
}

// activate sets, per repository, the workloads its data is kept for (those
// the items of the wanted jobs writing there can add) and how. With the
// mailbox alone there is nothing to decide, nothing is read first, and
// every repository's data is kept by table number.
func (r *computation) activate(want []*vboapi.Job) {
	if r.want == WorkloadsOf(WorkloadMailbox) {
		for _, j := range want {
			r.active[j.RepositoryID], r.wide[j.RepositoryID] = r.want, true
		}
		return
	}
	adds := make([]WorkloadSet, len(want))
	wide := make([]bool, len(want))
	var wg sync.WaitGroup
	for k, j := range want {
		wg.Go(func() { adds[k], wide[k] = r.jobAdds(j) })
	}
	wg.Wait()
	for k, j := range want {
		r.active[j.RepositoryID] |= adds[k]
		r.wide[j.RepositoryID] = r.wide[j.RepositoryID] || wide[k]
	}
}

// jobAdds is what a job's scope can hold: every wanted workload for an
// entire-organization job, else what its selected items add; wide is
// whether that takes every user of the organization. A job whose items
// cannot be read adds every workload: it fails anyway.
func (r *computation) jobAdds(j *vboapi.Job) (adds WorkloadSet, wide bool) {
	if j.BackupType == "EntireOrganization" {
		return r.want, true
	}
	items, err := r.itemsOf(j)
	if err != nil {
		return r.want, true
	}
	adds = WorkloadsOf(WorkloadMailbox)
	for k := range items.selected {
		it := &items.selected[k]
		a := itemAdds(it) & r.want
		adds |= a
		orgWide := it.Type == vboapi.ItemPartialOrganization || it.Type == vboapi.ItemPersonalSites
		wide = wide || orgWide && a.userOnly() != 0
	}
	return adds & r.want, wide
}

// scopeOf is the job's scope by the rule of docs/protection-v6-v8.md.
func (r *computation) scopeOf(j *vboapi.Job) (scope, error) {
	return r.scopes.get(j.ID, func() (scope, error) {
		items, err := r.itemsOf(j)
		if err != nil {
			return scope{}, err
		}
		var sc scope
		if j.BackupType == "EntireOrganization" {
			if sc, err = r.entireOrganization(j); err != nil {
				return scope{}, err
			}
		} else if sc, err = r.expand(j.OrganizationID, items.selected); err != nil {
			return scope{}, err
		}
		excluded, err := r.expand(j.OrganizationID, items.excluded)
		if err != nil {
			return scope{}, err
		}
		sc.subtract(excluded, "")
		sc.addMissing(excluded)
		return sc, nil
	})
}

// entireOrganization is every object of the organization, for every wanted
// workload, less what the organization's other jobs hold of it.
func (r *computation) entireOrganization(j *vboapi.Job) (scope, error) {
	var sc scope
	// The site and team lists do not wait for the users, nor for each
	// other; the loop below takes what these read.
	var lists sync.WaitGroup
	defer lists.Wait()
	for _, w := range []Workload{WorkloadSite, WorkloadTeam} {
		if r.want.Has(w) {
			lists.Go(func() { _, _ = r.orgObjects(w, j.OrganizationID) })
		}
	}
	all, err := r.orgUsers(j.OrganizationID)
	if err != nil {
		return scope{}, err
	}
	r.want.userOnly().each(func(w Workload) { sc.objects[w].Union(all) })
	for _, w := range []Workload{WorkloadSite, WorkloadTeam} {
		if r.want.Has(w) {
			objects, err := r.orgObjects(w, j.OrganizationID)
			sc.addOrgObjects(w, objects, err)
		}
	}
	for _, other := range r.byOrg[j.OrganizationID] {
		if other.ID == j.ID || other.BackupType == "EntireOrganization" {
			continue
		}
		held, err := r.scopeOf(other)
		if err != nil {
			return scope{}, fmt.Errorf("the scope of job %q, which this job leaves out: %w", other.Name, err)
		}
		sc.subtract(held, other.Name)
	}
	return sc, nil
}

func (r *computation) itemsOf(j *vboapi.Job) (jobItems, error) {
	return r.items.get(j.ID, func() (jobItems, error) {
		var it jobItems
		if err := unclearJob(j); err != nil {
			return it, err
		}
		var err error
		if j.BackupType != "EntireOrganization" {
			if it.selected, err = r.api.SelectedItems(r.ctx, j.ID); err != nil {
				return it, err
			}
			if err := unclearItems("selected", it.selected); err != nil {
				return it, err
			}
		}
		if it.excluded, err = r.api.ExcludedItems(r.ctx, j.ID); err != nil {
			return it, err
		}
		return it, unclearItems("excluded", it.excluded)
	})
}
