package main

// Shared plumbing for the end-to-end tests: the exporter is built once per
// `go test` run and started as a real process on a free loopback port, the
// same way an operator runs it, so flags, logging, TLS and the HTTP stack are
// exercised exactly as shipped.

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
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/vbo365-exporter/vbo365_exporter/simulator"
)

// e2eState is what outlives a single test: the built binary and the shared
// Prometheus harness. TestMain tears it down after the last test.
var e2eState struct {
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
	e2eState.mu.Lock()
	fns := e2eState.shutdown
	e2eState.shutdown = nil
	e2eState.mu.Unlock()
	for i := len(fns) - 1; i >= 0; i-- {
		fns[i]()
	}
	if e2eState.binDir != "" {
		os.RemoveAll(e2eState.binDir)
	}
	os.Exit(code)
}

// atE2EShutdown runs fn after all tests, in reverse order of registration.
func atE2EShutdown(fn func()) {
	e2eState.mu.Lock()
	defer e2eState.mu.Unlock()
	e2eState.shutdown = append(e2eState.shutdown, fn)
}

// e2eExporterBinary builds the exporter without -race (the test process may
// have it; the binary need not pay for it) once per run.
func e2eExporterBinary(t testing.TB) string {
	t.Helper()
	e2eBuildBinaries(t)
	return e2eState.exporter
}

// e2eSimulatorBinary is the vbo365-simulator command, built with the
// exporter.
func e2eSimulatorBinary(t testing.TB) string {
	t.Helper()
	e2eBuildBinaries(t)
	return e2eState.simulator
}

// e2eBuildBinaries builds the exporter and the simulator command in one go
// build, once per run: one invocation compiles the packages they share once.
func e2eBuildBinaries(t testing.TB) {
	t.Helper()
	e2eState.buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "vbo365-e2e-bin-")
		if err != nil {
			e2eState.buildErr = err
			return
		}
		e2eState.binDir = dir
		goTool, err := exec.LookPath("go")
		if err != nil {
			goTool = "/usr/local/go/bin/go"
		}
		// With -o naming a directory, go build writes each command there
		// under its own name.
		out, err := exec.Command(goTool, "build", "-o", dir+string(filepath.Separator), ".", "./cmd/vbo365-simulator").CombinedOutput()
		if err != nil {
			e2eState.buildErr = fmt.Errorf("go build: %v\n%s", err, out)
			return
		}
		exe := ""
		if runtime.GOOS == "windows" {
			exe = ".exe"
		}
		e2eState.exporter = filepath.Join(dir, "vbo365_exporter"+exe)
		e2eState.simulator = filepath.Join(dir, "vbo365-simulator"+exe)
		for _, bin := range []string{e2eState.exporter, e2eState.simulator} {
			if _, err := os.Stat(bin); err != nil {
				e2eState.buildErr = fmt.Errorf("go build did not write %s: %v\n%s", bin, err, out)
				return
			}
		}
	})
	if e2eState.buildErr != nil {
		t.Fatalf("building the exporter and the simulator: %v", e2eState.buildErr)
	}
}

// e2eRequireTool finds an external program. CI must not silently skip the
// tests that need it, so a missing tool fails there and skips elsewhere.
func e2eRequireTool(t testing.TB, name string) string {
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

// e2eFreeAddr returns 127.0.0.1:port for a port that was free a moment
// ago. Another process may take it before ours binds, so callers retry on
// "address already in use".
func e2eFreeAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("finding a free port: %v", err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// e2eBuffer collects a child's stdout and stderr; it is written from the
// exec goroutines and read by the test.
type e2eBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

// Write makes e2eBuffer an io.Writer for exec.Cmd's Stdout and Stderr.
func (b *e2eBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String is a copy of everything written so far.
func (b *e2eBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// e2eProc is a started child process.
type e2eProc struct {
	name string
	cmd  *exec.Cmd
	out  *e2eBuffer
	done chan struct{}
	err  error // from Wait, valid once done is closed
	stop sync.Once
}

func e2eStartProc(name, bin string, args ...string) (*e2eProc, error) {
	p := &e2eProc{name: name, out: &e2eBuffer{}, done: make(chan struct{})}
	p.cmd = exec.Command(bin, args...)
	p.cmd.Stdout = p.out
	p.cmd.Stderr = p.out
	// Should the test binary die (timeout panic), the child must not
	// outlive it and hold ports or files.
	p.cmd.SysProcAttr = e2eSysProcAttr()
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
func (p *e2eProc) Output() string { return p.out.String() }

func (p *e2eProc) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// Stop asks for a clean shutdown and kills the process if it does not
// comply in time.
func (p *e2eProc) Stop() {
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

// e2eExporter is a running exporter.
type e2eExporter struct {
	*e2eProc
	addr string // 127.0.0.1:port
	base string // scheme://addr
}

// e2eLaunch describes how to start and probe an exporter.
type e2eLaunch struct {
	config string
	args   []string
	// scheme, client and user/pass are used for the readiness probe; the
	// defaults are plain HTTP without authentication.
	scheme     string
	client     *http.Client
	user, pass string
}

// e2eLaunchExporter starts the exporter and waits until /-/ready answers 200,
// retrying with a new port if the one picked was taken meanwhile.
func e2eLaunchExporter(t testing.TB, l e2eLaunch) (*e2eExporter, error) {
	t.Helper()
	bin := e2eExporterBinary(t)
	if l.scheme == "" {
		l.scheme = "http"
	}
	if l.client == nil {
		l.client = &http.Client{Timeout: 5 * time.Second}
	}
	var lastErr error
	for range 3 {
		addr := e2eFreeAddr(t)
		args := append([]string{"--config.file=" + l.config, "--web.listen-address=" + addr}, l.args...)
		p, err := e2eStartProc("vbo365_exporter", bin, args...)
		if err != nil {
			return nil, err
		}
		e := &e2eExporter{e2eProc: p, addr: addr, base: l.scheme + "://" + addr}
		err = e2eWaitHTTP(e.e2eProc, 20*time.Second, func() bool {
			req, _ := http.NewRequest(http.MethodGet, e.base+"/-/ready", nil)
			if l.user != "" {
				req.SetBasicAuth(l.user, l.pass)
			}
			resp, err := l.client.Do(req)
			if err != nil {
				return false
			}
			io.Copy(io.Discard, resp.Body)
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

// e2eStartExporter is e2eLaunchExporter for tests: it fails the test on error and
// stops the process at cleanup.
func e2eStartExporter(t testing.TB, l e2eLaunch) *e2eExporter {
	t.Helper()
	e, err := e2eLaunchExporter(t, l)
	if err != nil {
		t.Fatalf("starting the exporter: %v", err)
	}
	t.Cleanup(e.Stop)
	return e
}

// e2eWaitHTTP polls ok until it holds, the process exits or the time is up.
func e2eWaitHTTP(p *e2eProc, limit time.Duration, ok func() bool) error {
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

// e2eHTTPResult is a fully read response.
type e2eHTTPResult struct {
	status int
	header http.Header
	body   string
}

func e2eDo(t testing.TB, client *http.Client, method, url string, body io.Reader) e2eHTTPResult {
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
	return e2eHTTPResult{status: resp.StatusCode, header: resp.Header, body: string(b)}
}

// e2eScrape is one parsed /metrics answer.
type e2eScrape struct {
	body     string
	families map[string]*dto.MetricFamily
}

// e2eScrapeExporter fetches and parses /metrics, failing the test unless the
// answer is a 200 in the text format.
func e2eScrapeExporter(t testing.TB, e *e2eExporter) e2eScrape {
	t.Helper()
	r := e2eDo(t, nil, http.MethodGet, e.base+"/metrics", nil)
	if r.status != http.StatusOK {
		t.Fatalf("GET /metrics: status %d, body:\n%s\nexporter output:\n%s", r.status, r.body, e.Output())
	}
	return e2eParseMetrics(t, r.body)
}

func e2eParseMetrics(t testing.TB, body string) e2eScrape {
	t.Helper()
	parser := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := parser.TextToMetricFamilies(strings.NewReader(body))
	if err != nil {
		t.Fatalf("parsing /metrics: %v\n%s", err, body)
	}
	return e2eScrape{body: body, families: fams}
}

// samples returns the values of name whose labels include want, keyed by
// the full label set rendered as name{a="b",...} for messages.
func (s e2eScrape) samples(name string, want map[string]string) map[string]float64 {
	out := map[string]float64{}
	fam := s.families[name]
	if fam == nil {
		return out
	}
	for _, m := range fam.GetMetric() {
		labels := map[string]string{}
		for _, lp := range m.GetLabel() {
			labels[lp.GetName()] = lp.GetValue()
		}
		match := true
		for k, v := range want {
			if labels[k] != v {
				match = false
				break
			}
		}
		if !match {
			continue
		}
		var v float64
		switch {
		case m.Gauge != nil:
			v = m.GetGauge().GetValue()
		case m.Counter != nil:
			v = m.GetCounter().GetValue()
		case m.Untyped != nil:
			v = m.GetUntyped().GetValue()
		default:
			continue
		}
		out[e2eRenderSeries(name, labels)] = v
	}
	return out
}

// value returns the single sample of name matching want; ok is false when
// there is none, and the test fails when there are several.
func (s e2eScrape) value(t testing.TB, name string, want map[string]string) (float64, bool) {
	t.Helper()
	got := s.samples(name, want)
	switch len(got) {
	case 0:
		return 0, false
	case 1:
		for _, v := range got {
			return v, true
		}
	}
	t.Fatalf("%s: %d series match, want at most 1: %v", e2eRenderSeries(name, want), len(got), got)
	return 0, false
}

func e2eRenderSeries(name string, labels map[string]string) string {
	keys := make([]string, 0, len(labels))
	for k := range labels {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString(name)
	b.WriteByte('{')
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "%s=%q", k, labels[k])
	}
	b.WriteByte('}')
	return b.String()
}

// e2eServer is one servers[] entry of a generated exporter config.
type e2eServer struct {
	name, url, username string
	passwordFile        string
	caFile              string
	pageSize            int
	// extra is raw YAML for the entry, one key per line, unindented.
	extra []string
}

// e2eConfigYAML renders a config file. It is written by hand rather
// than marshalled so that tests know on which line each key lands.
func e2eConfigYAML(servers ...e2eServer) string {
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

func e2eWriteFile(t testing.TB, path, content string, mode os.FileMode) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
	// WriteFile keeps the mode of an existing file; the tests rely on 0600.
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
}

// e2eCertPEM encodes the certificate a test server presents, for ca_file.
func e2eCertPEM(cert []byte) string {
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert}))
}

// e2eFindSecrets lists which secrets occur in text; a secret is reported by a
// short prefix so the failure message does not leak it further.
func e2eFindSecrets(text string, secrets []string) []string {
	var found []string
	for _, s := range secrets {
		if s != "" && strings.Contains(text, s) {
			found = append(found, fmt.Sprintf("%.6s… (len %d)", s, len(s)))
		}
	}
	return found
}

func e2eAssertNoSecrets(t testing.TB, where, text string, secrets []string) {
	t.Helper()
	if len(secrets) == 0 {
		t.Fatalf("no secrets to look for in %s: the check would prove nothing", where)
	}
	if found := e2eFindSecrets(text, secrets); len(found) > 0 {
		t.Errorf("%s contains %d secret(s): %v", where, len(found), found)
	}
}

// e2eTLSClient is an HTTPS client that trusts only the given
// certificate.
func e2eTLSClient(t testing.TB, certDER []byte) *http.Client {
	t.Helper()
	pool, err := e2eCertPool(certDER)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{
		Timeout:   10 * time.Second,
		Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}},
	}
}

func e2eCertPool(certDER []byte) (*x509.CertPool, error) {
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

// e2eTenant is how a vbo365-simulator process serving an 8.x server is
// started. Every value that shapes the tenant is passed as a flag by args
// and mirrored in options, which builds the in-process twin the ground
// truth comes from; the job lines the process prints are compared with the
// twin's, so a drift between the two (a flag default changing, a flag
// forgotten here) fails instead of passing with two different tenants.
type e2eTenant struct {
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
}

// e2eV8Versions is what a real VB365 8.x server serves.
var e2eV8Versions = []string{"v6", "v7", "v8"}

func (s e2eTenant) args() []string {
	n := strconv.Itoa
	args := []string{
		"--api-versions=" + strings.Join(e2eV8Versions, ","),
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
	return args
}

func (s e2eTenant) options(username, password string) simulator.Options {
	return simulator.Options{
		Username: username, Password: password,
		Jobs: 3, MailboxesPerJob: []int{100},
		BackedUpFraction: s.backedUp, Seed: s.seed,
		Versions: e2eV8Versions,
		Tenant: simulator.TenantOptions{
			Organizations: 1, Users: s.users, Groups: s.groups, GroupSize: s.groupSize,
			LargeGroupSize: s.largeGroupSize, Repositories: s.repositories,
			GroupJobs: s.groupJobs, UserJobs: s.userJobs, UsersPerJob: s.perJob,
			Workloads: s.workloads, Sites: s.sites, Teams: s.teams,
			Ops: simulator.OpsOptions{Sync: simulator.SyncOptions{Failed: e2eOrgs(s.syncFailed)}},
		},
	}
}

// e2eOrgs is the tenant's one organization when on, else none.
func e2eOrgs(on bool) simulator.OrgSet {
	if on {
		return simulator.OrgsOf(0)
	}
	return 0
}

// e2eSimProcess is a running vbo365-simulator and its in-process twin.
type e2eSimProcess struct {
	*e2eProc
	url    string // https://127.0.0.1:port
	caFile string // the certificate it generated, for ca_file
	// twin is simulator.New with the process's options; its tenant is
	// anchored at the same minute as the process's (see
	// e2eLaunchSimulator), so it serves the same bytes.
	twin  *simulator.Simulator
	truth []simulator.ProtectionTruth
}

// e2eLaunchSimulator starts the simulator command over TLS and waits for
// its "ready" line. The tenant's times are anchored at the minute the
// simulator was built (TenantOptions.Now, which the command does not let
// one set), so the twin is built once before and once after the process:
// when both land in the same minute, so did the process. When the minute
// turns in between, the process is started again.
func e2eLaunchSimulator(t testing.TB, dir, username, passwordFile string, spec e2eTenant) (*e2eSimProcess, error) {
	t.Helper()
	bin := e2eSimulatorBinary(t)
	raw, err := os.ReadFile(passwordFile)
	if err != nil {
		return nil, err
	}
	opts := spec.options(username, strings.TrimRight(string(raw), "\r\n"))
	caFile := filepath.Join(dir, "sim-v8-ca.pem")
	var lastErr error
	for range 4 {
		addr := e2eFreeAddr(t)
		before := simulator.New(opts)
		args := append([]string{
			"--listen-address=" + addr, "--tls.cert-out=" + caFile,
			"--username=" + username, "--password-file=" + passwordFile,
		}, spec.args()...)
		p, err := e2eStartProc("vbo365-simulator", bin, args...)
		if err != nil {
			return nil, err
		}
		err = e2eWaitHTTP(p, 20*time.Second, func() bool { return e2eHasLine(p.Output(), "ready") })
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
		s := &e2eSimProcess{e2eProc: p, url: "https://" + addr, caFile: caFile, twin: after, truth: after.ProtectionTruth()}
		if err := e2eComparePrintedTruth(p.Output(), s.truth); err != nil {
			p.Stop()
			return nil, fmt.Errorf("the simulator process and its in-process twin differ (flags in e2eTenant.args and options out of step?): %v\nprocess output:\n%s", err, p.Output())
		}
		return s, nil
	}
	return nil, lastErr
}

func e2eHasLine(out, line string) bool {
	for _, l := range strings.Split(out, "\n") {
		if l == line {
			return true
		}
	}
	return false
}

// e2eComparePrintedTruth checks the "v6+ job" lines the simulator command
// logs at start-up against the twin's ProtectionTruth, job by job and in
// order: ids, names, backup types, counts and enabled flags must agree.
func e2eComparePrintedTruth(out string, truth []simulator.ProtectionTruth) error {
	var printed []map[string]string
	for _, line := range strings.Split(out, "\n") {
		if !strings.Contains(line, `msg="v6+ job"`) {
			continue
		}
		kv, err := e2eParseLogfmt(line)
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

// e2eParseLogfmt splits one logfmt line into its keys and values; a quoted
// value is unquoted with Go's rules, which cover logfmt's escapes.
func e2eParseLogfmt(line string) (map[string]string, error) {
	out := map[string]string{}
	s := strings.TrimSpace(line)
	for s != "" {
		eq := strings.IndexAny(s, "= ")
		if eq < 0 || s[eq] == ' ' {
			// A bare word (such as the "ready" line): no pair.
			if eq < 0 {
				return out, nil
			}
			s = strings.TrimLeft(s[eq:], " ")
			continue
		}
		key, rest := s[:eq], s[eq+1:]
		var val string
		if strings.HasPrefix(rest, `"`) {
			end := 1
			for end < len(rest) && rest[end] != '"' {
				if rest[end] == '\\' {
					end++
				}
				end++
			}
			if end >= len(rest) {
				return nil, fmt.Errorf("unterminated value of %s", key)
			}
			v, err := strconv.Unquote(rest[:end+1])
			if err != nil {
				return nil, fmt.Errorf("value of %s: %v", key, err)
			}
			val, rest = v, rest[end+1:]
		} else {
			sp := strings.IndexByte(rest, ' ')
			if sp < 0 {
				sp = len(rest)
			}
			val, rest = rest[:sp], rest[sp:]
		}
		out[key] = val
		s = strings.TrimLeft(rest, " ")
	}
	return out, nil
}

// e2eServedJob is what GET /v8/Jobs says about a job, beyond its counts.
type e2eServedJob struct {
	ID         string     `json:"id"`
	Name       string     `json:"name"`
	LastRun    *time.Time `json:"lastRun"`
	NextRun    *time.Time `json:"nextRun"`
	LastBackup *time.Time `json:"lastBackup"`
	LastStatus string     `json:"lastStatus"`
	Enabled    *bool      `json:"isEnabled"`
}

// e2eTwinJobs asks the twin, in process, for its v8 job list: the same
// list the simulator process serves, so the facts the exporter copies from
// it (last run, next run, last backup, status) can be compared.
func e2eTwinJobs(twin *simulator.Simulator) (map[string]e2eServedJob, error) {
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
	out := map[string]e2eServedJob{}
	const limit = 1000
	req = httptest.NewRequest(http.MethodGet, "/v8/Jobs?offset=0&limit="+strconv.Itoa(limit), nil)
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	rec = httptest.NewRecorder()
	twin.ServeHTTP(rec, req)
	var page struct {
		Results []e2eServedJob `json:"results"`
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
