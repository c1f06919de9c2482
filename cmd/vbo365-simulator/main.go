// Command vbo365-simulator serves the simulated VBO365 REST API (v1, and
// v6–v8 with a generated Microsoft 365 tenant) for demos, end-to-end tests
// and benchmarks of the exporter.
package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/alecthomas/kingpin/v2"
	"github.com/go-kit/log"
	"github.com/go-kit/log/level"

	"github.com/vbo365-exporter/vbo365_exporter/simulator"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// config holds the parsed command line.
type config struct {
	listen, certOut, username, password, passwordFile string
	tls, entireOrg, partialOrg                        bool
	mailboxes, logLevel, logFormat, apiVersions       string
	faults                                            []string
	syncFailed, syncNever, syncRunning, syncQueued    []int
	restoresPerMinute                                 float64
	opts                                              simulator.Options
}

func parseFlags(args []string, stderr io.Writer) (*config, error) {
	c := &config{}
	app := kingpin.New("vbo365-simulator", "Simulated Veeam Backup for Microsoft 365 REST API (v1; v6, v7 and v8 with a generated tenant). "+
		"`make demo` runs it as an 8.x server (--api-versions v6,v7,v8 --tenant.users 300, the default jobs) and shows the exporter's v8 figures; "+
		"`DEMO_API=v1 make demo` runs it as a v1 server with 4 jobs.")
	app.UsageWriter(stderr).ErrorWriter(stderr)
	app.HelpFlag.Short('h')
	app.Flag("listen-address", "Address to listen on.").Default("127.0.0.1:4443").StringVar(&c.listen)
	app.Flag("tls", "Serve HTTPS with a generated self-signed certificate for localhost, 127.0.0.1 and ::1 (--no-tls for plain HTTP).").Default("true").BoolVar(&c.tls)
	app.Flag("tls.cert-out", "Write the generated certificate PEM here, for the exporter's ca_file.").StringVar(&c.certOut)
	app.Flag("username", "User name accepted by /v1/Token.").Default("admin").StringVar(&c.username)
	// A flag value shows in ps; the environment variable or a file does not.
	app.Flag("password", "Demo password accepted by /v1/Token; prefer $VBO365_SIMULATOR_PASSWORD or --password-file outside demos.").
		Envar("VBO365_SIMULATOR_PASSWORD").Default("secret").StringVar(&c.password)
	app.Flag("password-file", "File holding the password (overrides --password).").StringVar(&c.passwordFile)
	app.Flag("jobs", "Number of backup jobs.").Default("3").IntVar(&c.opts.Jobs)
	app.Flag("mailboxes-per-job", "Comma-separated mailbox counts per job; the last one repeats.").Default("100").StringVar(&c.mailboxes)
	app.Flag("backed-up-fraction", "Share of mailboxes reported as backed up, 0..1.").Default("0.9").Float64Var(&c.opts.BackedUpFraction)
	app.Flag("seed", "Seed for ids, names and backed-up states.").Default("1").Int64Var(&c.opts.Seed)
	app.Flag("token-lifetime", "Access token lifetime.").Default("1h").DurationVar(&c.opts.TokenLifetime)
	app.Flag("delay.base", "Latency added to every request.").Default("0s").DurationVar(&c.opts.BaseDelay)
	app.Flag("delay.per-item", "Latency added per result item returned.").Default("0s").DurationVar(&c.opts.PerItemDelay)
	app.Flag("max-concurrent", "Requests served at once, the rest queue FIFO (0 = unlimited).").Default("0").IntVar(&c.opts.MaxConcurrent)
	app.Flag("max-page-size", "Server-side cap on the limit parameter (0 = none).").Default("0").IntVar(&c.opts.MaxPageSize)
	app.Flag("public-url", "scheme://host:port used in _links hrefs.").Default(simulator.DefaultPublicURL).StringVar(&c.opts.PublicURL)
	app.Flag("bools-as-json", "Render booleans as JSON true/false instead of quoted strings.").BoolVar(&c.opts.BoolsAsJSON)
	app.Flag("backed-up-spelling", "Mailbox field name.").Default("isBackedUp").EnumVar(&c.opts.BackedUpSpelling, "isBackedUp", "isBackedup")
	app.Flag("auth-before-routing", "Answer 401 to every request without a valid token, whatever its path, except POST /vN/token: a server or proxy that authenticates before it routes.").BoolVar(&c.opts.AuthBeforeRouting)
	app.Flag("api-versions", "Comma-separated API prefixes served, from v1, v6, v7, v8 (a real 8.x server, as in make demo: v6,v7,v8).").Default("v1").StringVar(&c.apiVersions)
	app.Flag("v8-release", "Minor release of 8.x whose shapes /v8 serves, with a build number of it on every prefix: 8.4 (dataLocation on users, groups, sites and teams) or 8.0 (jobs with totalObjects and processedObjects, sessions with total).").
		Default(simulator.V8Release84).EnumVar(&c.opts.V8Release, simulator.V8Release80, simulator.V8Release84)
	t := &c.opts.Tenant
	app.Flag("tenant.organizations", "v6+ tenant: Microsoft 365 organizations.").Default("1").IntVar(&t.Organizations)
	app.Flag("tenant.users", "v6+ tenant: users per organization, shared and public mailboxes included.").Default("200").IntVar(&t.Users)
	app.Flag("tenant.groups", "v6+ tenant: groups per organization (0 = group jobs + 5, at least 8).").Default("0").IntVar(&t.Groups)
	app.Flag("tenant.group-size", "v6+ tenant: typical direct members of a group.").Default("20").IntVar(&t.GroupSize)
	app.Flag("tenant.large-group-size", "v6+ tenant: direct members of the first group.").Default("130").IntVar(&t.LargeGroupSize)
	app.Flag("tenant.repositories", "v6+ tenant: backup repositories.").Default("2").IntVar(&t.Repositories)
	app.Flag("tenant.group-jobs", "v6+ tenant: jobs per organization selecting groups (-1 = none).").Default("3").IntVar(&t.GroupJobs)
	app.Flag("tenant.user-jobs", "v6+ tenant: jobs per organization selecting users (-1 = none).").Default("4").IntVar(&t.UserJobs)
	app.Flag("tenant.users-per-job", "v6+ tenant: User items per user job.").Default("5").IntVar(&t.UsersPerJob)
	app.Flag("tenant.entire-org-job", "v6+ tenant: give each organization an EntireOrganization job.").Default("true").BoolVar(&c.entireOrg)
	app.Flag("tenant.partial-org-job", "v6+ tenant: give each organization of 40+ users a PartialOrganization job.").Default("true").BoolVar(&c.partialOrg)
	app.Flag("tenant.workloads", "v6+ tenant: give every organization SharePoint sites and teams, jobs that select them and users' archives, OneDrives and personal sites, and the repositories' site and team data (some users without an archive or a OneDrive).").BoolVar(&t.Workloads)
	app.Flag("tenant.sites", "v6+ tenant with --tenant.workloads: sites per organization, its groups' sites included (0 = 12).").Default("0").IntVar(&t.Sites)
	app.Flag("tenant.teams", "v6+ tenant with --tenant.workloads: teams per organization (0 = 6).").Default("0").IntVar(&t.Teams)
	app.Flag("tenant.backed-up-fraction", "v6+ tenant: share of in-scope mailboxes backed up, 0..1 (unset or 0: --backed-up-fraction; negative: none).").Float64Var(&t.BackedUpFraction)
	opsFlags(app, &t.Ops)
	c.addSyncFlags(app)
	c.addRestoreFlags(app)
	app.Flag("fault", "Fault spec, repeatable: [ENDPOINT:]KEY=VALUE[:KEY=VALUE...], e.g. mailboxes:status=503:requests=1,2 or mailboxes:kind=slow-drip:probability=0.1.").StringsVar(&c.faults)
	app.Flag("log.level", "Log level; debug logs every request.").Default("info").EnumVar(&c.logLevel, "debug", "info", "warn", "error")
	app.Flag("log.format", "Log format.").Default("logfmt").EnumVar(&c.logFormat, "logfmt", "json")
	if _, err := app.Parse(args); err != nil {
		return nil, err
	}
	var err error
	if c.opts.MailboxesPerJob, err = simulator.ParseCounts(c.mailboxes); err != nil {
		return nil, err
	}
	if c.opts.BackedUpFraction == 0 {
		c.opts.BackedUpFraction = -1 // Options reads 0 as "default"; negative clamps to none.
	}
	if c.opts.Versions, err = parseVersions(c.apiVersions); err != nil {
		return nil, err
	}
	c.opts.Tenant.NoEntireOrgJob, c.opts.Tenant.NoPartialOrgJob = !c.entireOrg, !c.partialOrg
	if err := c.applySync(); err != nil {
		return nil, err
	}
	c.opts.Username, c.opts.Password = c.username, c.password
	if c.passwordFile != "" {
		b, err := os.ReadFile(c.passwordFile)
		if err != nil {
			return nil, err
		}
		c.opts.Password = strings.TrimRight(string(b), "\r\n")
	}
	return c, nil
}

// opsFlags adds the --ops.* flags, for the operations data beside the
// tenant (simulator.OpsOptions); each default leaves it as the library's
// defaults make it.
func opsFlags(app *kingpin.Application, ops *simulator.OpsOptions) {
	app.Flag("ops.sessions-per-job", "v6+ operations: scheduled runs in every job's session history, retries not counted (0 = 10, -1 = none).").Default("0").IntVar(&ops.Sessions)
	app.Flag("ops.archive-repositories", "v6+ operations: archive-tier object storage repositories, each with a backup copy job; the first is immutable for 30 days and 2% short of its size limit (0 = none, and no copy jobs).").Default("0").IntVar(&ops.ArchiveRepositories)
	app.Flag("ops.near-full-repository", "v6+ operations: the first repository reports 2% free space.").BoolVar(&ops.NearFullRepository)
	app.Flag("ops.offline-proxy", "v6+ operations: the last proxy is Offline (and, on v8, in maintenance mode).").BoolVar(&ops.OfflineProxy)
	app.Flag("ops.unhealthy", "v8 operations: GET /v8/Health reports the PostgreSQL configuration database Unhealthy.").BoolVar(&ops.Unhealthy)
	app.Flag("ops.unknown-values", "v6+ operations: serve values Veeam's schemas do not list, as real servers do: licence type Free and status Grace, a job and a copy job Paused, a proxy in status Maintenance, an OracleCloud object storage, a Degraded NATS health entry (v8).").BoolVar(&ops.UnknownValues)
	app.Flag("ops.license-expires-in", "v6+ operations: when the licence expires, from the minute the simulator starts, e.g. 20d; negative: it expired that long ago, with status Expired (0 = 200d).").Default("0s").DurationVar(&ops.LicenseExpiresIn)
}

// parseVersions reads --api-versions; unlike Options, which drops unknown
// prefixes, the command refuses them.
func parseVersions(v string) ([]string, error) {
	var out []string
	for _, p := range strings.Split(v, ",") {
		p = strings.ToLower(strings.TrimSpace(p))
		switch p {
		case "v1", "v6", "v7", "v8":
			out = append(out, p)
		case "":
		default:
			return nil, fmt.Errorf("--api-versions: unknown prefix %q (want v1, v6, v7 or v8)", p)
		}
	}
	if len(out) == 0 {
		return nil, errors.New("--api-versions: no prefix")
	}
	return out, nil
}

func newLogger(c *config, w io.Writer) log.Logger {
	var logger log.Logger
	if c.logFormat == "json" {
		logger = log.NewJSONLogger(log.NewSyncWriter(w))
	} else {
		logger = log.NewLogfmtLogger(log.NewSyncWriter(w))
	}
	logger = level.NewFilter(logger, level.Allow(level.ParseDefault(c.logLevel, level.InfoValue())))
	return log.With(logger, "ts", log.DefaultTimestampUTC, "caller", log.DefaultCaller)
}

func run(args []string, stdout, stderr io.Writer) int {
	c, err := parseFlags(args, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "vbo365-simulator:", err)
		return 2
	}
	logger := newLogger(c, stderr)
	sim := simulator.New(c.opts)
	for _, spec := range c.faults {
		f, err := simulator.ParseFault(spec)
		if err != nil {
			level.Error(logger).Log("msg", "invalid --fault", "err", err)
			return 2
		}
		sim.AddFault(f)
		level.Info(logger).Log("msg", "fault enabled", "spec", spec)
	}
	if slices.Contains(sim.Options().Versions, "v1") {
		for _, j := range sim.Truth() {
			level.Info(logger).Log("msg", "job", "id", j.ID, "name", j.Name, "mailboxes", j.Mailboxes, "backed_up", j.BackedUp, "enabled", j.Enabled)
		}
	}
	for _, j := range sim.ProtectionTruth() {
		level.Info(logger).Log("msg", "v6+ job", "id", j.JobID, "name", j.JobName, "type", j.BackupType, "mailboxes", j.Mailboxes,
			"backed_up", j.BackedUp, "unresolved", j.Unresolved, "enabled", j.Enabled)
	}
	restores, stopRestores := context.WithCancel(context.Background())
	defer stopRestores()
	go sim.RunRestores(restores, c.restoresPerMinute)
	if err := serve(c, sim, logger, stdout); err != nil {
		level.Error(logger).Log("msg", "server failed", "err", err)
		return 1
	}
	return 0
}

func serve(c *config, sim *simulator.Simulator, logger log.Logger, stdout io.Writer) error {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	srv := &http.Server{
		Handler:           logRequests(sim, logger),
		ReadHeaderTimeout: 10 * time.Second,
		// Request contexts end on shutdown, so delayed and slow-drip
		// responses stop instead of holding the process open.
		BaseContext: func(net.Listener) context.Context { return ctx },
	}
	ln, err := net.Listen("tcp", c.listen)
	if err != nil {
		return err
	}
	if c.tls {
		now := time.Now()
		cert, certPEM, err := simulator.SelfSignedCert(simulator.LocalHosts, now.Add(-time.Hour), now.AddDate(1, 0, 0))
		if err != nil {
			return err
		}
		if c.certOut != "" {
			if err := os.WriteFile(c.certOut, certPEM, 0o644); err != nil {
				return err
			}
		}
		srv.TLSConfig = newTLSConfig(cert)
	}
	errc := make(chan error, 1)
	go func() {
		if c.tls {
			errc <- srv.ServeTLS(ln, "", "")
		} else {
			errc <- srv.Serve(ln)
		}
	}()
	level.Info(logger).Log("msg", "listening", "address", ln.Addr().String(), "tls", c.tls, "public_url", sim.Options().PublicURL,
		"username", c.opts.Username, "api_versions", strings.Join(sim.Options().Versions, ","))
	fmt.Fprintln(stdout, "ready")
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	level.Info(logger).Log("msg", "shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// newTLSConfig pins HTTP/1.1 so the connection-level faults (reset,
// truncation) look the same as in the httptest servers the unit tests use.
func newTLSConfig(cert tls.Certificate) *tls.Config {
	return &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12, NextProtos: []string{"http/1.1"}}
}

// statusRecorder notes the status for the request log; Unwrap keeps
// http.ResponseController (flushes for slow drips) working through it.
type statusRecorder struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (r *statusRecorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	n, err := r.ResponseWriter.Write(b)
	r.bytes += int64(n)
	return n, err
}

func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// logRequests logs one debug line per request. It never logs headers or
// bodies, which carry the password and tokens.
func logRequests(next http.Handler, logger log.Logger) http.Handler {
	debug := level.Debug(logger)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w}
		defer func() {
			debug.Log("msg", "request", "method", r.Method, "path", r.URL.Path, "query", r.URL.RawQuery,
				"status", rec.status, "bytes", rec.bytes, "duration", time.Since(start))
		}()
		next.ServeHTTP(rec, r)
	})
}

// addSyncFlags adds the --ops.sync-* flags, which name organizations by
// index: simulator.SyncOptions keeps them as sets for applySync to fill.
func (c *config) addSyncFlags(app *kingpin.Application) {
	ops := &c.opts.Tenant.Ops
	app.Flag("ops.sync-failed", "v7/v8 operations: index (from 0) of an organization whose last synchronization with the organization cache failed; repeatable.").IntsVar(&c.syncFailed)
	app.Flag("ops.sync-error", "v7/v8 operations: the failed synchronizations' error message (empty: a Microsoft Graph permissions failure).").StringVar(&ops.Sync.Error)
	app.Flag("ops.sync-never", "v7/v8 operations: index of an organization that has never finished a synchronization; repeatable.").IntsVar(&c.syncNever)
	app.Flag("ops.sync-running", "v8 operations: index of an organization whose synchronization is running; repeatable.").IntsVar(&c.syncRunning)
	app.Flag("ops.sync-queued", "v8 operations: index of an organization whose synchronization is queued; repeatable.").IntsVar(&c.syncQueued)
}

// applySync turns the --ops.sync-* indices into simulator.SyncOptions.
func (c *config) applySync() error {
	for _, set := range [][]int{c.syncFailed, c.syncNever, c.syncRunning, c.syncQueued} {
		for _, i := range set {
			if i < 0 || i >= 64 {
				return fmt.Errorf("--ops.sync-*: organization index %d is not between 0 and 63", i)
			}
		}
	}
	sync := &c.opts.Tenant.Ops.Sync
	sync.Failed, sync.Never = simulator.OrgsOf(c.syncFailed...), simulator.OrgsOf(c.syncNever...)
	sync.Running, sync.Queued = simulator.OrgsOf(c.syncRunning...), simulator.OrgsOf(c.syncQueued...)
	return nil
}

// addRestoreFlags adds the --ops.restore* flags.
func (c *config) addRestoreFlags(app *kingpin.Application) {
	r := &c.opts.Tenant.Ops.Restores
	app.Flag("ops.restore-sessions", "v6+ operations: finished restore sessions in the history, ended an hour to three days before the simulator started (0 = 12, -1 = none).").Default("0").IntVar(&r.Sessions)
	app.Flag("ops.restore-portal", "v6+ operations: the Restore Portal is enabled.").BoolVar(&r.PortalEnabled)
	app.Flag("ops.restores-per-minute", "v6+ operations: restore sessions added a minute while the simulator runs, each working one to three minutes (0 = none).").Default("0").Float64Var(&c.restoresPerMinute)
	app.Flag("ops.restore-duration", "v6+ operations with --ops.restores-per-minute: how long each added session works before it ends, at the next addition after (0 = one to three minutes).").Default("0s").DurationVar(&r.RunFor)
	app.Flag("ops.restores-max", "v6+ operations with --ops.restores-per-minute: restore sessions added in all (0 = no limit).").Default("0").IntVar(&r.RunLimit)
}
