package protection

import (
	"github.com/vbo365-exporter/vbo365_exporter/vboapi"

	"github.com/vbo365-exporter/vbo365_exporter/protection/intern"
)

// objectState is what a repository holds of each site or team of a
// table. The site and team data list only what the repository backed up:
// an entry is a backup, its time may be unknown. The entries wait until
// the scopes are complete, then match once.
type objectState struct {
	work    workState
	pending records
	matched bool
}

// objectData reads a repository's site (w = WorkloadSite) or team data
// once.
func (r *computation) objectData(w Workload, repo string) (*objectState, error) {
	cache, read := &r.siteData, r.readSiteData
	if w == WorkloadTeam {
		cache, read = &r.teamData, r.readTeamData
	}
	return cache.get(repo, func() (*objectState, error) {
		st := &objectState{}
		return st, read(repo, st)
	})
}

func (r *computation) readSiteData(repo string, st *objectState) error {
	return r.api.RepositorySiteData(r.ctx, repo, r.opts.PageSize, func(d *vboapi.SiteData) error {
		st.keep(d.ID, siteKey(d.URL), unixNanos(d.BackedUpTime))
		return nil
	})
}

func (r *computation) readTeamData(repo string, st *objectState) error {
	return r.api.RepositoryTeamData(r.ctx, repo, r.opts.PageSize, func(d *vboapi.TeamData) error {
		// Team data has no address: teams match by id alone.
		st.keep(d.ID, "", unixNanos(d.BackedUpTime))
		return nil
	})
}

// keep records one entry until the match.
func (st *objectState) keep(id, key string, t int64) {
	packed := intern.AppendPackedID(nil, id)
	if id == "" {
		packed = nil
	}
	st.pending.add(packed, intern.AppendLower(nil, key), value{backedUp: true, time: t}, nil)
}

// matchedObjects is the state of the repository's sites or teams once the scopes
// are complete: an entry matches by id, else by URL (a group's site is
// known by its URL alone).
func (r *computation) matchedObjects(w Workload, repo string) (*objectState, error) {
	st, err := r.objectData(w, repo)
	if err != nil || st.matched {
		return st, err
	}
	t := r.tableOf(w)
	st.work.grow(t.size())
	p := &st.pending
	for k := range p.id {
		if i, ok := t.find(p.strs.Bytes(p.id[k]), p.strs.Bytes(p.addr[k])); ok {
			st.work.apply(i, p.backedUp[k], p.time[k])
		}
	}
	st.pending, st.matched = records{}, true
	return st, nil
}
