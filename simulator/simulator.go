// Package simulator serves a faithful imitation of the Veeam Backup for
// Microsoft 365 REST API with deterministic data, a latency model and fault
// injection, so the exporter can be tested end to end without a Veeam
// server. v1 serves token, jobs and selected-mailbox paging; v6, v7 and v8
// serve a generated Microsoft 365 tenant (organizations, users, groups,
// jobs with their items, repositories and their user data) with ground
// truth of per-job mailbox protection (ProtectionTruth) and, per workload,
// of archives, OneDrives, personal sites, sites and teams too
// (WorkloadTruth; sites and teams with TenantOptions.Workloads), and beside
// it the operations resources: licence, proxies, health, backup copy jobs
// and every job's session history (OpsTruth, shaped by TenantOptions.Ops).
package simulator

import (
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Options configures a Simulator. Zero values get the defaults noted.
type Options struct {
	// Username and Password are the credentials POST /v1/Token accepts
	// (default "admin"/"secret"); the username matches case-insensitively
	// like a Windows account.
	Username, Password string
	// Jobs is the number of backup jobs (default 3).
	Jobs int
	// MailboxesPerJob lists mailboxes per job; the last value repeats for
	// the remaining jobs (default [100]).
	MailboxesPerJob []int
	// BackedUpFraction is the share of mailboxes reporting isBackedUp true,
	// in [0,1] (default 0.9); which ones is fixed by Seed.
	BackedUpFraction float64
	// Seed fixes ids, names and backed-up states (default 1).
	Seed int64
	// TokenLifetime is the access token lifetime (default 1h).
	TokenLifetime time.Duration
	// BaseDelay is added to every request.
	BaseDelay time.Duration
	// PerItemDelay is added per result item returned.
	PerItemDelay time.Duration
	// MaxConcurrent caps requests served at once; the rest queue FIFO
	// (0 = unlimited).
	MaxConcurrent int
	// MaxPageSize clamps the limit query parameter; the clamped value is
	// echoed (0 = no cap).
	MaxPageSize int
	// PublicURL prefixes every absolute _links href (default
	// "https://vbo365.simulator.invalid:4443"). It deliberately differs from
	// the listener so a client that follows links instead of computing
	// offsets fails visibly.
	PublicURL string
	// BoolsAsJSON renders booleans as JSON true/false instead of the quoted
	// "true"/"false" the v1.5 documentation shows.
	BoolsAsJSON bool
	// BackedUpSpelling is the mailbox field name: "isBackedUp" (default) or
	// "isBackedup", both of which appear in the v1.5 documentation.
	BackedUpSpelling string
	// Versions are the API prefixes served, from "v1", "v6", "v7" and
	// "v8" (default ["v1"]; unknown ones are dropped). A real 8.x server
	// serves v6, v7 and v8 and no v1. Other prefixes answer 404.
	Versions []string
	// AuthBeforeRouting answers 401 to every request without a valid
	// bearer token, whatever its path (a version not served, a path no
	// version has), except POST /vN/token: a server, or a proxy in front
	// of it, that authenticates before it routes.
	AuthBeforeRouting bool
	// Tenant sizes the tenant served on v6–v8; it is generated only when
	// one of them is served.
	Tenant TenantOptions
	// V8Release is the minor release of 8.x whose shapes /v8 serves, with
	// its build number on every prefix: "8.4" (the default) or "8.0"
	// (V8Release80). Any other value serves 8.4.
	V8Release string
}

// Simulator is an http.Handler serving the VBO365 API prefixes of
// Options.Versions. It is safe for concurrent use; all mutable state sits
// behind mu, and the v6+ tenant never changes after New.
type Simulator struct {
	opts    Options
	seedMix uint64
	jobs    []*jobData
	limiter *limiter
	orgURL  string // JSON-escaped PublicURL + "/v1/Organizations/"

	served    [9]bool // by version number
	tenantMix uint64
	tenant    *tenant // nil unless a v6+ prefix is served
	ops       *ops    // beside the tenant, built with it
	restores  *restoreData
	installID string

	mu       sync.Mutex
	access   map[string]time.Time // access token -> expiry
	refresh  map[string]string    // refresh token -> user name
	secrets  []string
	counts   map[string]int64 // endpoint, and endpoint+"/"+job id
	sets     setStore
	faults   []*fired
	rng      *rand.Rand
	active   atomic.Int64
	peak     atomic.Int64
	peakServ atomic.Int64
	serving  atomic.Int64
}

// Endpoint names used by Requests and Fault.Endpoint. Token, jobs and job
// name the same operation on every version; mailboxes is v1 only, the rest
// v6+ only.
const (
	EndpointToken     = "token"
	EndpointJobs      = "jobs"
	EndpointJob       = "job"
	EndpointMailboxes = "mailboxes"

	EndpointServiceInstance       = "service-instance"
	EndpointRestorePortalSettings = "restore-portal-settings"
	EndpointHealth                = "health"
	EndpointSelectedItems         = "selected-items"
	EndpointExcludedItems         = "excluded-items"
	EndpointOrganizations         = "organizations"
	EndpointOrganization          = "organization"
	EndpointOrganizationJobs      = "organization-jobs"
	EndpointUsers                 = "users"
	EndpointGroups                = "groups"
	EndpointGroupMembers          = "group-members"
	EndpointRepositories          = "repositories"
	EndpointRepository            = "repository"
	EndpointUserData              = "user-data"
	EndpointSites                 = "sites"
	EndpointTeams                 = "teams"
	EndpointSiteData              = "site-data"
	EndpointTeamData              = "team-data"

	// The operations resources. Fault.JobID selects by the id in the path:
	// the organization (licensing-information), the job
	// (job-sessions-by-job, v6 only), the session (job-session,
	// processed-objects, v7+), the copy job, proxy or object storage.
	EndpointLicense              = "license"
	EndpointLicensingInformation = "licensing-information"
	EndpointJobSessions          = "job-sessions"
	EndpointJobSessionsByJob     = "job-sessions-by-job"
	EndpointJobSession           = "job-session"
	EndpointProcessedObjects     = "processed-objects"
	EndpointCopyJobs             = "copy-jobs"
	EndpointCopyJob              = "copy-job"
	EndpointProxies              = "proxies"
	EndpointProxy                = "proxy"
	EndpointObjectStorages       = "object-storages" // v6, v7
	EndpointObjectStorage        = "object-storage"  // v6, v7

	// The organizations' synchronization with the organization cache:
	// one organization's (v7, v8; Fault.JobID selects the organization),
	// every organization's at once (v8).
	EndpointOrganizationSyncState  = "organization-sync-state"
	EndpointOrganizationsSyncState = "organizations-sync-state"

	// The restore activity: restore sessions, one by id and its events
	// (Fault.JobID selects the session), and the restore operator roles
	// and one role's operators (Fault.JobID selects the role).
	EndpointRestoreSessions      = "restore-sessions"
	EndpointRestoreSession       = "restore-session"
	EndpointRestoreSessionEvents = "restore-session-events"
	EndpointRbacRoles            = "rbac-roles"
	EndpointRbacRoleOperators    = "rbac-role-operators"
)

// Endpoints lists every endpoint name, for parsers and help texts.
var Endpoints = []string{EndpointToken, EndpointJobs, EndpointJob, EndpointMailboxes,
	EndpointServiceInstance, EndpointRestorePortalSettings, EndpointHealth,
	EndpointSelectedItems, EndpointExcludedItems, EndpointOrganizations, EndpointOrganization,
	EndpointOrganizationJobs, EndpointUsers, EndpointGroups, EndpointGroupMembers,
	EndpointRepositories, EndpointRepository, EndpointUserData,
	EndpointSites, EndpointTeams, EndpointSiteData, EndpointTeamData,
	EndpointLicense, EndpointLicensingInformation, EndpointJobSessions, EndpointJobSessionsByJob,
	EndpointJobSession, EndpointProcessedObjects, EndpointCopyJobs, EndpointCopyJob,
	EndpointProxies, EndpointProxy, EndpointObjectStorages, EndpointObjectStorage,
	EndpointOrganizationSyncState, EndpointOrganizationsSyncState,
	EndpointRestoreSessions, EndpointRestoreSession, EndpointRestoreSessionEvents, EndpointRbacRoles, EndpointRbacRoleOperators}

// DefaultPublicURL is the host every _links href points at unless
// Options.PublicURL says otherwise.
const DefaultPublicURL = "https://vbo365.simulator.invalid:4443"

func (o *Options) applyDefaults() {
	if o.Username == "" {
		o.Username = "admin"
	}
	if o.Password == "" {
		o.Password = "secret"
	}
	if o.Jobs <= 0 {
		o.Jobs = 3
	}
	if len(o.MailboxesPerJob) == 0 {
		o.MailboxesPerJob = []int{100}
	}
	o.MailboxesPerJob = append([]int(nil), o.MailboxesPerJob...)
	for i, n := range o.MailboxesPerJob {
		o.MailboxesPerJob[i] = max(n, 0)
	}
	if o.BackedUpFraction == 0 {
		o.BackedUpFraction = 0.9
	}
	o.BackedUpFraction = min(max(o.BackedUpFraction, 0), 1)
	if o.Seed == 0 {
		o.Seed = 1
	}
	if o.TokenLifetime <= 0 {
		o.TokenLifetime = time.Hour
	}
	if o.PublicURL == "" {
		o.PublicURL = DefaultPublicURL
	}
	o.PublicURL = strings.TrimRight(o.PublicURL, "/")
	if o.V8Release != V8Release80 {
		o.V8Release = V8Release84
	}
	if o.BackedUpSpelling != "isBackedup" {
		o.BackedUpSpelling = "isBackedUp"
	}
	if len(o.Versions) == 0 {
		o.Versions = []string{"v1"}
	}
	o.Versions, _ = parseVersions(o.Versions)
}

// New builds a simulator. Mailboxes are never stored: they are derived on
// demand, so a million of them cost only the one counting pass for Truth.
// A BackedUpFraction of exactly 0 cannot be told from "unset"; pass a tiny
// negative value to get no backed-up mailboxes.
func New(opts Options) *Simulator {
	opts.applyDefaults()
	s := &Simulator{
		opts:    opts,
		seedMix: mix64(uint64(opts.Seed) ^ 0x6a09e667f3bcc909),
		limiter: &limiter{max: opts.MaxConcurrent},
		access:  map[string]time.Time{},
		refresh: map[string]string{},
		counts:  map[string]int64{},
		rng:     rand.New(rand.NewPCG(uint64(opts.Seed), 0x5eed)),
	}
	esc := appendString(nil, opts.PublicURL+"/v1/Organizations/")
	s.orgURL = string(esc[1 : len(esc)-1])
	start := time.Now().UTC().Truncate(time.Minute)
	s.buildJobs(start)
	_, s.served = parseVersions(opts.Versions)
	s.tenantMix = mix64(uint64(opts.Seed) ^ 0x3c6ef372fe94f82b)
	s.installID = s.tenantID(tkMisc)
	if s.newest() > 0 {
		s.opts.Tenant.applyDefaults(opts.BackedUpFraction, start)
		s.tenant = s.buildTenant()
		s.ops = s.buildOps(s.tenant)
		s.restores = s.buildRestores(s.tenant)
	}
	return s
}

// Options returns the effective options after defaults were applied.
func (s *Simulator) Options() Options { return s.opts }

// Requests counts requests received per endpoint (the Endpoint constants;
// "jobs" and "job" count every version), after routing and before faults.
func (s *Simulator) Requests(endpoint string) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.counts[strings.ToLower(endpoint)]
}

// ResetCounters zeroes request counters and concurrency peaks. Fault request
// numbers restart too, since they are counted by the same counters.
func (s *Simulator) ResetCounters() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.counts)
	s.peak.Store(s.active.Load())
	s.peakServ.Store(s.serving.Load())
}

// PeakConcurrent is the largest number of requests the simulator was handling
// at once (queued or served) since the last ResetCounters; tests use it to
// check a client's own concurrency limit.
func (s *Simulator) PeakConcurrent() int64 { return s.peak.Load() }

// PeakServing is the largest number of requests served at once (holding a
// MaxConcurrent slot) since the last ResetCounters.
func (s *Simulator) PeakServing() int64 { return s.peakServ.Load() }

// count bumps the endpoint counter and, for job-scoped endpoints, the
// per-job one; faults select requests by these numbers.
func (s *Simulator) count(endpoint, jobID string) (n, perJob int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.counts[endpoint]++
	n = s.counts[endpoint]
	if jobID != "" {
		k := endpoint + "/" + strings.ToLower(jobID)
		s.counts[k]++
		perJob = s.counts[k]
	}
	return n, perJob
}

func raisePeak(peak *atomic.Int64, v int64) {
	for {
		p := peak.Load()
		if v <= p || peak.CompareAndSwap(p, v) {
			return
		}
	}
}

// ServeHTTP routes, counts, queues for a slot, authenticates, applies faults
// and the latency model, then writes the reply.
func (s *Simulator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	raisePeak(&s.peak, s.active.Add(1))
	defer s.active.Add(-1)

	rt := s.route(r)
	if s.opts.AuthBeforeRouting && !isTokenRequest(r) {
		if _, ok := s.authorize(r); !ok {
			rt = routed{err: unauthorized()}
		}
	}
	if rt.err == nil {
		rt.n, rt.perJob = s.count(rt.endpoint, rt.jobID)
	}
	ctx := r.Context()
	if !s.limiter.acquire(ctx) {
		return
	}
	defer s.limiter.release()
	raisePeak(&s.peakServ, s.serving.Add(1))
	defer s.serving.Add(-1)

	rep := s.reply(r, rt)
	if !s.wait(ctx, rep.items) {
		return
	}
	s.emit(w, rep)
}
