package e2e

import (
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/vbo365-exporter/vbo365_exporter/simulator"
	"github.com/vbo365-exporter/vbo365_exporter/test/exportertest"
)

const vboUsername = `E2E\svc-monitor`

// simSetup is a simulator over TLS plus the files an exporter config needs.
type simSetup struct {
	dir          string
	password     string
	passwordFile string
	caFile       string
	configFile   string
	server       serverEntry
	url          string
	sim          *simulator.Simulator
	certDER      []byte
}

// newSimSetup starts an HTTPS simulator and writes the CA, a 0600 password
// file and a config for one server named "e2e".
func newSimSetup(t *testing.T, opts simulator.Options, pageSize int, extra ...string) *simSetup {
	t.Helper()
	s := &simSetup{dir: t.TempDir(), password: "e2e-password-" + exportertest.RandomHex(t, 12)}
	opts.Username, opts.Password = vboUsername, s.password
	srv, sim := simulator.NewTLSServer(t, opts)
	s.sim, s.url, s.certDER = sim, srv.URL, srv.Certificate().Raw
	s.caFile = filepath.Join(s.dir, "vbo-ca.pem")
	exportertest.WriteFile(t, s.caFile, certPEM(s.certDER), 0o644)
	s.passwordFile = filepath.Join(s.dir, "vbo.password")
	exportertest.WriteFile(t, s.passwordFile, s.password+"\n", 0o600)
	s.server = serverEntry{
		name: "e2e", url: srv.URL, username: vboUsername,
		passwordFile: s.passwordFile, caFile: s.caFile, pageSize: pageSize, extra: extra,
	}
	s.configFile = filepath.Join(s.dir, "config.yml")
	exportertest.WriteFile(t, s.configFile, configYAML(s.server), 0o600)
	return s
}

// TestMetricsAgainstSimulator checks the shipped binary end to end against
// ground truth, that nothing it shows leaks a credential, and that a broken
// config file on reload is reported with its location while the old config
// keeps serving.
func TestMetricsAgainstSimulator(t *testing.T) {
	s := newSimSetup(t, simulator.Options{Jobs: 3, MailboxesPerJob: []int{2500, 30, 0}, Seed: 11}, 500)
	e := startExporter(t, launch{config: s.configFile, args: []string{"--log.level=debug"}})

	truth := s.sim.Truth()
	if truth[0].Mailboxes != 2500 || truth[1].Mailboxes != 30 || truth[2].Mailboxes != 0 {
		t.Fatalf("simulator truth has unexpected sizes: %+v", truth)
	}
	first := scrapeExporter(t, e)
	if v, ok := first.Value(t, "vbo365_up", map[string]string{"server": "e2e"}); !ok || v != 1 {
		t.Fatalf("vbo365_up{server=\"e2e\"} = %v (present %v), want 1; exporter output:\n%s", v, ok, e.Output())
	}
	exportertest.CheckJobs(t, first, "e2e", truth)

	// Everything the exporter shows to the outside, for the secrets check.
	var shown []string
	shown = append(shown, first.Body)
	for _, path := range []string{"/", "/-/healthy"} {
		r := doHTTP(t, nil, http.MethodGet, e.base+path, nil)
		if r.status != http.StatusOK {
			t.Errorf("GET %s: status %d", path, r.status)
		}
		shown = append(shown, r.body)
	}
	post := doHTTP(t, nil, http.MethodPost, e.base+"/-/reload", nil)
	if post.status != http.StatusOK || post.body != "config reloaded\n" {
		t.Errorf("POST /-/reload: %d %q, want 200 \"config reloaded\\n\"", post.status, post.body)
	}
	get := doHTTP(t, nil, http.MethodGet, e.base+"/-/reload", nil)
	if get.status != http.StatusMethodNotAllowed || get.header.Get("Allow") != http.MethodPost {
		t.Errorf("GET /-/reload: %d Allow=%q, want 405 Allow=POST", get.status, get.header.Get("Allow"))
	}
	shown = append(shown, post.body, get.body)

	// A broken file must leave the running config and its metrics alone.
	broken := s.server
	broken.extra = []string{"bogus_key: 1"}
	brokenYAML := configYAML(broken)
	before, _, found := strings.Cut(brokenYAML, "bogus_key")
	if !found {
		t.Fatalf("the broken config has no bogus_key:\n%s", brokenYAML)
	}
	badLine := strings.Count(before, "\n") + 1
	exportertest.WriteFile(t, s.configFile, brokenYAML, 0o600)
	failed := doHTTP(t, nil, http.MethodPost, e.base+"/-/reload", nil)
	shown = append(shown, failed.body)
	if failed.status != http.StatusInternalServerError {
		t.Errorf("POST /-/reload with an unknown key: status %d, want 500", failed.status)
	}
	if want := fmt.Sprintf("%s:%d:", s.configFile, badLine); !strings.Contains(failed.body, want) || !strings.Contains(failed.body, "bogus_key") {
		t.Errorf("failed reload body %q does not name %q and the key bogus_key", failed.body, want)
	}
	afterFail := scrapeExporter(t, e)
	shown = append(shown, afterFail.Body)
	if v, ok := afterFail.Value(t, "vbo365_exporter_config_last_reload_successful", nil); !ok || v != 0 {
		t.Errorf("vbo365_exporter_config_last_reload_successful = %v (present %v) after a failed reload, want 0", v, ok)
	}
	exportertest.CheckJobs(t, afterFail, "e2e", truth)

	exportertest.WriteFile(t, s.configFile, configYAML(s.server), 0o600)
	fixed := doHTTP(t, nil, http.MethodPost, e.base+"/-/reload", nil)
	shown = append(shown, fixed.body)
	if fixed.status != http.StatusOK {
		t.Errorf("POST /-/reload after fixing the file: status %d %q, want 200", fixed.status, fixed.body)
	}
	afterFix := scrapeExporter(t, e)
	shown = append(shown, afterFix.Body)
	if v, ok := afterFix.Value(t, "vbo365_exporter_config_last_reload_successful", nil); !ok || v != 1 {
		t.Errorf("vbo365_exporter_config_last_reload_successful = %v (present %v) after fixing the file, want 1", v, ok)
	}
	exportertest.CheckJobs(t, afterFix, "e2e", truth)

	e.Stop()
	out := e.Output()
	if !strings.Contains(out, `msg="logged in"`) {
		t.Errorf("no debug line about logging in: the secrets check ran without debug logging? output:\n%s", out)
	}
	secrets := append([]string{s.password}, s.sim.IssuedSecrets()...)
	if len(secrets) < 3 {
		t.Fatalf("the simulator issued %d secrets, want at least an access and a refresh token", len(secrets)-1)
	}
	exportertest.AssertNoSecrets(t, "exporter stdout+stderr", out, secrets)
	for i, body := range shown {
		exportertest.AssertNoSecrets(t, fmt.Sprintf("HTTP answer #%d", i), body, secrets)
	}
}

// TestSecretsUnderFaults drives the exporter through the failures a real
// VBO server produces, because error paths (messages quoting bodies, debug
// lines about logins) are where passwords and tokens tend to leak.
func TestSecretsUnderFaults(t *testing.T) {
	s := newSimSetup(t, simulator.Options{Jobs: 3, MailboxesPerJob: []int{600, 30, 0}, Seed: 23}, 500,
		"max_response_bytes: 1048576")
	e := startExporter(t, launch{config: s.configFile, args: []string{"--log.level=debug"}})
	truth := s.sim.Truth()
	wrongPassword := "e2e-wrong-" + exportertest.RandomHex(t, 12)

	const absent = -1
	steps := []struct {
		name    string
		faults  []simulator.Fault
		badPass bool    // log in with wrongPassword for this step
		wantUp  float64 // vbo365_up
		wantJob float64 // vbo365_job_scrape_success of every job, or absent
	}{
		{name: "healthy", wantUp: 1, wantJob: 1},
		{name: "token revoked on mailboxes", wantUp: 1, wantJob: 0,
			faults: []simulator.Fault{{Endpoint: simulator.EndpointMailboxes, Kind: simulator.Revoked}}},
		{name: "500 on jobs", wantUp: 0, wantJob: absent,
			faults: []simulator.Fault{{Endpoint: simulator.EndpointJobs, Kind: simulator.StatusError, Status: 500}}},
		{name: "400 from the token endpoint", wantUp: 0, wantJob: absent,
			faults: []simulator.Fault{
				{Endpoint: simulator.EndpointJobs, Kind: simulator.Revoked},
				{Endpoint: simulator.EndpointToken, Kind: simulator.StatusError, Status: 400},
			}},
		{name: "token answer without access_token", wantUp: 0, wantJob: absent,
			faults: []simulator.Fault{
				{Endpoint: simulator.EndpointJobs, Kind: simulator.Revoked},
				{Endpoint: simulator.EndpointToken, Kind: simulator.BadTokenResponse},
			}},
		{name: "wrong password", badPass: true, wantUp: 0, wantJob: absent},
		{name: "malformed JSON on mailboxes", wantUp: 1, wantJob: 0,
			faults: []simulator.Fault{{Endpoint: simulator.EndpointMailboxes, Kind: simulator.MalformedJSON}}},
		{name: "HTML error page on jobs", wantUp: 0, wantJob: absent,
			faults: []simulator.Fault{{Endpoint: simulator.EndpointJobs, Kind: simulator.HTMLError}}},
		{name: "truncated mailbox pages", wantUp: 1, wantJob: 0,
			faults: []simulator.Fault{{Endpoint: simulator.EndpointMailboxes, Kind: simulator.Truncated}}},
		{name: "huge mailbox body", wantUp: 1, wantJob: 0,
			faults: []simulator.Fault{{Endpoint: simulator.EndpointMailboxes, Kind: simulator.HugeBody, Size: 2 << 20}}},
		{name: "recovered", wantUp: 1, wantJob: 1},
	}
	var shown []string
	passwordWrong := false
	reload := func(pw string) {
		t.Helper()
		exportertest.WriteFile(t, s.passwordFile, pw+"\n", 0o600)
		r := doHTTP(t, nil, http.MethodPost, e.base+"/-/reload", nil)
		shown = append(shown, r.body)
		if r.status != http.StatusOK {
			t.Fatalf("reload: %d %q", r.status, r.body)
		}
	}
	for _, step := range steps {
		s.sim.ClearFaults()
		for _, f := range step.faults {
			s.sim.AddFault(f)
		}
		if step.badPass != passwordWrong {
			if step.badPass {
				reload(wrongPassword)
			} else {
				reload(s.password)
			}
			passwordWrong = step.badPass
		}
		res := scrapeExporter(t, e)
		shown = append(shown, res.Body)
		if v, ok := res.Value(t, "vbo365_up", map[string]string{"server": "e2e"}); !ok || v != step.wantUp {
			t.Errorf("%s: vbo365_up = %v (present %v), want %v", step.name, v, ok, step.wantUp)
		}
		for _, j := range truth {
			sel := map[string]string{"server": "e2e", "job_id": j.ID}
			v, ok := res.Value(t, "vbo365_job_scrape_success", sel)
			switch {
			case step.wantJob == absent && ok:
				t.Errorf("%s: %s = %v, want no series while the server is down", step.name, exportertest.SeriesName("vbo365_job_scrape_success", sel), v)
			case step.wantJob != absent && (!ok || v != step.wantJob):
				t.Errorf("%s: %s = %v (present %v), want %v", step.name, exportertest.SeriesName("vbo365_job_scrape_success", sel), v, ok, step.wantJob)
			}
			if _, ok := res.Value(t, "vbo365_job_mailboxes", sel); ok != (step.wantJob == 1) {
				t.Errorf("%s: %s present = %v, want %v", step.name, exportertest.SeriesName("vbo365_job_mailboxes", sel), ok, step.wantJob == 1)
			}
		}
	}
	exportertest.CheckJobs(t, exportertest.ParseMetrics(t, shown[len(shown)-1]), "e2e", truth)

	e.Stop()
	out := e.Output()
	for _, want := range []string{`msg="logged in"`, "server not scraped", "job not scraped"} {
		if !strings.Contains(out, want) {
			t.Errorf("exporter output lacks %q; the faults did not reach the logs as expected:\n%s", want, out)
		}
	}
	secrets := append([]string{s.password, wrongPassword}, s.sim.IssuedSecrets()...)
	exportertest.AssertNoSecrets(t, "exporter stdout+stderr", out, secrets)
	for i, body := range shown {
		exportertest.AssertNoSecrets(t, fmt.Sprintf("HTTP answer #%d", i), body, secrets)
	}
	if t.Failed() || os.Getenv("E2E_SHOW_LOG") != "" {
		t.Logf("exporter output:\n%s", out)
	}
}

// TestWebConfigTLSAndBasicAuth checks that --web.config.file really
// guards the metrics, which carry mailbox addresses and names.
func TestWebConfigTLSAndBasicAuth(t *testing.T) {
	dir := t.TempDir()
	password := "e2e-sim-" + exportertest.RandomHex(t, 12)
	srv, sim := simulator.NewServer(t, simulator.Options{Username: vboUsername, Password: password, Jobs: 2, MailboxesPerJob: []int{40, 7}, Seed: 5})
	pwFile := filepath.Join(dir, "vbo.password")
	exportertest.WriteFile(t, pwFile, password, 0o600)
	cfg := filepath.Join(dir, "config.yml")
	exportertest.WriteFile(t, cfg, configYAML(serverEntry{name: "e2e", url: srv.URL, username: vboUsername, passwordFile: pwFile}), 0o600)

	now := time.Now()
	cert, certPEMBytes, err := simulator.SelfSignedCert(simulator.LocalHosts, now.Add(-time.Hour), now.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(cert.PrivateKey)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile := filepath.Join(dir, "web.crt"), filepath.Join(dir, "web.key")
	exportertest.WriteFile(t, certFile, string(certPEMBytes), 0o644)
	exportertest.WriteFile(t, keyFile, string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER})), 0o600)
	webPassword := "e2e-web-" + exportertest.RandomHex(t, 12)
	hash, err := bcrypt.GenerateFromPassword([]byte(webPassword), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	webConfig := filepath.Join(dir, "web.yml")
	exportertest.WriteFile(t, webConfig, fmt.Sprintf("tls_server_config:\n  cert_file: %s\n  key_file: %s\nbasic_auth_users:\n  admin: '%s'\n",
		certFile, keyFile, hash), 0o600)

	client := tlsClient(t, cert.Leaf.Raw)
	e := startExporter(t, launch{
		config: cfg, args: []string{"--web.config.file=" + webConfig},
		scheme: "https", client: client, user: "admin", pass: webPassword,
	})
	get := func(c *http.Client, url, user, pass string) (int, string, error) {
		req, err := http.NewRequest(http.MethodGet, url, nil)
		if err != nil {
			t.Fatal(err)
		}
		if user != "" {
			req.SetBasicAuth(user, pass)
		}
		resp, err := c.Do(req)
		if err != nil {
			return 0, "", err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b), err
	}

	status, body, err := get(client, e.base+"/metrics", "admin", webPassword)
	if err != nil || status != http.StatusOK {
		t.Fatalf("right password: %d %v\n%s", status, err, body)
	}
	res := exportertest.ParseMetrics(t, body)
	if v, ok := res.Value(t, "vbo365_up", map[string]string{"server": "e2e"}); !ok || v != 1 {
		t.Errorf("vbo365_up = %v (present %v), want 1", v, ok)
	}
	exportertest.CheckJobs(t, res, "e2e", sim.Truth())

	for _, c := range []struct{ name, user, pass string }{
		{"wrong password", "admin", webPassword + "x"},
		{"unknown user", "root", webPassword},
		{"no credentials", "", ""},
	} {
		status, body, err := get(client, e.base+"/metrics", c.user, c.pass)
		if err != nil || status != http.StatusUnauthorized {
			t.Errorf("%s: %d %v, want 401", c.name, status, err)
		}
		if strings.Contains(body, "vbo365_") {
			t.Errorf("%s: the answer carries metrics:\n%s", c.name, body)
		}
	}

	plain := &http.Client{Timeout: 5 * time.Second}
	status, body, err = get(plain, "http://"+e.addr+"/metrics", "admin", webPassword)
	if err == nil && (status != http.StatusBadRequest || strings.Contains(body, "vbo365_")) {
		t.Errorf("plain HTTP to the TLS listener: %d %q, want a refusal", status, body)
	}
	untrusting := &http.Client{Timeout: 5 * time.Second}
	if _, _, err := get(untrusting, e.base+"/metrics", "admin", webPassword); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Errorf("HTTPS without trusting the certificate: err = %v, want a certificate error", err)
	}

	e.Stop()
	if found := exportertest.FindSecrets(e.Output(), []string{webPassword, password}); len(found) > 0 {
		t.Errorf("exporter output contains secrets %v", found)
	}
}

// openFDs counts the open file descriptors of pid.
func openFDs(t *testing.T, pid int) int {
	t.Helper()
	entries, err := os.ReadDir("/proc/" + strconv.Itoa(pid) + "/fd")
	if err != nil {
		t.Fatalf("counting fds: %v", err)
	}
	return len(entries)
}

// TestFileDescriptorsFlat catches leaked connections and goroutines: a
// long-running exporter that loses one per failed request dies after days,
// which no short unit test shows.
func TestFileDescriptorsFlat(t *testing.T) {
	if _, err := os.Stat("/proc/self/fd"); err != nil {
		t.Skip("needs /proc to count file descriptors")
	}
	s := newSimSetup(t, simulator.Options{Jobs: 1, MailboxesPerJob: []int{40}, Seed: 3}, 25)
	// Error paths are where connections and goroutines leak: bodies left
	// unread, connections cut mid-body, retries.
	for _, f := range []simulator.Fault{
		{Endpoint: simulator.EndpointMailboxes, Kind: simulator.StatusError, Status: 503, Probability: 0.01},
		{Endpoint: simulator.EndpointMailboxes, Kind: simulator.ResetMidBody, Probability: 0.01},
		{Endpoint: simulator.EndpointMailboxes, Kind: simulator.MalformedJSON, Probability: 0.03},
		{Endpoint: simulator.EndpointMailboxes, Kind: simulator.HTMLError, Probability: 0.03},
	} {
		s.sim.AddFault(f)
	}
	e := startExporter(t, launch{config: s.configFile})
	pid := e.cmd.Process.Pid

	const warmup, total = 20, 200
	var fdsWarm, goroutinesWarm int
	failedJobs := 0
	start := time.Now()
	for i := 1; i <= total; i++ {
		res := scrapeExporter(t, e)
		failedJobs += len(res.Samples("vbo365_job_scrape_success", nil)) - int(sumValues(res.Samples("vbo365_job_scrape_success", nil)))
		if i == warmup || i == total {
			g, ok := res.Value(t, "go_goroutines", nil)
			if !ok {
				t.Fatal("go_goroutines missing")
			}
			if i == warmup {
				fdsWarm, goroutinesWarm = openFDs(t, pid), int(g)
				continue
			}
			fds := openFDs(t, pid)
			t.Logf("after %d scrapes: %d fds, %d goroutines; after %d: %d fds, %.0f goroutines; %d job scrapes failed; %s",
				warmup, fdsWarm, goroutinesWarm, total, fds, g, failedJobs, time.Since(start).Round(time.Millisecond))
			t.Logf("simulator requests: jobs %d, mailboxes %d, token %d", s.sim.Requests(simulator.EndpointJobs), s.sim.Requests(simulator.EndpointMailboxes), s.sim.Requests(simulator.EndpointToken))
			if fds > fdsWarm+5 {
				t.Errorf("open fds grew from %d to %d over %d scrapes", fdsWarm, fds, total-warmup)
			}
			if int(g) > goroutinesWarm+10 {
				t.Errorf("goroutines grew from %d to %.0f over %d scrapes", goroutinesWarm, g, total-warmup)
			}
		}
	}
	if failedJobs == 0 {
		t.Errorf("no job scrape failed in %d scrapes: the faults never hit, so error paths were not exercised", total)
	}
}

func sumValues(m map[string]float64) float64 {
	var s float64
	for _, v := range m {
		s += v
	}
	return s
}
