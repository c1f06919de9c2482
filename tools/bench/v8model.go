//go:build linux

package main

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vbo365-exporter/vbo365_exporter/config"
	"github.com/vbo365-exporter/vbo365_exporter/protection"
	"github.com/vbo365-exporter/vbo365_exporter/simulator"
	"github.com/vbo365-exporter/vbo365_exporter/vboapi"
)

// v8Spec is the tenant of a v8 scenario, as the simulator's --tenant.*
// flags set it, and the exporter's workloads setting. The
// partial-organization job is always off: the scenarios are
// entire-organization, group and user jobs only, and with sites or teams
// the three workload jobs of --tenant.workloads.
type v8Spec struct {
	orgs, users         int // organizations, users per organization
	groupJobs, userJobs int // per organization; 0 means none (not the simulator's default)
	// groupSize and usersPerJob are --tenant.group-size and
	// --tenant.users-per-job; 0 leaves the simulator's default (20, 5).
	groupSize, usersPerJob int
	// sites and teams, when either is positive, make it the workload
	// tenant (--tenant.workloads) with that many sites and teams per
	// organization.
	sites, teams int
	// workloads is the exporter's `workloads:` setting, written out
	// whatever it is: empty is `workloads: []`, the mailbox series alone
	// (the default is every workload).
	workloads []string
	// pair names, for a scenario with workloads, the scenario of the same
	// tenant with `workloads: []`, which the report compares it with.
	pair string
	// growthBase is the scenario the peak RSS growth per user is taken
	// against; empty: v8GrowthBaseline.
	growthBase string
}

// workloadTenant reports whether the tenant has sites and teams.
func (v v8Spec) workloadTenant() bool { return v.sites > 0 || v.teams > 0 }

// simArgs are the simulator flags that build this tenant.
func (v v8Spec) simArgs() []string {
	// "=" keeps a negative count from reading as a flag.
	args := []string{
		"--api-versions=v6,v7,v8",
		"--tenant.organizations=" + strconv.Itoa(v.orgs),
		"--tenant.users=" + strconv.Itoa(v.users),
		"--tenant.group-jobs=" + strconv.Itoa(noneAsNegative(v.groupJobs)),
		"--tenant.user-jobs=" + strconv.Itoa(noneAsNegative(v.userJobs)),
		"--no-tenant.partial-org-job",
	}
	if v.groupSize > 0 {
		args = append(args, "--tenant.group-size="+strconv.Itoa(v.groupSize))
	}
	if v.usersPerJob > 0 {
		args = append(args, "--tenant.users-per-job="+strconv.Itoa(v.usersPerJob))
	}
	if v.workloadTenant() {
		args = append(args, "--tenant.workloads",
			"--tenant.sites="+strconv.Itoa(v.sites), "--tenant.teams="+strconv.Itoa(v.teams))
	}
	return args
}

// workloadsYAML is the server entry's workloads line.
func (v v8Spec) workloadsYAML() string {
	return "    workloads: [" + strings.Join(v.workloads, ", ") + "]\n"
}

// workloadsText names the setting in the report.
func (v v8Spec) workloadsText() string {
	if len(v.workloads) == 0 {
		return "[] (mailbox only)"
	}
	if len(v.workloads) == len(workloadNames) {
		return "all six"
	}
	return strings.Join(v.workloads, ", ")
}

// options are the same tenant for simulator.New, with the command's
// defaults (seed 1, backed-up fraction 0.9), so that the harness can read
// the sizes of every list in process.
func (v v8Spec) options() simulator.Options {
	return simulator.Options{
		Username: "bench", Password: "bench-password",
		BackedUpFraction: 0.9,
		Versions:         []string{"v6", "v7", "v8"},
		Tenant: simulator.TenantOptions{
			Organizations: v.orgs, Users: v.users,
			GroupJobs: noneAsNegative(v.groupJobs), UserJobs: noneAsNegative(v.userJobs),
			GroupSize: v.groupSize, UsersPerJob: v.usersPerJob,
			NoPartialOrgJob: true,
			Workloads:       v.workloadTenant(), Sites: v.sites, Teams: v.teams,
		},
	}
}

var workloadNames = config.Workloads

// userWorkloads are the workloads of users: their items, the
// organization's users and the groups' members give them.
var userWorkloads = protection.WorkloadsOf(protection.WorkloadMailbox, protection.WorkloadArchive,
	protection.WorkloadOneDrive, protection.WorkloadPersonalSite)

// want is what the exporter computes: the mailbox always (its figures do
// not depend on the setting), and the workloads of the setting.
func (v v8Spec) want() protection.WorkloadSet {
	s := protection.WorkloadsOf(protection.WorkloadMailbox)
	for w := range protection.Workload(protection.NumWorkloads) {
		if slices.Contains(v.workloads, w.String()) {
			s = s.With(w)
		}
	}
	return s
}

func noneAsNegative(n int) int {
	if n <= 0 {
		return -1
	}
	return n
}

// need is one request that a client which knows the rule of
// docs/protection-v6-v8.md, and nothing in advance, has to send in one
// refresh.
type need struct {
	endpoint string // route template, as the exporter's endpoint label
	path     string // path and query, for the HTTP floor (no setId)
	items    int    // results returned: the latency model's per-item term
	after    int    // the request whose answer this one needs first; -1: the job list; afterItems: every item list
}

// afterItems is need.after for a request that waits for every job's item
// lists.
const afterItems = -2

// isItemList reports whether the endpoint is a job's selected or excluded
// items.
func isItemList(endpoint string) bool {
	return endpoint == "/v8/Jobs/{id}/SelectedItems" || endpoint == "/v8/Jobs/{id}/ExcludedItems"
}

// v8Model is what the algorithm needs, read from an in-process simulator
// with the scenario's tenant and no latency.
type v8Model struct {
	spec  v8Spec
	needs []need // the token is not among them: a warm exporter reuses it
	truth []simulator.ProtectionTruth
	// workloadTruth is the simulator's truth of each job for each
	// workload of the exporter's setting.
	workloadTruth []simulator.WorkloadTruth
	orgUsers      int              // users of every organization
	scopeSum      int              // Σ mailboxes over every job's scope
	listSizes     map[string][]int // endpoint -> sizes of the lists read, for the report
}

// count is the number of needed requests per endpoint.
func (m *v8Model) count() map[string]int {
	out := map[string]int{}
	for _, n := range m.needs {
		out[n.endpoint]++
	}
	return out
}

// cost is the latency model's time of one request.
func cost(items int, base, perItem time.Duration) time.Duration {
	return base + time.Duration(items)*perItem
}

// ideal is the bound of one refresh: the needed requests' total time
// spread over C slots, but no less than the longest chain of requests that
// must follow one another. cold adds the token, before everything.
func (m *v8Model) ideal(base, perItem time.Duration, c int, cold bool) (ideal, work, chain time.Duration) {
	finish := make([]time.Duration, len(m.needs))
	var jobList time.Duration // the job list's answer, which every other list waits for
	var items time.Duration   // the last item list's answer (the needs list them before anything that waits for them)
	for i, n := range m.needs {
		d := cost(n.items, base, perItem)
		work += d
		var start time.Duration
		switch {
		case n.endpoint == "/v8/Jobs" || n.endpoint == "/v8/ServiceInstance":
		case n.after == afterItems:
			start = max(jobList, items)
		case n.after < 0:
			start = jobList
		default:
			start = finish[n.after]
		}
		finish[i] = start + d
		if n.endpoint == "/v8/Jobs" {
			jobList = max(jobList, finish[i])
		}
		if isItemList(n.endpoint) {
			items = max(items, finish[i])
		}
		chain = max(chain, finish[i])
	}
	if cold {
		work += base
		chain += base
	}
	return max(work/time.Duration(c), chain), work, chain
}

// buildV8Model walks the scenario's tenant the way the rule reads it: the
// job list; each job's items (an entire-organization job's excluded items
// only); every user of an organization whose jobs need them; every member
// of each group the items expand, and of the nested groups found by name;
// every entry of each repository the jobs write to. Lists are read once,
// pages of pageSize until the first short one.
func buildV8Model(spec v8Spec, pageSize int) (*v8Model, error) {
	sim := simulator.New(spec.options())
	w := &walker{sim: sim, m: &v8Model{listSizes: map[string][]int{}}, pageSize: pageSize}
	if err := w.login(); err != nil {
		return nil, err
	}
	if err := w.object("/v8/ServiceInstance"); err != nil {
		return nil, err
	}
	var jobs []wireJob
	_, err := w.pages("/v8/Jobs", "/v8/Jobs", 10000, -1, false, func(raw json.RawMessage) error {
		var j wireJob
		if err := json.Unmarshal(raw, &j); err != nil {
			return err
		}
		jobs = append(jobs, j)
		return nil
	})
	if err != nil {
		return nil, err
	}
	p, err := w.plan(jobs, spec.want())
	if err != nil {
		return nil, err
	}
	for org := range p.usersOf {
		if _, err := w.pages("/v8/Organizations/{id}/Users", "/v8/Organizations/"+org+"/Users", w.pageSize, -1, true, nil); err != nil {
			return nil, err
		}
	}
	if err := w.readGroups(p.groups); err != nil {
		return nil, err
	}
	if err := w.readLists(p, spec.want()); err != nil {
		return nil, err
	}
	m := w.m
	m.spec = spec
	m.truth = sim.ProtectionTruth()
	for _, t := range sim.WorkloadTruth() {
		if slices.Contains(spec.workloads, t.Workload) {
			m.workloadTruth = append(m.workloadTruth, t)
		}
	}
	for _, t := range m.truth {
		m.scopeSum += t.Mailboxes
	}
	m.orgUsers = spec.orgs * spec.users
	return m, nil
}

// wireJob is what the model reads of a job.
type wireJob struct {
	ID, BackupType, OrganizationID, RepositoryID string
}

// v8Plan is what the job list and the jobs' items make a refresh read
// next.
type v8Plan struct {
	groups  []groupRef      // the groups the items expand, in order
	usersOf map[string]bool // the organizations whose users are read
	// sitesOf and teamsOf: the organizations whose site or team list is
	// needed, and the request after which it can be asked (-1: the job
	// list, for an entire-organization job).
	sitesOf, teamsOf map[string]int
	repos            []string                          // the repositories the jobs write to, in order
	active           map[string]protection.WorkloadSet // workloads some job writing to the repository may have in scope
}

// groupRef is a group an item expands, and the request that named it.
type groupRef struct {
	org, id string
	after   int
}

// plan reads each job's items and notes what they need read.
func (w *walker) plan(jobs []wireJob, want protection.WorkloadSet) (*v8Plan, error) {
	p := &v8Plan{usersOf: map[string]bool{}, sitesOf: map[string]int{}, teamsOf: map[string]int{}, active: map[string]protection.WorkloadSet{}}
	for _, j := range jobs {
		if _, ok := p.active[j.RepositoryID]; !ok {
			p.repos = append(p.repos, j.RepositoryID)
			p.active[j.RepositoryID] = 0
		}
		lists := []string{"ExcludedItems"}
		// Of the selected items: what the job's repository may hold.
		adds := protection.WorkloadsOf(protection.WorkloadMailbox)
		if j.BackupType == "EntireOrganization" {
			adds = want
			p.usersOf[j.OrganizationID] = true
			if want.Has(protection.WorkloadSite) {
				needAfter(p.sitesOf, j.OrganizationID, -1)
			}
			if want.Has(protection.WorkloadTeam) {
				needAfter(p.teamsOf, j.OrganizationID, -1)
			}
		} else {
			lists = []string{"SelectedItems", "ExcludedItems"}
		}
		for _, which := range lists {
			a, err := w.planList(p, j, which, want)
			if err != nil {
				return nil, err
			}
			if which == "SelectedItems" {
				adds |= a
			}
		}
		p.active[j.RepositoryID] |= adds & want
	}
	return p, nil
}

// needAfter notes that org's list is needed after request after, or
// earlier if an earlier request already needed it.
func needAfter(m map[string]int, org string, after int) {
	if old, ok := m[org]; !ok || after < old {
		m[org] = after
	}
}

// planList reads one of j's item lists and notes what its items need
// read, by the rule's own ItemAdds; it returns the workloads they add.
func (w *walker) planList(p *v8Plan, j wireJob, which string, want protection.WorkloadSet) (protection.WorkloadSet, error) {
	var items []vboapi.JobItem
	last, err := w.pages("/v8/Jobs/{id}/"+which, "/v8/Jobs/"+j.ID+"/"+which, 10000, -1, false, func(raw json.RawMessage) error {
		// Absent and null flags decode as false, as in the rule.
		var it vboapi.JobItem
		if err := json.Unmarshal(raw, &it); err != nil {
			return err
		}
		items = append(items, it)
		return nil
	})
	if err != nil {
		return 0, err
	}
	var all protection.WorkloadSet
	for k := range items {
		it := &items[k]
		a := protection.ItemAdds(it) & want
		all |= a
		switch it.Type {
		case vboapi.ItemGroup:
			if a&userWorkloads != 0 {
				p.groups = append(p.groups, groupRef{j.OrganizationID, it.Group.ID, last})
				p.usersOf[j.OrganizationID] = true
			}
		case vboapi.ItemPartialOrganization, vboapi.ItemPersonalSites:
			if a&userWorkloads != 0 {
				p.usersOf[j.OrganizationID] = true
			}
			if a.Has(protection.WorkloadSite) {
				needAfter(p.sitesOf, j.OrganizationID, last)
			}
			if a.Has(protection.WorkloadTeam) {
				needAfter(p.teamsOf, j.OrganizationID, last)
			}
		}
	}
	return all, nil
}

// groupWalk is what readGroups remembers over the whole refresh: each
// group's members and each nested name are read once.
type groupWalk struct {
	read     map[string]bool   // org/lower id: members read
	lookedUp map[string]string // org/lower name -> group id or ""
	lookupAt map[string]int    // org/lower name -> the look-up's request
}

// groupLevel is a group to read, how deep it is, and the request after
// which it can be read.
type groupLevel struct {
	id           string
	depth, after int
}

// readGroups reads the groups breadth first from each expanded item.
func (w *walker) readGroups(groups []groupRef) error {
	gw := &groupWalk{read: map[string]bool{}, lookedUp: map[string]string{}, lookupAt: map[string]int{}}
	for _, g := range groups {
		visited := map[string]bool{strings.ToLower(g.id): true}
		queue := []groupLevel{{g.id, 1, g.after}}
		for len(queue) > 0 {
			cur := queue[0]
			queue = queue[1:]
			key := g.org + "/" + strings.ToLower(cur.id)
			if gw.read[key] {
				// Read already for an earlier item: its nested groups were
				// queued then too.
				continue
			}
			gw.read[key] = true
			nested, err := w.readMembers(gw, g.org, cur)
			if err != nil {
				return err
			}
			for _, n := range nested {
				if visited[strings.ToLower(n.id)] || n.depth > 8 {
					continue
				}
				visited[strings.ToLower(n.id)] = true
				queue = append(queue, n)
			}
		}
	}
	return nil
}

// readMembers reads cur's members and looks up the nested groups among
// them by name; it returns those found, one level deeper.
func (w *walker) readMembers(gw *groupWalk, org string, cur groupLevel) ([]groupLevel, error) {
	type member struct{ Name, Login, Type string }
	var members []member
	var at []int // member index -> the page request that gave it
	_, err := w.pagesAt("/v8/Organizations/{id}/Groups/{id}/Members", "/v8/Organizations/"+org+"/Groups/"+cur.id+"/Members",
		w.pageSize, cur.after, true, func(raw json.RawMessage, req int) error {
			var m member
			if err := json.Unmarshal(raw, &m); err != nil {
				return err
			}
			members, at = append(members, m), append(at, req)
			return nil
		})
	if err != nil {
		return nil, err
	}
	var nested []groupLevel
	for k, m := range members {
		if m.Type != "Group" {
			continue
		}
		name := m.Name
		if name == "" {
			name = m.Login
		}
		nk := org + "/" + strings.ToLower(name)
		if _, ok := gw.lookedUp[nk]; !ok {
			id, req, err := w.lookupGroup(org, name, at[k])
			if err != nil {
				return nil, err
			}
			gw.lookedUp[nk], gw.lookupAt[nk] = id, req
		}
		if id := gw.lookedUp[nk]; id != "" {
			nested = append(nested, groupLevel{id, cur.depth + 1, gw.lookupAt[nk]})
		}
	}
	return nested, nil
}

// lookupGroup looks a nested group up by name after request after: its id
// when exactly one group has that name, else "".
func (w *walker) lookupGroup(org, name string, after int) (id string, req int, err error) {
	q := url.Values{"groupName": {name}}
	matches := 0
	req, err = w.lookup("/v8/Organizations/{id}/Groups", "/v8/Organizations/"+org+"/Groups", q, after, func(raw json.RawMessage) error {
		var gr struct{ ID, Name string }
		if err := json.Unmarshal(raw, &gr); err != nil {
			return err
		}
		if strings.EqualFold(gr.Name, name) {
			id, matches = gr.ID, matches+1
		}
		return nil
	})
	if err != nil || matches != 1 {
		return "", req, err
	}
	return id, req, nil
}

// readLists reads the organizations' site and team lists and each
// repository's data.
func (w *walker) readLists(p *v8Plan, want protection.WorkloadSet) error {
	for _, org := range slices.Sorted(maps.Keys(p.sitesOf)) {
		if _, err := w.pages("/v8/Organizations/{id}/Sites", "/v8/Organizations/"+org+"/Sites", w.pageSize, p.sitesOf[org], true, nil); err != nil {
			return err
		}
	}
	for _, org := range slices.Sorted(maps.Keys(p.teamsOf)) {
		if _, err := w.pages("/v8/Organizations/{id}/Teams", "/v8/Organizations/"+org+"/Teams", w.pageSize, p.teamsOf[org], true, nil); err != nil {
			return err
		}
	}
	// With workloads beyond the mailbox the exporter reads the repositories
	// only once every job's items are read (docs/protection-v6-v8.md,
	// "Cost"), to know what to keep of each.
	repoAfter := -1
	if want != protection.WorkloadsOf(protection.WorkloadMailbox) {
		repoAfter = afterItems
	}
	for _, r := range p.repos {
		if _, err := w.pages("/v8/BackupRepositories/{id}/UserData", "/v8/BackupRepositories/"+r+"/UserData", w.pageSize, repoAfter, false, nil); err != nil {
			return err
		}
		if p.active[r].Has(protection.WorkloadSite) {
			if _, err := w.pages("/v8/BackupRepositories/{id}/SiteData", "/v8/BackupRepositories/"+r+"/SiteData", w.pageSize, repoAfter, false, nil); err != nil {
				return err
			}
		}
		if p.active[r].Has(protection.WorkloadTeam) {
			if _, err := w.pages("/v8/BackupRepositories/{id}/TeamData", "/v8/BackupRepositories/"+r+"/TeamData", w.pageSize, repoAfter, false, nil); err != nil {
				return err
			}
		}
	}
	return nil
}

// walker sends requests to the in-process simulator and records each as a
// need.
type walker struct {
	sim      *simulator.Simulator
	m        *v8Model
	token    string
	pageSize int
}

func (w *walker) login() error {
	form := url.Values{"grant_type": {"password"}, "username": {"bench"}, "password": {"bench-password"}, "disable_antiforgery_token": {"true"}}
	req := httptest.NewRequest(http.MethodPost, "/v8/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	w.sim.ServeHTTP(rec, req)
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &tok); err != nil || tok.AccessToken == "" {
		return fmt.Errorf("model: no token (HTTP %d, %v)", rec.Code, err)
	}
	w.token = tok.AccessToken
	return nil
}

// do sends one GET and returns the body of a 200.
func (w *walker) do(pathQuery string) ([]byte, error) {
	req := httptest.NewRequest(http.MethodGet, pathQuery, nil)
	req.Header.Set("Authorization", "Bearer "+w.token)
	rec := httptest.NewRecorder()
	w.sim.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		return nil, fmt.Errorf("model: GET %s: HTTP %d: %s", pathQuery, rec.Code, rec.Body.String())
	}
	return rec.Body.Bytes(), nil
}

type wirePage struct {
	SetID   string            `json:"setId"`
	Results []json.RawMessage `json:"results"`
}

// object reads a plain object, such as the service instance.
func (w *walker) object(endpoint string) error {
	if _, err := w.do(endpoint); err != nil {
		return err
	}
	w.m.needs = append(w.m.needs, need{endpoint: endpoint, path: endpoint, after: -1})
	return nil
}

// lookup reads the one page (offset 0, limit 100) of a nested group's
// look-up by name, after the request numbered after, and returns its
// request number.
func (w *walker) lookup(endpoint, path string, q url.Values, after int, each func(json.RawMessage) error) (int, error) {
	q.Set("offset", "0")
	q.Set("limit", "100")
	pq := path + "?" + q.Encode()
	body, err := w.do(pq)
	if err != nil {
		return 0, err
	}
	var pg wirePage
	if err := json.Unmarshal(body, &pg); err != nil {
		return 0, err
	}
	if len(pg.Results) >= 100 {
		return 0, fmt.Errorf("model: %s: a look-up of 100 or more groups", pq)
	}
	for _, r := range pg.Results {
		if err := each(r); err != nil {
			return 0, err
		}
	}
	w.m.needs = append(w.m.needs, need{endpoint: endpoint, path: pq, items: len(pg.Results), after: after})
	w.m.listSizes[endpoint] = append(w.m.listSizes[endpoint], len(pg.Results))
	return len(w.m.needs) - 1, nil
}

// pages reads a whole list; see pagesAt.
func (w *walker) pages(endpoint, path string, limit, after int, setID bool, each func(json.RawMessage) error) (int, error) {
	return w.pagesAt(endpoint, path, limit, after, setID, func(raw json.RawMessage, _ int) error {
		if each == nil {
			return nil
		}
		return each(raw)
	})
}

// pagesAt reads pages of limit items until the first short one. The first
// page goes after the request numbered after (-1: the job list);
// with setID the later ones need the first page's setId, so they go after
// it, else they can all go at once. It returns the last page's request.
func (w *walker) pagesAt(endpoint, path string, limit, after int, setID bool, each func(json.RawMessage, int) error) (int, error) {
	first, total := -1, 0
	for off := 0; ; off += limit {
		q := url.Values{"offset": {strconv.Itoa(off)}, "limit": {strconv.Itoa(limit)}}
		switch {
		case strings.HasSuffix(endpoint, "/Users"), strings.HasSuffix(endpoint, "/Members"), strings.HasSuffix(endpoint, "/Teams"):
			q.Set("dataSource", "PreferLocal")
		case strings.HasSuffix(endpoint, "/Sites"):
			q.Set("dataSource", "PreferLocal")
			q.Set("parentId", "root")
		}
		pq := path + "?" + q.Encode()
		body, err := w.do(pq)
		if err != nil {
			return 0, err
		}
		var pg wirePage
		if err := json.Unmarshal(body, &pg); err != nil {
			return 0, fmt.Errorf("model: %s: %w", pq, err)
		}
		a := after
		if first >= 0 && setID {
			a = first
		}
		w.m.needs = append(w.m.needs, need{endpoint: endpoint, path: pq, items: len(pg.Results), after: a})
		req := len(w.m.needs) - 1
		if first < 0 {
			first = req
		}
		for _, r := range pg.Results {
			if err := each(r, req); err != nil {
				return 0, err
			}
		}
		total += len(pg.Results)
		if len(pg.Results) < limit {
			w.m.listSizes[endpoint] = append(w.m.listSizes[endpoint], total)
			return req, nil
		}
	}
}
