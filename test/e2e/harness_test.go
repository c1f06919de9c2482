// Package e2e holds the end-to-end tests: the exporter and the simulator
// command are built once per `go test` run and started as real processes on
// free loopback ports, the same way an operator runs them, so flags,
// logging, TLS and the HTTP stack are exercised exactly as shipped; a real
// Prometheus (Debian's package) scrapes them and runs the shipped rules and
// dashboards. This file is the plumbing the tests share; helpers that unit
// tests need too are in test/exportertest.
package e2e

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/vbo365-exporter/vbo365_exporter/simulator"
	"github.com/vbo365-exporter/vbo365_exporter/test/exportertest"
)

// suite is what outlives a single test: the built binary and the shared
// Prometheus harness. TestMain tears it down after the last test.
var suite struct {
	buildOnce sync.Once
	binDir    string
	exporter  string
	simulator string // the vbo365-simulator command
	buildErr  error

	mu       sync.Mutex
	shutdown []func()
}

// TestMain exists so that processes and files shared between tests (the
// built binary, the Prometheus harness) are removed once every test is done;
// t.Cleanup cannot do that for state that several tests share.
func TestMain(m *testing.M) {
	code := m.Run()
	suite.mu.Lock()
	fns := suite.shutdown
	suite.shutdown = nil
	suite.mu.Unlock()
	for i := len(fns) - 1; i >= 0; i-- {
		fns[i]()
	}
	if suite.binDir != "" {
		os.RemoveAll(suite.binDir)
	}
	os.Exit(code)
}

// atShutdown runs fn after all tests, in reverse order of registration.
func atShutdown(fn func()) {
	suite.mu.Lock()
	defer suite.mu.Unlock()
	suite.shutdown = append(suite.shutdown, fn)
}

// exporterBinary builds the exporter without -race (the test process may
// have it; the binary need not pay for it) once per run.
func exporterBinary(t testing.TB) string {
	t.Helper()
	buildBinaries(t)
	return suite.exporter
}

// simulatorBinary is the vbo365-simulator command, built with the
// exporter.
func simulatorBinary(t testing.TB) string {
	t.Helper()
	buildBinaries(t)
	return suite.simulator
}

// buildBinaries builds the exporter and the simulator command in one go
// build, once per run: one invocation compiles the packages they share once.
func buildBinaries(t testing.TB) {
	t.Helper()
	suite.buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "vbo365-e2e-bin-")
		if err != nil {
			suite.buildErr = err
			return
		}
		suite.binDir = dir
		goTool, err := exec.LookPath("go")
		if err != nil {
			goTool = "/usr/local/go/bin/go"
		}
		// With -o naming a directory, go build writes each command there
		// under its own name.
		cmd := exec.Command(goTool, "build", "-o", dir+string(filepath.Separator), ".", "./cmd/vbo365-simulator")
		cmd.Dir = repoRoot
		out, err := cmd.CombinedOutput()
		if err != nil {
			suite.buildErr = fmt.Errorf("go build: %v\n%s", err, out)
			return
		}
		exe := ""
		if runtime.GOOS == "windows" {
			exe = ".exe"
		}
		suite.exporter = filepath.Join(dir, "vbo365_exporter"+exe)
		suite.simulator = filepath.Join(dir, "vbo365-simulator"+exe)
		for _, bin := range []string{suite.exporter, suite.simulator} {
			if _, err := os.Stat(bin); err != nil {
				suite.buildErr = fmt.Errorf("go build did not write %s: %v\n%s", bin, err, out)
				return
			}
		}
	})
	if suite.buildErr != nil {
		t.Fatalf("building the exporter and the simulator: %v", suite.buildErr)
	}
}

// requireTool finds an external program. CI must not silently skip the
// tests that need it, so a missing tool fails there and skips elsewhere.
func requireTool(t testing.TB, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err == nil {
		return path
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s not found in PATH but CI=true: install Debian's prometheus package (.ci/run does)", name)
	}
	t.Skipf("%s not found in PATH; install Debian's prometheus package to run this test", name)
	return ""
}

// freeAddr returns 127.0.0.1:port for a port that was free a moment
// ago. Another process may take it before ours binds, so callers retry on
// "address already in use".
func freeAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("finding a free port: %v", err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// outputBuffer collects a child's stdout and stderr; it is written from the
// exec goroutines and read by the test.
type outputBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

// Write makes outputBuffer an io.Writer for exec.Cmd's Stdout and Stderr.
func (b *outputBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String is a copy of everything written so far.
func (b *outputBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// proc is a started child process.
type proc struct {
	name string
	cmd  *exec.Cmd
	out  *outputBuffer
	done chan struct{}
	err  error // from Wait, valid once done is closed
	stop sync.Once
}

func startProc(name, bin string, args ...string) (*proc, error) {
	p := &proc{name: name, out: &outputBuffer{}, done: make(chan struct{})}
	p.cmd = exec.Command(bin, args...)
	p.cmd.Stdout = p.out
	p.cmd.Stderr = p.out
	// Should the test binary die (timeout panic), the child must not
	// outlive it and hold ports or files.
	p.cmd.SysProcAttr = sysProcAttr()
	if err := p.cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting %s: %w", name, err)
	}
	go func() {
		p.err = p.cmd.Wait()
		close(p.done)
	}()
	return p, nil
}

// Output is everything the process wrote to stdout and stderr so far.
func (p *proc) Output() string { return p.out.String() }

func (p *proc) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// Stop asks for a clean shutdown and kills the process if it does not
// comply in time.
func (p *proc) Stop() {
	p.stop.Do(func() {
		if p.exited() {
			return
		}
		_ = p.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-p.done:
		case <-time.After(5 * time.Second):
			_ = p.cmd.Process.Kill()
			<-p.done
		}
	})
}

// exporterProc is a running exporter.
type exporterProc struct {
	*proc
	addr string // 127.0.0.1:port
	base string // scheme://addr
}

// launch describes how to start and probe an exporter.
type launch struct {
	config string
	args   []string
	// scheme, client and user/pass are used for the readiness probe; the
	// defaults are plain HTTP without authentication.
	scheme     string
	client     *http.Client
	user, pass string
}

// launchExporter starts the exporter and waits until /-/ready answers 200,
// retrying with a new port if the one picked was taken meanwhile.
func launchExporter(t testing.TB, l launch) (*exporterProc, error) {
	t.Helper()
	bin := exporterBinary(t)
	if l.scheme == "" {
		l.scheme = "http"
	}
	if l.client == nil {
		l.client = &http.Client{Timeout: 5 * time.Second}
	}
	var lastErr error
	for range 3 {
		addr := freeAddr(t)
		args := append([]string{"--config.file=" + l.config, "--web.listen-address=" + addr}, l.args...)
		p, err := startProc("vbo365_exporter", bin, args...)
		if err != nil {
			return nil, err
		}
		e := &exporterProc{proc: p, addr: addr, base: l.scheme + "://" + addr}
		err = waitUntil(e.proc, 20*time.Second, func() bool {
			req, _ := http.NewRequest(http.MethodGet, e.base+"/-/ready", nil)
			if l.user != "" {
				req.SetBasicAuth(l.user, l.pass)
			}
			resp, err := l.client.Do(req)
			if err != nil {
				return false
			}
			_, _ = io.Copy(io.Discard, resp.Body) // only to reuse the connection
			resp.Body.Close()
			return resp.StatusCode == http.StatusOK
		})
		if err == nil {
			return e, nil
		}
		p.Stop()
		lastErr = fmt.Errorf("%w; output:\n%s", err, p.Output())
		if !strings.Contains(p.Output(), "address already in use") {
			break
		}
	}
	return nil, lastErr
}

// startExporter is launchExporter for tests: it fails the test on error and
// stops the process at cleanup.
func startExporter(t testing.TB, l launch) *exporterProc {
	t.Helper()
	e, err := launchExporter(t, l)
	if err != nil {
		t.Fatalf("starting the exporter: %v", err)
	}
	t.Cleanup(e.Stop)
	return e
}

// waitUntil polls ok until it holds, the process exits or the time is up.
func waitUntil(p *proc, limit time.Duration, ok func() bool) error {
	deadline := time.Now().Add(limit)
	for {
		if ok() {
			return nil
		}
		if p.exited() {
			return fmt.Errorf("%s exited early: %v", p.name, p.err)
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s not ready after %s", p.name, limit)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// httpResult is a fully read response.
type httpResult struct {
	status int
	header http.Header
	body   string
}

func doHTTP(t testing.TB, client *http.Client, method, url string, body io.Reader) httpResult {
	t.Helper()
	if client == nil {
		client = &http.Client{Timeout: 60 * time.Second}
	}
	req, err := http.NewRequestWithContext(context.Background(), method, url, body)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: reading the body: %v", method, url, err)
	}
	return httpResult{status: resp.StatusCode, header: resp.Header, body: string(b)}
}

// scrapeExporter fetches and parses /metrics, failing the test unless the
// answer is a 200 in the text format.
func scrapeExporter(t testing.TB, e *exporterProc) exportertest.Scrape {
	t.Helper()
	r := doHTTP(t, nil, http.MethodGet, e.base+"/metrics", nil)
	if r.status != http.StatusOK {
		t.Fatalf("GET /metrics: status %d, body:\n%s\nexporter output:\n%s", r.status, r.body, e.Output())
	}
	return exportertest.ParseMetrics(t, r.body)
}

// serverEntry is one servers[] entry of a generated exporter config.
type serverEntry struct {
	name, url, username string
	passwordFile        string
	caFile              string
	pageSize            int
	// extra is raw YAML for the entry, one key per line, unindented.
	extra []string
}

// configYAML renders a config file. It is written by hand rather
// than marshalled so that tests know on which line each key lands.
func configYAML(servers ...serverEntry) string {
	var b strings.Builder
	b.WriteString("servers:\n")
	for _, s := range servers {
		fmt.Fprintf(&b, "  - name: %s\n", s.name)
		fmt.Fprintf(&b, "    url: %s\n", s.url)
		fmt.Fprintf(&b, "    username: '%s'\n", strings.ReplaceAll(s.username, "'", "''"))
		fmt.Fprintf(&b, "    password_file: %s\n", s.passwordFile)
		if s.caFile != "" {
			fmt.Fprintf(&b, "    tls_config:\n      ca_file: %s\n", s.caFile)
		}
		if s.pageSize > 0 {
			fmt.Fprintf(&b, "    page_size: %d\n", s.pageSize)
		}
		for _, line := range s.extra {
			fmt.Fprintf(&b, "    %s\n", line)
		}
	}
	return b.String()
}

// certPEM encodes the certificate a test server presents, for ca_file.
func certPEM(cert []byte) string {
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert}))
}

// tlsClient is an HTTPS client that trusts only the given
// certificate.
func tlsClient(t testing.TB, certDER []byte) *http.Client {
	t.Helper()
	pool, err := certPool(certDER)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{
		Timeout:   10 * time.Second,
		Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}},
	}
}

func certPool(certDER []byte) (*x509.CertPool, error) {
	if len(certDER) == 0 {
		return nil, errors.New("no certificate to trust")
	}
	cert, err := x509.ParseCertificate(certDER)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return pool, nil
}

// --- the simulator command as a process, serving v6, v7 and v8 ---

// tenantSpec is how a vbo365-simulator process serving an 8.x server is
// started. Every value that shapes the tenant is passed as a flag by args
// and mirrored in options, which builds the in-process twin the ground
// truth comes from; the job lines the process prints are compared with the
// twin's, so a drift between the two (a flag default changing, a flag
// forgotten here) fails instead of passing with two different tenants.
type tenantSpec struct {
	seed                                      int64
	users, groups, groupSize, largeGroupSize  int
	repositories, groupJobs, userJobs, perJob int
	backedUp                                  float64
	// workloads gives the tenant sites, teams and the jobs that select
	// them and users' other workloads (--tenant.workloads), sites and
	// teams per organization.
	workloads    bool
	sites, teams int
	// syncFailed makes the organization's last synchronization with the
	// organization cache fail (--ops.sync-failed=0), so that the sync
	// state panels and alerts have a failure to show.
	syncFailed bool
	// faults are --fault specs for the process alone: the twin serves
	// without them, so its truth is what a fault-free server reports.
	faults []string
	// restores has the process add restore sessions while it runs
	// (--ops.restores-per-minute and friends), and restorePortal switches
	// its Restore Portal on. The twin adds none: replayRestores makes the
	// same sessions in it.
	restores      restoreRun
	restorePortal bool
}

// restoreRun is how many restore sessions a simulator process adds, how
// often and how long each works.
type restoreRun struct {
	perMinute float64
	runFor    time.Duration
	max       int
}

// v8Versions is what a real VB365 8.x server serves.
var v8Versions = []string{"v6", "v7", "v8"}

func (s tenantSpec) args() []string {
	n := strconv.Itoa
	args := []string{
		"--api-versions=" + strings.Join(v8Versions, ","),
		"--seed=" + strconv.FormatInt(s.seed, 10),
		// The v1 data set is built even when v1 is not served; pinned too.
		"--jobs=3", "--mailboxes-per-job=100",
		"--backed-up-fraction=" + strconv.FormatFloat(s.backedUp, 'g', -1, 64),
		"--tenant.organizations=1",
		"--tenant.users=" + n(s.users),
		"--tenant.groups=" + n(s.groups),
		"--tenant.group-size=" + n(s.groupSize),
		"--tenant.large-group-size=" + n(s.largeGroupSize),
		"--tenant.repositories=" + n(s.repositories),
		"--tenant.group-jobs=" + n(s.groupJobs),
		"--tenant.user-jobs=" + n(s.userJobs),
		"--tenant.users-per-job=" + n(s.perJob),
		"--tenant.entire-org-job", "--tenant.partial-org-job",
	}
	if s.workloads {
		args = append(args, "--tenant.workloads", "--tenant.sites="+n(s.sites), "--tenant.teams="+n(s.teams))
	}
	if s.syncFailed {
		args = append(args, "--ops.sync-failed=0")
	}
	for _, f := range s.faults {
		args = append(args, "--fault="+f)
	}
	if s.restorePortal {
		args = append(args, "--ops.restore-portal")
	}
	if r := s.restores; r.perMinute > 0 {
		args = append(args, "--ops.restores-per-minute="+strconv.FormatFloat(r.perMinute, 'g', -1, 64),
			"--ops.restore-duration="+r.runFor.String(), "--ops.restores-max="+n(r.max))
	}
	return args
}

func (s tenantSpec) options(username, password string) simulator.Options {
	return simulator.Options{
		Username: username, Password: password,
		Jobs: 3, MailboxesPerJob: []int{100},
		BackedUpFraction: s.backedUp, Seed: s.seed,
		Versions: v8Versions,
		Tenant: simulator.TenantOptions{
			Organizations: 1, Users: s.users, Groups: s.groups, GroupSize: s.groupSize,
			LargeGroupSize: s.largeGroupSize, Repositories: s.repositories,
			GroupJobs: s.groupJobs, UserJobs: s.userJobs, UsersPerJob: s.perJob,
			Workloads: s.workloads, Sites: s.sites, Teams: s.teams,
			Ops: simulator.OpsOptions{Sync: simulator.SyncOptions{Failed: orgsIf(s.syncFailed)},
				Restores: simulator.RestoreOptions{PortalEnabled: s.restorePortal, RunFor: s.restores.runFor, RunLimit: s.restores.max}},
		},
	}
}

// orgsIf is the tenant's one organization when on, else none.
func orgsIf(on bool) simulator.OrgSet {
	if on {
		return simulator.OrgsOf(0)
	}
	return 0
}

// simProcess is a running vbo365-simulator and its in-process twin.
type simProcess struct {
	*proc
	url    string // https://127.0.0.1:port
	caFile string // the certificate it generated, for ca_file
	// twin is simulator.New with the process's options; its tenant is
	// anchored at the same minute as the process's (see
	// launchSimulator), so it serves the same bytes.
	twin  *simulator.Simulator
	truth []simulator.ProtectionTruth
	// started is when the process that serves was started: the restore
	// sessions it adds (tenantSpec.restores) end after it.
	started time.Time
}

// launchSimulator starts the simulator command over TLS and waits for
// its "ready" line. The tenant's times are anchored at the minute the
// simulator was built (TenantOptions.Now, which the command does not let
// one set), so the twin is built once before and once after the process:
// when both land in the same minute, so did the process. When the minute
// turns in between, the process is started again.
func launchSimulator(t testing.TB, dir, username, passwordFile string, spec tenantSpec) (*simProcess, error) {
	t.Helper()
	bin := simulatorBinary(t)
	raw, err := os.ReadFile(passwordFile)
	if err != nil {
		return nil, err
	}
	opts := spec.options(username, strings.TrimRight(string(raw), "\r\n"))
	caFile := filepath.Join(dir, "sim-v8-ca.pem")
	var lastErr error
	for range 4 {
		addr := freeAddr(t)
		before := simulator.New(opts)
		started := time.Now()
		args := append([]string{
			"--listen-address=" + addr, "--tls.cert-out=" + caFile,
			"--username=" + username, "--password-file=" + passwordFile,
		}, spec.args()...)
		p, err := startProc("vbo365-simulator", bin, args...)
		if err != nil {
			return nil, err
		}
		err = waitUntil(p, 20*time.Second, func() bool { return hasLine(p.Output(), "ready") })
		if err != nil {
			p.Stop()
			lastErr = fmt.Errorf("%w; output:\n%s", err, p.Output())
			if strings.Contains(p.Output(), "address already in use") {
				continue
			}
			return nil, lastErr
		}
		after := simulator.New(opts)
		if a, b := before.Options().Tenant.Now, after.Options().Tenant.Now; !a.Equal(b) {
			p.Stop()
			lastErr = fmt.Errorf("the minute turned while the simulator started (%s, then %s), every time", a, b)
			continue
		}
		s := &simProcess{proc: p, url: "https://" + addr, caFile: caFile, twin: after, truth: after.ProtectionTruth(), started: started}
		if err := comparePrintedTruth(p.Output(), s.truth); err != nil {
			p.Stop()
			return nil, fmt.Errorf("the simulator process and its in-process twin differ (flags in tenantSpec.args and options out of step?): %v\nprocess output:\n%s", err, p.Output())
		}
		return s, nil
	}
	return nil, lastErr
}

func hasLine(out, line string) bool {
	for _, l := range strings.Split(out, "\n") {
		if l == line {
			return true
		}
	}
	return false
}

// comparePrintedTruth checks the "v6+ job" lines the simulator command
// logs at start-up against the twin's ProtectionTruth, job by job and in
// order: ids, names, backup types, counts and enabled flags must agree.
func comparePrintedTruth(out string, truth []simulator.ProtectionTruth) error {
	var printed []map[string]string
	for _, line := range strings.Split(out, "\n") {
		if !strings.Contains(line, `msg="v6+ job"`) {
			continue
		}
		kv, err := exportertest.ParseLogfmt(line)
		if err != nil {
			return fmt.Errorf("%v in %q", err, line)
		}
		if kv["msg"] == "v6+ job" {
			printed = append(printed, kv)
		}
	}
	if len(printed) != len(truth) || len(truth) == 0 {
		return fmt.Errorf("the process printed %d v6+ jobs, the twin has %d", len(printed), len(truth))
	}
	for i, j := range truth {
		want := map[string]string{
			"id": j.JobID, "name": j.JobName, "type": j.BackupType,
			"mailboxes": strconv.Itoa(j.Mailboxes), "backed_up": strconv.Itoa(j.BackedUp),
			"unresolved": strconv.Itoa(j.Unresolved), "enabled": strconv.FormatBool(j.Enabled),
		}
		for k, v := range want {
			if printed[i][k] != v {
				return fmt.Errorf("job #%d: the process printed %s=%q, the twin has %q", i, k, printed[i][k], v)
			}
		}
	}
	return nil
}

// servedJob is what GET /v8/Jobs says about a job, beyond its counts.
type servedJob struct {
	ID         string     `json:"id"`
	Name       string     `json:"name"`
	LastRun    *time.Time `json:"lastRun"`
	NextRun    *time.Time `json:"nextRun"`
	LastBackup *time.Time `json:"lastBackup"`
	LastStatus string     `json:"lastStatus"`
	Enabled    *bool      `json:"isEnabled"`
}

// twinJobs asks the twin, in process, for its v8 job list: the same
// list the simulator process serves, so the facts the exporter copies from
// it (last run, next run, last backup, status) can be compared.
func twinJobs(twin *simulator.Simulator) (map[string]servedJob, error) {
	o := twin.Options()
	form := url.Values{"grant_type": {"password"}, "username": {o.Username}, "password": {o.Password}}
	req := httptest.NewRequest(http.MethodPost, "/v8/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	twin.ServeHTTP(rec, req)
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &tok); err != nil || rec.Code != http.StatusOK || tok.AccessToken == "" {
		return nil, fmt.Errorf("POST /v8/token on the twin: %d %v", rec.Code, err)
	}
	out := map[string]servedJob{}
	const limit = 1000
	req = httptest.NewRequest(http.MethodGet, "/v8/Jobs?offset=0&limit="+strconv.Itoa(limit), nil)
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	rec = httptest.NewRecorder()
	twin.ServeHTTP(rec, req)
	var page struct {
		Results []servedJob `json:"results"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &page); err != nil || rec.Code != http.StatusOK {
		return nil, fmt.Errorf("GET /v8/Jobs on the twin: %d %v", rec.Code, err)
	}
	if len(page.Results) >= limit {
		return nil, fmt.Errorf("GET /v8/Jobs on the twin: %d jobs, more than one page", len(page.Results))
	}
	for _, j := range page.Results {
		out[j.ID] = j
	}
	return out, nil
}
