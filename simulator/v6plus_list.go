package simulator

import (
	"io"
	"net/http"
	"strconv"
	"strings"
)

// list is a result list rendered lazily: elem renders item k, so a page
// of the 100,000 users is built from the tenant model as it is written.
type list struct {
	n    int
	elem func(w *jw, k int)
}

// object renders a single small object with an exact Content-Length.
func (v *vreq) object(render func(w *jw)) *reply {
	w := &jw{}
	render(w)
	return bytesReply(http.StatusOK, w.b)
}

// listed is a bare array on v6/v7 and a page on v8, as the schemas of
// Jobs, SelectedItems, ExcludedItems, Organizations and BackupRepositories
// have it.
func (v *vreq) listed(l list) *reply {
	if v.rt.ver < 8 {
		return v.array(l)
	}
	win, rep := v.paging()
	if rep != nil {
		return rep
	}
	return v.page(l, win, "")
}

func (v *vreq) array(l list) *reply {
	return &reply{status: http.StatusOK, items: l.n, body: func(wr io.Writer) error {
		w := newJW(wr)
		w.openA("")
		for k := 0; k < l.n && w.err == nil; k++ {
			l.elem(w, k)
			w.flush(false)
		}
		w.closeA()
		w.flush(true)
		return w.err
	}}
}

// page renders {offset, limit, setId?, results, totalCount (v6/v7),
// _links} with relative first/prev/self/next links; an offset past the end
// gives an empty results array.
func (v *vreq) page(l list, win window, setID string) *reply {
	count := min(max(l.n-win.offset, 0), win.limit)
	// at is the item shown at position k of the list.
	at := func(k int) int { return k }
	switch v.fault {
	case IgnoreOffset: // the first page whatever the offset, which is still echoed
		count = min(l.n, win.limit)
		at = func(k int) int { return k - win.offset }
	case DuplicateIDs: // every fifth item of a later page repeats one of the page before
		if win.offset >= win.limit {
			at = func(k int) int {
				if (k-win.offset)%5 == 4 {
					return k - win.limit
				}
				return k
			}
		}
	}
	path := v.r.URL.Path
	href := func(offset int) string {
		h := path + "?offset=" + strconv.Itoa(offset) + "&limit=" + strconv.Itoa(win.limit)
		if setID != "" {
			h += "&setId=" + setID
		}
		return h
	}
	ver := v.rt.ver
	return &reply{status: http.StatusOK, items: count, body: func(wr io.Writer) error {
		w := newJW(wr)
		w.open("")
		w.num("offset", int64(win.offset))
		w.num("limit", int64(win.limit))
		if setID != "" {
			w.str("setId", setID)
		}
		w.openA("results")
		for k := win.offset; k < win.offset+count && w.err == nil; k++ {
			l.elem(w, at(k))
			w.flush(false)
		}
		w.closeA()
		if ver < 8 {
			w.num("totalCount", int64(l.n))
		}
		w.open("_links")
		w.link("first", href(0))
		if win.offset > 0 {
			w.link("prev", href(max(win.offset-win.limit, 0)))
		}
		w.link("self", href(win.offset))
		if win.offset+count < l.n {
			w.link("next", href(win.offset+win.limit))
		}
		w.close()
		w.close()
		w.flush(true)
		return w.err
	}}
}

func (v *vreq) jobs() *reply {
	jobs := v.t.jobs
	if v.rt.ver >= 8 {
		orgF, rep := uuidParam(v.q, "organizationId")
		if rep != nil {
			return rep
		}
		repoF, rep := uuidParam(v.q, "repositoryId")
		if rep != nil {
			return rep
		}
		if orgF != "" || repoF != "" {
			jobs = nil
			for _, j := range v.t.jobs {
				if (orgF == "" || strings.EqualFold(orgF, v.t.orgs[j.org].id)) &&
					(repoF == "" || strings.EqualFold(repoF, v.t.repos[j.repo].id)) {
					jobs = append(jobs, j)
				}
			}
		}
	}
	return v.listed(list{len(jobs), func(w *jw, k int) { v.renderJob(w, jobs[k]) }})
}

func (v *vreq) orgJobs() *reply {
	var jobs []*tjob
	for _, j := range v.t.jobs {
		if j.org == v.org.index {
			jobs = append(jobs, j)
		}
	}
	return v.array(list{len(jobs), func(w *jw, k int) { v.renderJob(w, jobs[k]) }})
}

// items lists a job's selected or excluded items; an EntireOrganization
// job selects nothing item by item.
func (v *vreq) items() *reply {
	j := v.job
	items := j.excluded
	if v.rt.endpoint == EndpointSelectedItems {
		items = j.selected
	}
	return v.listed(list{len(items), func(w *jw, k int) { v.renderItem(w, items[k]) }})
}

func (v *vreq) organizations() *reply {
	ext, rep := v.extendedView()
	if rep != nil {
		return rep
	}
	orgs := v.t.orgs
	if v.rt.ver >= 8 {
		msid, rep := uuidParam(v.q, "msid")
		if rep != nil {
			return rep
		}
		bu, _ := param(v.q, "backedUpOrganizationId")
		if msid != "" || bu != "" {
			orgs = nil
			for _, o := range v.t.orgs {
				if (msid == "" || strings.EqualFold(msid, o.msid)) && (bu == "" || strings.EqualFold(bu, o.backedUpID)) {
					orgs = append(orgs, o)
				}
			}
		}
	}
	return v.listed(list{len(orgs), func(w *jw, k int) { v.renderOrg(w, orgs[k], ext) }})
}

// users pages an organization's users. Without filters the page maps
// straight onto the tenant's user slice; filters build an index list.
func (v *vreq) users() *reply {
	if rep := v.dataSource(); rep != nil {
		return rep
	}
	keep, rep := v.locationFilter()
	if rep != nil {
		return rep
	}
	var sku string
	if v.rt.ver >= 8 {
		if sku, rep = enumParam(v.q, "detectedSkuType", "Other", "Education"); rep != nil {
			return rep
		}
	}
	userName, byName := param(v.q, "userName")
	display, byDisplay := param(v.q, "displayName")
	win, setID, rep := v.snapshotPage(v.org.id)
	if rep != nil {
		return rep
	}
	o := v.org
	n, at := int(o.hi-o.lo), func(k int) int32 { return o.lo + int32(k) }
	if !keep || sku != "" || byName || byDisplay {
		var idx []int32
		var buf []byte
		for u := o.lo; u < o.hi && keep; u++ {
			tu := v.t.users[u]
			if sku == "Education" || sku == "Other" && tu.kind != kindUser {
				continue
			}
			if byName && !strings.EqualFold(string(v.t.appendName(buf[:0], tu)), userName) {
				continue
			}
			if byDisplay && !wildcard(display, string(v.t.appendDisplay(buf[:0], tu))) {
				continue
			}
			idx = append(idx, u)
		}
		n, at = len(idx), func(k int) int32 { return idx[k] }
	}
	return v.page(list{n, func(w *jw, k int) { v.renderUser(w, "", at(k)) }}, win, setID)
}

func (v *vreq) groups() *reply {
	if rep := v.dataSource(); rep != nil {
		return rep
	}
	keep, rep := v.locationFilter()
	if rep != nil {
		return rep
	}
	name, byName := param(v.q, "groupName")
	display, byDisplay := param(v.q, "displayName")
	win, setID, rep := v.snapshotPage(v.org.id)
	if rep != nil {
		return rep
	}
	var groups []*tgroup
	for _, g := range v.t.groups[v.org.glo:v.org.ghi] {
		if keep && (!byName || strings.EqualFold(g.name, name)) && (!byDisplay || wildcard(display, g.display)) {
			groups = append(groups, g)
		}
	}
	return v.page(list{len(groups), func(w *jw, k int) { v.renderGroup(w, "", groups[k]) }}, win, setID)
}

func (v *vreq) members() *reply {
	if rep := v.dataSource(); rep != nil {
		return rep
	}
	win, setID, rep := v.snapshotPage(v.group.id)
	if rep != nil {
		return rep
	}
	g := v.group
	return v.page(list{g.memberCount(), func(w *jw, k int) { v.renderMember(w, g, k) }}, win, setID)
}

// repositories filters by proxy, long-term (only the archive repositories
// of OpsOptions are) and, on v8, proxy pool (none has one) and organization
// (the repositories its jobs write to).
func (v *vreq) repositories() *reply {
	proxy, rep := uuidParam(v.q, "proxyId")
	if rep != nil {
		return rep
	}
	longTerm, _, rep := boolParam(v.q, "longTerm")
	if rep != nil {
		return rep
	}
	var pool, org string
	if v.rt.ver >= 8 {
		if pool, rep = uuidParam(v.q, "proxyPoolId"); rep != nil {
			return rep
		}
		if org, rep = uuidParam(v.q, "organizationId"); rep != nil {
			return rep
		}
	}
	var repos []*trepo
	for _, r := range v.t.repos {
		o := v.t.findOrg(org)
		if (!longTerm || v.s.ops.archiveOf(r) != nil) && pool == "" && (proxy == "" || strings.EqualFold(proxy, r.proxyID)) &&
			(org == "" || o != nil && r.orgs[o.index]) {
			repos = append(repos, r)
		}
	}
	return v.listed(list{len(repos), func(w *jw, k int) { v.renderRepo(w, repos[k]) }})
}

func (v *vreq) userData() *reply {
	win, rep := v.paging()
	if rep != nil {
		return rep
	}
	r := v.repo
	return v.page(list{len(r.data), func(w *jw, k int) { v.renderUserData(w, r, r.data[k]) }}, win, "")
}
