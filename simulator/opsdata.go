package simulator

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// ops is the operations data served beside the tenant. It is built once by
// New after the tenant, from its own random source, and never changes.
type ops struct {
	opts     OpsOptions
	license  tlicense
	licensed []int // per organization: users consuming a licence
	proxies  []*tproxy
	archives map[int]*tarchive // by repository index
	copies   []*tcopy
	// sessions are every session, newest first; byJob holds each backup
	// job's (by job index, for v6's per-job list), byID all of them.
	sessions []*tsession
	byJob    [][]*tsession
	byID     map[string]*tsession
}

type tlicense struct {
	id, email, licensedTo, contact string
	supportID                      string
	kind                           string // its type
	expires                        time.Time
	total, used                    int
	unknown                        bool // OpsOptions.UnknownValues
}

type tproxy struct {
	id, host, fqdn   string
	online           bool
	status           string // "": Online or Offline, as online says
	cpu, memory      float64
	threads          int64
	orchestrator     bool // the v8 roles of the first proxy
	maintenanceMode  string
	operatingSystem  string
	version, account string
	description      string
}

// tarchive is what makes a repository an archive-tier object storage one.
type tarchive struct {
	storageID, name, kind string
	sizeLimitGB           int64 // 0: no size limit
	used                  int64
	immutableDays         int64 // 0: not immutable
}

type tcopy struct {
	index          int
	id, name       string
	source         *tjob
	repo           *trepo
	lastRun, lastB time.Time
	lastStatus     string
	eTag           int64
}

// Sub-tags of tkMisc ids, so that ops ids never meet each other or the
// installation id.
const (
	opsLicense uint64 = (iota + 1) << 48
	opsArchive
	opsCopy
	opsSession
)

// buildOps derives the operations data from the tenant. The storage knobs
// and UnknownValues are the only changes it makes to the tenant itself:
// archive repositories appended, one repository's free space lowered, one
// job's last status.
func (s *Simulator) buildOps(t *tenant) *ops {
	o := &ops{opts: s.opts.Tenant.Ops, archives: map[int]*tarchive{}, byID: map[string]*tsession{}}
	rng := rand.New(rand.NewPCG(uint64(s.opts.Seed), 0x0b5da7a5e55))
	now := s.opts.Tenant.Now
	o.buildLicense(s, t, now)
	o.buildProxies(s, t, rng)
	if o.opts.NearFullRepository && len(t.repos) > 0 {
		t.repos[0].free = t.repos[0].capacity / 50
	}
	o.buildArchives(s, t, now)
	if o.opts.UnknownValues {
		o.unknownValues(t)
	}
	o.buildSessions(s, t, rng)
	return o
}

// unknownValues gives one object of each kind a value its enum in Veeam's
// schemas lacks (OpsOptions.UnknownValues), before the sessions are drawn
// so that a Paused job's newest session is Paused too.
func (o *ops) unknownValues(t *tenant) {
	o.license.kind, o.license.unknown = "Free", true
	for _, j := range t.jobs {
		if !j.lastRun.IsZero() && j.lastStatus == "Success" {
			j.lastStatus = "Paused"
			break
		}
	}
	if len(o.copies) > 0 {
		o.copies[0].lastStatus = "Paused"
	}
	if len(o.proxies) > 0 {
		o.proxies[0].status = "Maintenance"
	}
	for _, r := range t.repos {
		if a := o.archiveOf(r); a != nil {
			a.kind = "OracleCloud"
			break
		}
	}
}

// buildLicense licenses every regular user in some job's scope, the units
// a Subscription licence counts; shared and public mailboxes need none.
func (o *ops) buildLicense(s *Simulator, t *tenant, now time.Time) {
	o.licensed = make([]int, len(t.orgs))
	for _, org := range t.orgs {
		sc := t.newScope()
		for _, j := range t.jobs {
			if j.org == org.index {
				sc.users.or(j.scope.users)
			}
		}
		sc.users.each(func(u int32) {
			if t.users[u].kind == kindUser {
				o.licensed[org.index]++
			}
		})
	}
	used := 0
	for _, n := range o.licensed {
		used += n
	}
	first := t.orgs[0]
	o.license = tlicense{
		id:         s.tenantID(tkMisc | opsLicense),
		email:      "licensing@" + first.domain,
		licensedTo: strings.ToUpper(first.officeName[:1]) + first.officeName[1:] + " Ltd",
		contact:    "Megan Bowen",
		supportID:  fmt.Sprintf("%08d", mix64(uint64(s.opts.Seed)^0x5a9907)%100000000),
		kind:       licenseType,
		expires:    now.Add(o.opts.LicenseExpiresIn).Truncate(24 * time.Hour),
		used:       used,
		total:      (used/50 + 2) * 50,
	}
}

func (l *tlicense) status(now time.Time) string {
	switch {
	case !now.Before(l.expires):
		return "Expired"
	case l.unknown:
		return "Grace"
	}
	return "Valid"
}

// natsStatus is the status of the health report's NATS entry.
func (o *ops) natsStatus() string { return pick(o.opts.UnknownValues, "Degraded", "Healthy") }

// statusName is the proxy's status as served.
func (p *tproxy) statusName() string {
	if p.status != "" {
		return p.status
	}
	return pick(p.online, "Online", "Offline")
}

// buildProxies makes one proxy per repository, under the proxyId the
// repository already names.
func (o *ops) buildProxies(s *Simulator, t *tenant, rng *rand.Rand) {
	build := s.build()
	for i, r := range t.repos {
		p := &tproxy{
			id:     r.proxyID,
			host:   fmt.Sprintf("vbo-proxy%02d", i+1),
			fqdn:   fmt.Sprintf("vbo-proxy%02d.corp.example", i+1),
			online: true, threads: 64,
			cpu:             float64(5+rng.IntN(60)) + float64(rng.IntN(100))/100,
			memory:          float64(20+rng.IntN(60)) + float64(rng.IntN(100))/100,
			orchestrator:    i == 0,
			maintenanceMode: "Disabled", operatingSystem: "Windows",
			version: build, account: `CORP\svc-vbo365`,
			description: "Backup proxy of " + r.name,
		}
		if o.opts.OfflineProxy && i == len(t.repos)-1 {
			p.online, p.maintenanceMode = false, "Enabled"
		}
		o.proxies = append(o.proxies, p)
	}
}

// buildArchives appends the archive repositories, each with a copy job of
// the next backup job that has run.
func (o *ops) buildArchives(s *Simulator, t *tenant, now time.Time) {
	var sources []*tjob
	for _, j := range t.jobs {
		if !j.lastRun.IsZero() {
			sources = append(sources, j)
		}
	}
	for a := 0; a < o.opts.ArchiveRepositories && len(sources) > 0; a++ {
		src := sources[a%len(sources)]
		home := t.repos[src.repo]
		r := &trepo{
			index:       len(t.repos),
			id:          s.tenantID(tkMisc | opsArchive | uint64(a)),
			proxyID:     home.proxyID,
			name:        fmt.Sprintf("Archive %d", a+1),
			description: "Archive tier copies of " + home.name,
			path:        fmt.Sprintf(`C:\VeeamArchiveCache\Archive%d`, a+1),
			byUser:      map[int32]int{},
			orgs:        make([]bool, len(t.orgs)),
		}
		r.orgs[src.org] = true
		arc := &tarchive{storageID: s.tenantID(tkMisc | opsArchive | 1<<40 | uint64(a)), name: fmt.Sprintf("Glacier bucket %d", a+1),
			kind: "AmazonS3Glacier", used: int64(3+a) << 40}
		if a == 0 {
			// Near its limit, and immutable: what storage alerts look at.
			arc.sizeLimitGB, arc.used, arc.immutableDays = 10240, 10035<<30, 30
		} else if a%2 == 1 {
			arc.kind, arc.name = "AzureBlobArchive", fmt.Sprintf("Archive container %d", a+1)
		}
		t.repos = append(t.repos, r)
		o.archives[r.index] = arc
		o.addCopy(s, src, r, now)
	}
}

// addCopy makes the copy job of src into archive repository r: it runs
// right after each of src's runs (Immediate), so far always successfully.
func (o *ops) addCopy(s *Simulator, src *tjob, r *trepo, now time.Time) {
	n := len(o.copies)
	c := &tcopy{
		index: n, id: s.tenantID(tkMisc | opsCopy | uint64(n)),
		name: "Archive copy of " + src.name, source: src, repo: r,
		lastStatus: "Success", eTag: int64(2000 + 3*n),
	}
	c.lastRun = src.lastRun.Add(40 * time.Minute)
	if c.lastRun.After(now) {
		c.lastRun = src.lastRun.Add(-src.interval() + 40*time.Minute)
	}
	c.lastB = c.lastRun
	o.copies = append(o.copies, c)
}

func (o *ops) archiveOf(r *trepo) *tarchive { return o.archives[r.index] }

func (o *ops) findCopy(id string) *tcopy {
	for _, c := range o.copies {
		if strings.EqualFold(c.id, id) {
			return c
		}
	}
	return nil
}

func (o *ops) findProxy(id string) *tproxy {
	for _, p := range o.proxies {
		if strings.EqualFold(p.id, id) {
			return p
		}
	}
	return nil
}

// findStorage returns the archive repository whose object storage is id.
func (o *ops) findStorage(t *tenant, id string) (*trepo, *tarchive) {
	for _, r := range t.repos {
		if a := o.archives[r.index]; a != nil && strings.EqualFold(a.storageID, id) {
			return r, a
		}
	}
	return nil, nil
}

// interval is the time between two scheduled runs of the job.
func (j *tjob) interval() time.Duration {
	if j.schedule == "Periodically" {
		return 4 * time.Hour // periodicallyEvery Hours4, as rendered
	}
	return 24 * time.Hour
}
