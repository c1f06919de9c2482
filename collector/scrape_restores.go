package collector

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/vbo365-exporter/vbo365_exporter/poll"
	"github.com/vbo365-exporter/vbo365_exporter/vboapi"
)

var (
	restoreSessionLabels = []string{"server", "organization", "type", "result", "initiated_by", "portal"}
	restoreItemLabels    = []string{"server", "organization", "event_type", "status", "initiated_by", "portal"}

	restoreSessionsDesc = newDesc("restore_sessions_total",
		"v6 and later: restore sessions that ended since the exporter started (sessions that ended before it are not counted, so a restart is a counter reset); portal is true for sessions made in the Restore Portal.", restoreSessionLabels)
	restoreItemsDesc = newDesc("restore_items_total",
		"v6 and later: items the restore sessions counted in vbo365_restore_sessions_total saved, exported, sent, restored or viewed (their events other than None), by event type and status.", restoreItemLabels)
	restoreBytesDesc = newDesc("restore_bytes_total",
		"v6 and later: itemSizeBytes of the items counted in vbo365_restore_items_total.", restoreItemLabels)
	restoreFoldedDesc = newDesc("restore_initiators_folded_total",
		"v6 and later: restore sessions counted with initiated_by=\"other\" because --collector.restores.initiators distinct initiators had been seen.", serverLabels)
	restoreRunningDesc = newDesc("restore_sessions_running",
		"v6 and later: restore sessions working, of those started since the exporter started (less --collector.restores.overlap); 0 for an organization and type that had one.", serverLabels, "organization", "type")
	restorePortalDesc = newDesc("restore_portal_enabled",
		"v6 and later: 1 if the Restore Portal is enabled, else 0.", serverLabels)
	rbacRoleInfoDesc = newDesc("rbac_role_info",
		"v6 and later: a restore operator role; the value is always 1.", serverLabels, "role_id", "role", "role_type", "organization_id")
	rbacRoleOperatorsDesc = newDesc("rbac_role_operators",
		"v6 and later: operators (users and groups) of a restore operator role.", serverLabels, "role_id")
)

// Defaults of the restores collector's settings.
const (
	DefaultRestoreOverlap    = 10 * time.Minute
	DefaultRestoreInitiators = 100
	// otherInitiator is the initiated_by of the sessions beyond the cap.
	otherInitiator = "other"
	// eventReaders bounds the events lists read at once, under the
	// server's own request slots.
	eventReaders = 8
)

type sessionKey struct{ org, kind, result, initiator, portal string }
type itemKey struct{ org, kind, status, initiator, portal string }
type runKey struct{ org, kind string }

// seenSession is a finished session the counters took in (or left out as
// ended before the start), kept while a reading can list it again.
type seenSession struct{ created, ended time.Time }

// restoreState is what the scraper knows of one server. A poll works on a
// copy and keeps it only when it read everything, so a failed poll leaves
// the counters and the windows as they were and the next poll reads the
// same sessions again.
type restoreState struct {
	// newestCreated and newestEnded are the latest times the readings
	// saw; the next ones start there less the overlap.
	newestCreated, newestEnded time.Time
	seen                       map[string]seenSession
	running                    map[string]vboapi.RestoreSession // by normalized id
	runKeys                    map[runKey]bool
	initiators                 map[string]bool
	sessions                   map[sessionKey]float64
	items, bytes               map[itemKey]float64
	folded                     float64
	// recent are the last sessions counted, latest ended first, for the
	// status page.
	recent []poll.RestoreSessionSummary
}

func (st *restoreState) clone() *restoreState {
	c := *st
	c.seen, c.running, c.runKeys = maps.Clone(st.seen), maps.Clone(st.running), maps.Clone(st.runKeys)
	c.initiators, c.sessions = maps.Clone(st.initiators), maps.Clone(st.sessions)
	c.items, c.bytes = maps.Clone(st.items), maps.Clone(st.bytes)
	c.recent = slices.Clone(st.recent)
	return &c
}

// restoresScraper counts the restore sessions that end while the exporter
// runs, and their items, reading the sessions incrementally: the first
// reading starts at the exporter's start less the overlap, later ones at
// the newest session seen less the overlap (and on v8, at the newest end
// seen less the overlap, with endTimeFrom), so a poll reads a window of
// recent sessions, never the history. A session seen working is followed
// until it ends; each finished session's events are read once.
type restoresScraper struct {
	start         time.Time
	overlap       time.Duration
	maxInitiators int

	mu sync.Mutex
	st *restoreState
}

func newRestoresScraper(c Collectors) Scraper {
	return &restoresScraper{start: time.Now(), overlap: cmp.Or(c.RestoreOverlap, DefaultRestoreOverlap),
		maxInitiators: c.RestoreInitiators, st: &restoreState{
			seen: map[string]seenSession{}, running: map[string]vboapi.RestoreSession{}, runKeys: map[runKey]bool{},
			initiators: map[string]bool{}, sessions: map[sessionKey]float64{},
			items: map[itemKey]float64{}, bytes: map[itemKey]float64{},
		}}
}

func (*restoresScraper) Name() string { return "restores" }

func (*restoresScraper) Help() string {
	return "v6 and later: restore sessions and their items that end while the exporter runs, by type, result, initiator and " +
		"Restore Portal; sessions working; the Restore Portal's state; restore operator roles and their operators."
}

func (*restoresScraper) Descs() []*prometheus.Desc {
	return []*prometheus.Desc{restoreSessionsDesc, restoreItemsDesc, restoreBytesDesc, restoreFoldedDesc,
		restoreRunningDesc, restorePortalDesc, rbacRoleInfoDesc, rbacRoleOperatorsDesc}
}

func (s *restoresScraper) Scrape(ctx context.Context, t *Target) ([]prometheus.Metric, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	next, soft, err := s.poll(ctx, t)
	if errors.Is(err, vboapi.ErrNotInVersion) {
		return nil, err
	}
	errs := []error{err, soft}
	if err == nil {
		s.st = next
	}
	out := s.st.counters(t.Server)
	if err == nil {
		out = append(out, s.st.runningGauges(t.Server)...)
	}
	activity := &poll.RestoreActivity{Sessions: s.st.recent}
	if t.res != nil {
		t.res.Restores = activity
	}
	if p, err := t.Client.RestorePortalSettings(ctx); err != nil {
		errs = append(errs, fmt.Errorf("restore portal settings: %w", err))
	} else if p.Enabled != nil {
		out.gauge(restorePortalDesc, boolValue(*p.Enabled), t.Server)
		activity.PortalEnabled = p.Enabled
	} else {
		errs = append(errs, errors.New("the restore portal settings do not say whether it is enabled"))
	}
	rbac, err := readRBAC(ctx, t)
	return append(out, rbac...), errors.Join(append(errs, err)...)
}

// poll reads what ended since the last poll into a copy of the state.
// soft reports sessions listed without an id, which the counters can
// never take in: they are flagged in this poll, not retried.
func (s *restoresScraper) poll(ctx context.Context, t *Target) (next *restoreState, soft, err error) {
	next = s.st.clone()
	startFrom := s.windowStart(next.newestCreated)
	read, idless, err := s.readSessions(ctx, t, next, startFrom)
	if err != nil {
		return nil, nil, err
	}
	var toCount []vboapi.RestoreSession
	incomplete := 0
	for k, rs := range read {
		next.newestCreated = later(next.newestCreated, rs.CreationTime)
		next.newestEnded = later(next.newestEnded, rs.EndTime)
		if _, done := next.seen[k]; done {
			continue
		}
		_, wasRunning := next.running[k]
		counted := rs.Ended() && s.endedSinceStart(&rs, wasRunning)
		if (counted || !rs.Ended()) && (rs.Organization == "" || rs.InitiatedBy == "") {
			// Its labels are unknown: a server that sends every member
			// it need not as null. Counting it under empty labels would
			// be wrong for good; it is read again next poll.
			incomplete++
			continue
		}
		if !rs.Ended() {
			next.running[k] = rs
			continue
		}
		delete(next.running, k)
		next.seen[k] = seenSession{rs.CreationTime, rs.EndTime}
		if counted {
			toCount = append(toCount, rs)
		}
	}
	if incomplete > 0 {
		return nil, nil, fmt.Errorf("%d restore sessions were listed without their organization or initiator", incomplete)
	}
	// The order the initiators are met in decides which keep their name
	// once the cap is reached: by end, then id, the same on every run.
	slices.SortFunc(toCount, func(a, b vboapi.RestoreSession) int {
		return cmp.Or(a.EndTime.Compare(b.EndTime), cmp.Compare(vboapi.NormalizeID(a.ID), vboapi.NormalizeID(b.ID)))
	})
	events, err := readEvents(ctx, t, toCount)
	if err != nil {
		return nil, nil, err
	}
	for i := range toCount {
		next.count(&toCount[i], events[i], s.maxInitiators)
	}
	next.prune(s.windowStart(next.newestCreated), s.windowStart(next.newestEnded), t.Version == vboapi.V8)
	if idless > 0 {
		soft = fmt.Errorf("%d restore sessions were listed without an id and are not counted", idless)
	}
	return next, soft, nil
}

// windowStart is where a reading from newest starts: the overlap before
// it, and never before the exporter's start less the overlap.
func (s *restoresScraper) windowStart(newest time.Time) time.Time {
	return later(s.start, newest).Add(-s.overlap)
}

// endedSinceStart tells whether a finished session ended while the
// exporter ran. Without an end time it did if it was seen working, or
// started after the exporter did.
func (s *restoresScraper) endedSinceStart(rs *vboapi.RestoreSession, wasRunning bool) bool {
	if !rs.EndTime.IsZero() {
		return !rs.EndTime.Before(s.start)
	}
	return wasRunning || !rs.CreationTime.Before(s.start)
}

// readSessions reads the window (and on v8 the sessions that ended since
// the newest end seen less the overlap), and follows each session seen
// working that the window no longer holds: by id on v6 and v7; on v8 the
// end window lists it once it ends. A session working inside the window
// that the reading does not list was deleted, and is forgotten.
func (s *restoresScraper) readSessions(ctx context.Context, t *Target, st *restoreState, startFrom time.Time) (
	read map[string]vboapi.RestoreSession, idless int, err error) {
	read = map[string]vboapi.RestoreSession{}
	take := func(rs *vboapi.RestoreSession) error {
		if rs.ID == "" {
			idless++
			return nil
		}
		k := vboapi.NormalizeID(rs.ID)
		if prev, ok := read[k]; !ok || rs.Ended() && !prev.Ended() {
			read[k] = *rs
		}
		return nil
	}
	if err := t.Client.RestoreSessions(ctx, vboapi.RestoreSessionFilter{StartTimeFrom: startFrom}, t.PageSize, take); err != nil {
		return nil, 0, err
	}
	v8 := t.Version == vboapi.V8
	if v8 {
		f := vboapi.RestoreSessionFilter{EndTimeFrom: s.windowStart(st.newestEnded)}
		if err := t.Client.RestoreSessions(ctx, f, t.PageSize, take); err != nil {
			return nil, 0, err
		}
	}
	for k, rs := range st.running {
		if _, ok := read[k]; ok {
			continue
		}
		switch {
		case !rs.CreationTime.Before(startFrom):
			delete(st.running, k)
		case !v8:
			got, err := t.Client.RestoreSession(ctx, rs.ID)
			var apiErr *vboapi.APIError
			if errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusNotFound {
				delete(st.running, k)
				continue
			}
			if err != nil {
				return nil, 0, fmt.Errorf("restore session %s: %w", rs.ID, err)
			}
			if got.ID == "" {
				got.ID = rs.ID
			}
			read[k] = got
		}
	}
	return read, idless, nil
}

// sessionEvents are one session's items by event type and status.
type sessionEvents struct {
	items, bytes map[[2]string]float64
}

// readEvents reads the events of each session, a few sessions at once;
// any failure fails them all, so that no session is counted in part. An
// event without a type cannot be told from the session's own messages
// (type None), an item without itemSizeBytes has no bytes to count, and an
// event listed twice stands in for one the pages skipped: they fail the
// reading too, which the next poll does again.
func readEvents(ctx context.Context, t *Target, sessions []vboapi.RestoreSession) ([]sessionEvents, error) {
	out := make([]sessionEvents, len(sessions))
	errs := make([]error, len(sessions))
	sem := make(chan struct{}, eventReaders)
	var wg sync.WaitGroup
	for i := range sessions {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			e := sessionEvents{items: map[[2]string]float64{}, bytes: map[[2]string]float64{}}
			ids := map[string]bool{}
			errs[i] = t.Client.RestoreSessionEvents(ctx, sessions[i].ID, t.PageSize, func(ev *vboapi.RestoreEvent) error {
				if ev.ID != "" && ids[vboapi.NormalizeID(ev.ID)] {
					return fmt.Errorf("event %s is listed twice", ev.ID)
				}
				ids[vboapi.NormalizeID(ev.ID)] = true
				switch {
				case ev.Type == "None":
					return nil
				case ev.Type == "" || ev.Status == "":
					return fmt.Errorf("event %s has no type or status", ev.ID)
				case ev.ItemSizeBytes == nil:
					return fmt.Errorf("event %s has no itemSizeBytes", ev.ID)
				}
				k := [2]string{ev.Type, ev.Status}
				e.items[k]++
				e.bytes[k] += float64(*ev.ItemSizeBytes)
				return nil
			})
			if errs[i] != nil {
				errs[i] = fmt.Errorf("events of restore session %s: %w", sessions[i].ID, errs[i])
			}
			out[i] = e
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return out, nil
}

// count adds a finished session and its events to the counters.
func (st *restoreState) count(rs *vboapi.RestoreSession, e sessionEvents, maxInitiators int) {
	initiator := rs.InitiatedBy
	if !st.initiators[initiator] {
		if len(st.initiators) < maxInitiators {
			st.initiators[initiator] = true
		} else {
			initiator = otherInitiator
			st.folded++
		}
	}
	portal := strconv.FormatBool(rs.Portal())
	st.sessions[sessionKey{rs.Organization, rs.Type, rs.Result, initiator, portal}]++
	sum := poll.RestoreSessionSummary{RestoreSession: *rs}
	for k, n := range e.items {
		ik := itemKey{rs.Organization, k[0], k[1], initiator, portal}
		st.items[ik] += n
		st.bytes[ik] += e.bytes[k]
		sum.Items += int(n)
		sum.Bytes += int64(e.bytes[k])
	}
	st.remember(sum)
}

// remember keeps sum among the recent sessions if it is one of the
// latest ended: a session followed by id on v6 and v7 can be counted after
// one that ended later.
func (st *restoreState) remember(sum poll.RestoreSessionSummary) {
	i, _ := slices.BinarySearchFunc(st.recent, sum.EndTime, func(r poll.RestoreSessionSummary, end time.Time) int {
		return end.Compare(r.EndTime) // latest first
	})
	st.recent = slices.Insert(st.recent, i, sum)
	st.recent = st.recent[:min(len(st.recent), poll.RecentRestoreSessions)]
}

// prune forgets the finished sessions no reading can list again.
func (st *restoreState) prune(startFrom, endFrom time.Time, v8 bool) {
	for k, ss := range st.seen {
		if ss.created.Before(startFrom) && (!v8 || ss.ended.Before(endFrom)) {
			delete(st.seen, k)
		}
	}
}

func (st *restoreState) counters(server string) metricList {
	out := metricList{prometheus.MustNewConstMetric(restoreFoldedDesc, prometheus.CounterValue, st.folded, server)}
	for k, n := range st.sessions {
		out = append(out, prometheus.MustNewConstMetric(restoreSessionsDesc, prometheus.CounterValue, n,
			server, k.org, k.kind, k.result, k.initiator, k.portal))
	}
	for k, n := range st.items {
		labels := []string{server, k.org, k.kind, k.status, k.initiator, k.portal}
		out = append(out, prometheus.MustNewConstMetric(restoreItemsDesc, prometheus.CounterValue, n, labels...),
			prometheus.MustNewConstMetric(restoreBytesDesc, prometheus.CounterValue, st.bytes[k], labels...))
	}
	return out
}

// runningGauges counts the sessions working by organization and type,
// with 0 for those that had one before.
func (st *restoreState) runningGauges(server string) metricList {
	n := map[runKey]float64{}
	for _, rs := range st.running {
		k := runKey{rs.Organization, rs.Type}
		n[k]++
		st.runKeys[k] = true
	}
	var out metricList
	for k := range st.runKeys {
		out.gauge(restoreRunningDesc, n[k], server, k.org, k.kind)
	}
	return out
}

// readRBAC exports the roles and each one's operator count; a role whose
// operators could not be read has no count.
func readRBAC(ctx context.Context, t *Target) (metricList, error) {
	roles, err := t.Client.RbacRoles(ctx)
	if err != nil {
		return nil, fmt.Errorf("RBAC roles: %w", err)
	}
	var out metricList
	var errs []error
	listed := map[string]bool{}
	for _, r := range roles {
		if r.ID == "" || listed[vboapi.NormalizeID(r.ID)] {
			errs = append(errs, fmt.Errorf("RBAC role %q is listed without an id or twice: it is left out", r.Name))
			continue
		}
		listed[vboapi.NormalizeID(r.ID)] = true
		out.gauge(rbacRoleInfoDesc, 1, t.Server, r.ID, r.Name, r.RoleType, r.OrganizationID)
		ops, err := t.Client.RbacRoleOperators(ctx, r.ID)
		if err != nil {
			errs = append(errs, fmt.Errorf("operators of RBAC role %s: %w", r.ID, err))
			continue
		}
		out.gauge(rbacRoleOperatorsDesc, float64(len(ops)), t.Server, r.ID)
	}
	return out, errors.Join(errs...)
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
