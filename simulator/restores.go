package simulator

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"time"
)

// RestoreOptions shapes the restore activity served on v6–v8: restore
// sessions and their events, the Restore Portal's settings and the restore
// operator roles. Sessions can be added and ended while the simulator
// runs (AddRestoreSession, EndRestoreSession); RestoreTruth tells what a
// client reads.
type RestoreOptions struct {
	// Sessions is the number of finished sessions in the history, ended
	// between an hour and three days before TenantOptions.Now (default
	// 12; negative for none).
	Sessions int
	// Working is the number of sessions of the history still working,
	// started two hours before Now and more.
	Working int
	// Events caps the item events of each history session (default 40).
	Events int
	// PortalEnabled is the Restore Portal's isEnabled (see
	// SetRestorePortal).
	PortalEnabled bool
	// RunFor is how long each session RunRestores adds works before it
	// ends (0: one to three minutes). RunLimit, when positive, is how many
	// sessions it adds in all: a client then sees a known set of sessions
	// end, the first RunLimit of RestoreRunSpec.
	RunFor   time.Duration
	RunLimit int
}

func (o *RestoreOptions) applyDefaults() {
	o.Sessions = count(o.Sessions, 12)
	o.Events = count(o.Events, 40)
	o.Working = max(o.Working, 0)
}

// RestoreSpec describes a restore session added while the simulator runs.
type RestoreSpec struct {
	// Organization is the organization's index (out of range: the first).
	Organization int
	// Type is the session's type, Vex, Veod, Vesp or Vet, or any value,
	// which is served as given (default Vex).
	Type string
	// InitiatedBy is who started it (default CORP\restore.operator); a
	// portal session's default is a user of the organization.
	InitiatedBy string
	// Portal sessions are made in the Restore Portal: they have a
	// scopeName.
	Portal bool
	// Events is the number of item events besides the session's
	// opening event (type None).
	Events int
	// Result is the result it ends with (default Success).
	Result string
	// Working sessions stay Working until EndRestoreSession.
	Working bool
}

// Restore truths, what a client reads of the restore activity.
type (
	// RestoreTruth is the restore activity as served now.
	RestoreTruth struct {
		PortalEnabled bool
		Sessions      []RestoreSessionTruth // in creation order
		Roles         []RbacRoleTruth
	}
	// RestoreSessionTruth is one restore session.
	RestoreSessionTruth struct {
		ID, Organization, Type, State, Result, InitiatedBy string
		Portal                                             bool
		Created, Ended                                     time.Time // Ended zero while working
		Events                                             []RestoreEventTruth
	}
	// RestoreEventTruth is one event of a restore session.
	RestoreEventTruth struct {
		Type, Status string
		SizeBytes    int64
	}
	// RbacRoleTruth is one restore operator role.
	RbacRoleTruth struct {
		ID, OrganizationID, Name, Type string
		Operators                      int
	}
)

// restoreData is the mutable restore activity, behind its own lock: the
// tenant never changes, the restore sessions do.
type restoreData struct {
	mu       sync.Mutex
	sessions []*trestore // in creation order
	byID     map[string]*trestore
	portal   bool
	roles    []*trole
	seq      uint64
}

type trestore struct {
	id, name, org, orgID string
	kind, state, result  string
	initiatedBy, scope   string
	created, ended       time.Time
	finalResult          string
	events               []trevent // fixed when made
	eTag                 int64
}

type trevent struct {
	id, kind, status, itemName, itemType string
	size                                 int64
	start                                time.Time
}

type trole struct {
	id, orgID, name, description, kind string
	users, groups                      []int32
}

// Sub-tags of restore ids, after the other tkMisc ones.
const (
	opsRestore uint64 = (iota + 5) << 48
	opsRestoreEvent
	opsRole
)

var restoreTypes = []string{"Vex", "Veod", "Vesp", "Vet"}

// buildRestores makes the history, the portal setting and two roles per
// organization, from a random source of their own.
func (s *Simulator) buildRestores(t *tenant) *restoreData {
	o := s.opts.Tenant.Ops.Restores
	d := &restoreData{byID: map[string]*trestore{}, portal: o.PortalEnabled}
	rng := rand.New(rand.NewPCG(uint64(s.opts.Seed), 0x2e5707e5))
	now := s.opts.Tenant.Now
	for k := o.Sessions - 1; k >= 0; k-- {
		created := now.Add(-time.Hour - time.Duration(k)*71*time.Hour/time.Duration(max(o.Sessions, 1)))
		spec := RestoreSpec{Organization: k % len(t.orgs), Type: restoreTypes[k%4], Portal: k%4 == 3,
			InitiatedBy: fmt.Sprintf(`CORP\helpdesk.%d`, k%3+1), Events: rng.IntN(o.Events + 1),
			Result: []string{"Success", "Success", "Success", "Warning", "Failed"}[k%5]}
		r := s.makeRestore(d, t, spec, created, rng)
		r.end(created.Add(time.Duration(2+rng.IntN(28)) * time.Minute))
		d.add(r)
	}
	for k := range o.Working {
		spec := RestoreSpec{Organization: k % len(t.orgs), Type: "Vex", InitiatedBy: `CORP\restore.operator`,
			Events: rng.IntN(o.Events + 1), Working: true}
		d.add(s.makeRestore(d, t, spec, now.Add(-2*time.Hour-time.Duration(k)*time.Minute), rng))
	}
	for _, org := range t.orgs {
		d.roles = append(d.roles, s.makeRoles(org)...)
	}
	return d
}

// makeRoles gives an organization a helpdesk role over all of it, with
// two users, and a role over chosen objects with a user and a group.
func (s *Simulator) makeRoles(org *torg) []*trole {
	key := uint64(org.index) << 8
	all := &trole{id: s.tenantID(tkMisc | opsRole | key), orgID: org.id, name: "Helpdesk " + org.officeName,
		description: "Restores for the whole organization", kind: "EntireOrganization"}
	some := &trole{id: s.tenantID(tkMisc | opsRole | key | 1), orgID: org.id, name: "Executives " + org.officeName,
		description: "Restores of the executives' mailboxes", kind: "SpecificObjects"}
	if org.hi > org.lo {
		all.users = []int32{org.lo, min(org.lo+1, org.hi-1)}
		some.users = []int32{min(org.lo+2, org.hi-1)}
	}
	if org.ghi > org.glo {
		some.groups = []int32{org.glo}
	}
	return []*trole{all, some}
}

// makeRestore builds a working session created at created; its events
// are fixed now, as those of a session that has ended.
func (s *Simulator) makeRestore(d *restoreData, t *tenant, spec RestoreSpec, created time.Time, rng *rand.Rand) *trestore {
	org := t.orgs[0]
	if spec.Organization > 0 && spec.Organization < len(t.orgs) {
		org = t.orgs[spec.Organization]
	}
	seq := d.seq
	d.seq++
	r := &trestore{
		id: s.tenantID(tkMisc | opsRestore | seq), org: org.domain, orgID: org.id,
		kind: cmpOr(spec.Type, "Vex"), state: "Working", result: "Success",
		initiatedBy: cmpOr(spec.InitiatedBy, `CORP\restore.operator`), created: created.Truncate(100 * time.Nanosecond),
		finalResult: cmpOr(spec.Result, "Success"), eTag: int64(9000 + seq),
	}
	if spec.Portal {
		if org.hi > org.lo {
			u := org.lo + int32(seq)%(org.hi-org.lo)
			r.scope = string(t.appendName(nil, t.users[u]))
			if spec.InitiatedBy == "" {
				r.initiatedBy = r.scope
			}
		} else {
			r.scope = "portal@" + org.domain
		}
	}
	r.name = fmt.Sprintf("%s restore session %d", r.kind, seq+1)
	r.events = append(r.events, trevent{id: s.tenantID(tkMisc | opsRestoreEvent | seq<<20), kind: "None", status: "Success",
		start: r.created})
	kinds := []string{"Save", "Export", "Send", "Restore", "View"}
	for k := range spec.Events {
		ev := trevent{id: s.tenantID(tkMisc | opsRestoreEvent | seq<<20 | uint64(k+1)), kind: kinds[rng.IntN(len(kinds))],
			status: "Success", itemType: "Message", itemName: fmt.Sprintf("Item %d", k+1),
			size: 10_000 + rng.Int64N(50_000_000), start: r.created.Add(time.Duration(k+1) * time.Second)}
		switch x := rng.IntN(100); {
		case x < 7:
			ev.status = "Warning"
		case x < 12:
			ev.status = "Failed"
		case x < 15:
			ev.status = "Skipped"
		}
		r.events = append(r.events, ev)
	}
	return r
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// end stops the session at at with its final result.
func (r *trestore) end(at time.Time) {
	r.state, r.result, r.ended = "Stopped", r.finalResult, at.Truncate(100*time.Nanosecond)
	r.eTag++
}

func (d *restoreData) add(r *trestore) {
	d.sessions = append(d.sessions, r)
	d.byID[strings.ToLower(r.id)] = r
}

// AddRestoreSession adds a restore session created now and returns its
// id: ended a second later unless spec.Working. It does nothing and
// returns "" when no v6+ prefix is served.
func (s *Simulator) AddRestoreSession(spec RestoreSpec) string {
	d := s.restores
	if d == nil {
		return ""
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	rng := rand.New(rand.NewPCG(uint64(s.opts.Seed)^d.seq, 0xadd5e55))
	now := time.Now().UTC()
	r := s.makeRestore(d, s.tenant, spec, now, rng)
	if !spec.Working {
		r.end(now.Add(time.Second))
	}
	d.add(r)
	return r.id
}

// EndRestoreSession ends the working session id now; false when there is
// no such session or it has ended.
func (s *Simulator) EndRestoreSession(id string) bool {
	d := s.restores
	if d == nil {
		return false
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	r := d.byID[strings.ToLower(id)]
	if r == nil || r.state != "Working" {
		return false
	}
	r.end(time.Now().UTC())
	return true
}

// SetRestorePortal switches the Restore Portal on or off.
func (s *Simulator) SetRestorePortal(enabled bool) {
	if d := s.restores; d != nil {
		d.mu.Lock()
		d.portal = enabled
		d.mu.Unlock()
	}
}

// RestoreTruth returns the restore activity as served now; empty when no
// v6+ prefix is served.
func (s *Simulator) RestoreTruth() RestoreTruth {
	d := s.restores
	if d == nil {
		return RestoreTruth{}
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	out := RestoreTruth{PortalEnabled: d.portal}
	for _, r := range d.sessions {
		st := RestoreSessionTruth{ID: r.id, Organization: r.org, Type: r.kind, State: r.state, Result: r.result,
			InitiatedBy: r.initiatedBy, Portal: r.scope != "", Created: r.created, Ended: r.ended}
		for _, e := range r.events {
			st.Events = append(st.Events, RestoreEventTruth{Type: e.kind, Status: e.status, SizeBytes: e.size})
		}
		out.Sessions = append(out.Sessions, st)
	}
	for _, ro := range d.roles {
		out.Roles = append(out.Roles, RbacRoleTruth{ID: ro.id, OrganizationID: ro.orgID, Name: ro.name, Type: ro.kind,
			Operators: len(ro.users) + len(ro.groups)})
	}
	return out
}

// snapshot returns copies of the sessions f keeps, in the order asked.
func (d *restoreData) snapshot(keep func(*trestore) bool, asc, byEnd bool) []trestore {
	d.mu.Lock()
	var out []trestore
	for _, r := range d.sessions {
		if keep(r) {
			out = append(out, *r)
		}
	}
	d.mu.Unlock()
	slices.SortStableFunc(out, func(a, b trestore) int {
		x, y := a.created, b.created
		if byEnd {
			x, y = a.ended, b.ended
		}
		if asc {
			return x.Compare(y)
		}
		return y.Compare(x)
	})
	return out
}

// find returns a copy of session id.
func (d *restoreData) find(id string) (trestore, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	r := d.byID[strings.ToLower(id)]
	if r == nil {
		return trestore{}, false
	}
	return *r, true
}

func (d *restoreData) portalEnabled() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.portal
}

func (d *restoreData) findRole(id string) *trole {
	for _, r := range d.roles {
		if strings.EqualFold(r.id, id) {
			return r
		}
	}
	return nil
}

// RunRestores adds restore sessions at perMinute a minute until ctx ends,
// for demonstrations and end-to-end tests: session n is RestoreRunSpec(n),
// works for RestoreOptions.RunFor (default one to three minutes), then
// ends at the first tick after. With RestoreOptions.RunLimit it stops adding
// sessions after that many and returns once the last has ended.
func (s *Simulator) RunRestores(ctx context.Context, perMinute float64) {
	if s.restores == nil || perMinute <= 0 {
		return
	}
	o := s.opts.Tenant.Ops.Restores
	tick := time.NewTicker(time.Duration(float64(time.Minute) / perMinute))
	defer tick.Stop()
	type pending struct {
		id  string
		end time.Time
	}
	var working []pending
	for n := 0; ; {
		select {
		case <-ctx.Done():
			return
		case now := <-tick.C:
			keep := working[:0]
			for _, p := range working {
				if now.After(p.end) {
					s.EndRestoreSession(p.id)
				} else {
					keep = append(keep, p)
				}
			}
			working = keep
			if o.RunLimit > 0 && n >= o.RunLimit {
				if len(working) == 0 {
					return
				}
				continue
			}
			d := o.RunFor
			if d <= 0 {
				d = time.Duration(1+n%3) * time.Minute
			}
			spec := s.RestoreRunSpec(n)
			spec.Working = true
			working = append(working, pending{s.AddRestoreSession(spec), now.Add(d)})
			n++
		}
	}
}

// RestoreRunSpec is the n-th session (from 0) RunRestores adds: the types,
// organizations, initiators, portal sessions, results and event counts
// vary with n. Type, initiator and result repeat every five sessions, so
// that the same series grows while a client watches, as a restore
// operator's work does, and not only new series appear. RunRestores adds it working; AddRestoreSession of the same
// specs, in the same order, on a simulator with the same options makes the
// same sessions (ids, labels and events), which is how a test knows what a
// simulator process served.
func (s *Simulator) RestoreRunSpec(n int) RestoreSpec {
	orgs := 1
	if s.tenant != nil {
		orgs = max(len(s.tenant.orgs), 1)
	}
	spec := RestoreSpec{Organization: n % orgs, Type: restoreTypes[n%5%len(restoreTypes)],
		InitiatedBy: fmt.Sprintf(`CORP\helpdesk.%d`, n%5+1), Portal: n%5 == 3, Events: 1 + n*7%90,
		Result: []string{"Success", "Success", "Success", "Warning", "Failed"}[n%5]}
	if spec.Portal {
		spec.InitiatedBy = ""
	}
	return spec
}
