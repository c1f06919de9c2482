package e2e

// Fleets: every VBO server a Prometheus target of its own, probed through
// /probe?target=<name>, discovered from /sd and shared out between
// Prometheus servers by hashmod relabelling, as deploy/prometheus/
// prometheus-fleet.yml and deploy/kubernetes/fleet/ ship it. The end-to-end
// test runs that very file on two real Prometheus servers; deploy/fleet_test.go
// keeps the file and the Kubernetes recipe valid and in step.

import (
	"crypto/md5"
	"encoding/binary"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vbo365-exporter/vbo365_exporter/simulator"
	"github.com/vbo365-exporter/vbo365_exporter/test/exportertest"
)

const (
	// fleetSize servers are configured at first; one more is added by a
	// reload, which also removes the last of them.
	fleetSize   = 20
	fleetShards = 2
	// fleetUnknown is a static target of the probe job that the exporter
	// does not know: its probes fail, so its up is 0.
	fleetUnknown = "not-configured"
	// Prometheus scrapes every fleetInterval with that as the timeout;
	// the exporter answers fleetOffset before it, so a server that
	// never answers still yields a complete answer in time.
	fleetInterval = 3 * time.Second
	fleetOffset   = 1500 * time.Millisecond
	// fleetWait bounds every wait for Prometheus to reach a state:
	// generous, for a loaded 2-core machine; a pass takes a few seconds.
	fleetWait = 90 * time.Second
)

// fleetServer is one configured VBO server of the fleet.
type fleetServer struct {
	name   string
	entry  serverEntry
	truth  []simulator.JobTruth // nil when broken
	broken string               // how the server fails, "" when healthy
	sim    *simulator.Simulator // nil when nothing simulates it
}

// hashmod is Prometheus' hashmod action: the last 8 bytes of the MD5 of
// the value, big-endian, modulo modulus. The test predicts the shards with
// it, so a shard that kept the wrong servers fails the test.
func hashmod(value string, modulus uint64) uint64 {
	sum := md5.Sum([]byte(value))
	return binary.BigEndian.Uint64(sum[8:]) % modulus
}

// fleetServers starts n+1 simulated servers (the last one is for the
// reload), three of them broken: one resets every connection, one refuses
// the configured password and one never answers.
func fleetServers(t *testing.T, dir string, n int) []*fleetServer {
	t.Helper()
	var out []*fleetServer
	for i := 1; i <= n+1; i++ {
		name := fmt.Sprintf("vbo-%02d", i)
		password := "e2e-fleet-" + exportertest.RandomHex(t, 10)
		pwFile := filepath.Join(dir, name+".password")
		exportertest.WriteFile(t, pwFile, password+"\n", 0o600)
		s := &fleetServer{name: name}
		var u string
		switch i {
		case 7:
			s.broken, u = "resets every connection", "http://"+exportertest.ResetServer(t)
		case 17:
			s.broken, u = "never answers", "http://"+exportertest.SilentServer(t)
		default:
			simPassword := password
			if i == 13 {
				s.broken, simPassword = "refuses the password", "e2e-other-"+exportertest.RandomHex(t, 10)
			}
			srv, sim := simulator.NewServer(t, simulator.Options{
				Username: vboUsername, Password: simPassword, Seed: int64(100 + i),
				Jobs: 1 + i%3, MailboxesPerJob: []int{10 + 7*i, i % 4 * 3},
			})
			s.sim, u = sim, srv.URL
			if s.broken == "" {
				s.truth = sim.Truth()
			}
		}
		s.entry = serverEntry{name: name, url: u, username: vboUsername, passwordFile: pwFile, pageSize: 25,
			extra: []string{"api_version: v1"}}
		out = append(out, s)
	}
	return out
}

func fleetConfig(servers []*fleetServer) string {
	entries := make([]serverEntry, len(servers))
	for i, s := range servers {
		entries[i] = s.entry
	}
	return configYAML(entries...)
}

// fleetTune makes a shipped scrape job fast enough for a test, and gives
// the probe job a static target the exporter does not know.
func fleetTune(job map[string]any) {
	d := promDuration(fleetInterval)
	job["scrape_interval"], job["scrape_timeout"] = d, d
	sds, _ := job["http_sd_configs"].([]any)
	for _, sd := range sds {
		sd.(map[string]any)["refresh_interval"] = "1s"
	}
	if job["job_name"] == "vbo365" {
		job["static_configs"] = []any{map[string]any{"targets": []any{fleetUnknown}}}
	}
}

// promDuration renders d as a Prometheus duration.
func promDuration(d time.Duration) string { return strconv.FormatInt(d.Milliseconds(), 10) + "ms" }

// fleet is the running fleet: servers, exporter and one Prometheus per
// shard.
type fleet struct {
	servers  []*fleetServer
	config   string // the exporter's config file
	exporter *exporterProc
	shards   []*promHarness // promURL and client set; used for queries
	procs    []*proc
	secrets  []string
}

func (f *fleet) configured() []*fleetServer { return f.servers[:fleetSize] }

// shardOf is the shard that must probe target.
func shardOf(target string) int { return int(hashmod(target, fleetShards)) }

func startFleet(t *testing.T) *fleet {
	t.Helper()
	requireTool(t, "prometheus")
	dir := t.TempDir()
	f := &fleet{servers: fleetServers(t, dir, fleetSize)}
	f.config = filepath.Join(dir, "config.yml")
	exportertest.WriteFile(t, f.config, fleetConfig(f.configured()), 0o600)
	f.exporter = startExporter(t, launch{config: f.config, args: []string{
		"--no-metrics.servers", "--scrape.timeout-offset=" + fleetOffset.String(),
	}})
	raw, err := os.ReadFile(filepath.Join(deployDir, "prometheus", "prometheus-fleet.yml"))
	if err != nil {
		t.Fatal(err)
	}
	rules, err := filepath.Abs(rulesFile)
	if err != nil {
		t.Fatal(err)
	}
	for shard := range fleetShards {
		cfg := exportertest.FleetShardConfig(t, raw, shard, fleetShards, f.exporter.addr, fleetTune)
		cfg["rule_files"] = []any{rules}
		file := filepath.Join(dir, fmt.Sprintf("prometheus-%d.yml", shard))
		exportertest.WriteYAML(t, file, cfg)
		client := &http.Client{Timeout: 10 * time.Second}
		p, promURL, err := launchPrometheus(t, file, filepath.Join(dir, fmt.Sprintf("data-%d", shard)), client)
		if err != nil {
			t.Fatalf("starting Prometheus shard %d: %v", shard, err)
		}
		t.Cleanup(p.Stop)
		f.procs = append(f.procs, p)
		f.shards = append(f.shards, &promHarness{promURL: promURL, client: client})
	}
	for _, s := range f.servers {
		raw, _ := os.ReadFile(s.entry.passwordFile)
		f.secrets = append(f.secrets, strings.TrimSpace(string(raw)), s.entry.passwordFile)
	}
	return f
}

// issuedSecrets are the tokens the simulators handed out so far.
func (f *fleet) issuedSecrets() []string {
	var out []string
	for _, s := range f.servers {
		if s.sim != nil {
			out = append(out, s.sim.IssuedSecrets()...)
		}
	}
	return out
}

// promSeries is a query's result keyed by the values of the labels named.
func promSeries(h *promHarness, expr string, keys ...string) (map[string]float64, error) {
	r, err := h.query(expr)
	if err != nil {
		return nil, err
	}
	if r.Status != "success" {
		return nil, fmt.Errorf("%s: %s %s", expr, r.ErrorType, r.Error)
	}
	out := map[string]float64{}
	for _, s := range r.vector() {
		var k []string
		for _, name := range keys {
			k = append(k, s.labels[name])
		}
		key := strings.Join(k, "/")
		if _, dup := out[key]; dup {
			return nil, fmt.Errorf("%s: two series for %s", expr, key)
		}
		out[key] = s.value
	}
	return out, nil
}

// waitFor polls check until it reports no problem, failing the test with
// the last problems after fleetWait.
func (f *fleet) waitFor(t *testing.T, what string, check func() []string) {
	t.Helper()
	deadline := time.Now().Add(fleetWait)
	for {
		problems := check()
		if len(problems) == 0 {
			return
		}
		if time.Now().After(deadline) {
			sort.Strings(problems)
			if len(problems) > 40 {
				problems = append(problems[:40], fmt.Sprintf("… and %d more", len(problems)-40))
			}
			var outs strings.Builder
			for i, p := range f.procs {
				fmt.Fprintf(&outs, "\nPrometheus shard %d output:\n%s", i, p.Output())
			}
			t.Fatalf("%s: not so after %s:\n  %s\nexporter output:\n%s%s", what, fleetWait, strings.Join(problems, "\n  "), f.exporter.Output(), outs.String())
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// checkShards lists what is not yet (or not at all) as it must be: each
// target of servers, and the unknown one, is probed by its own shard and
// never by the other; up is 1 for each configured server and 0 for the
// unknown target; vbo365_up is 1 for the healthy servers and 0 for the
// broken ones, and carries the server's own name; every stored job figure
// is the simulator's truth; each target has at least two scrapes behind it;
// and the vbo365-exporter job scrapes the exporter's /metrics. gone are
// servers that must no longer be probed.
func (f *fleet) checkShards(servers, gone []*fleetServer) []string {
	var problems []string
	for shard, h := range f.shards {
		p, err := f.checkShard(shard, h, servers, gone)
		if err != nil {
			return []string{fmt.Sprintf("shard %d: %v", shard, err)}
		}
		problems = append(problems, p...)
	}
	return problems
}

func (f *fleet) checkShard(shard int, h *promHarness, servers, gone []*fleetServer) ([]string, error) {
	var problems []string
	bad := func(format string, args ...any) {
		problems = append(problems, fmt.Sprintf("shard %d: ", shard)+fmt.Sprintf(format, args...))
	}
	up, err := promSeries(h, `up{job="vbo365"}`, "instance")
	if err != nil {
		return nil, err
	}
	ever, err := promSeries(h, `count_over_time(up{job="vbo365"}[10m])`, "instance")
	if err != nil {
		return nil, err
	}
	vboUp, err := promSeries(h, `vbo365_up{job="vbo365"}`, "instance", "server")
	if err != nil {
		return nil, err
	}
	want := map[string]bool{}
	if shardOf(fleetUnknown) == shard {
		want[fleetUnknown] = true
		if v, ok := up[fleetUnknown]; !ok || v != 0 {
			bad("up{instance=%q} = %v (present %v), want 0: the exporter refuses a target it does not know", fleetUnknown, v, ok)
		}
	}
	for _, s := range servers {
		if shardOf(s.name) != shard {
			continue
		}
		want[s.name] = true
		if v, ok := up[s.name]; !ok || v != 1 {
			bad("up{instance=%q} = %v (present %v), want 1: the exporter answers every probe of a configured server", s.name, v, ok)
		}
		if ever[s.name] < 2 {
			bad("%s: %v scrapes so far, want 2 at least", s.name, ever[s.name])
		}
		wantUp := exportertest.Bool(s.broken == "")
		if v, ok := vboUp[s.name+"/"+s.name]; !ok || v != wantUp {
			bad("vbo365_up{instance=%q,server=%q} = %v (present %v), want %v (%s)", s.name, s.name, v, ok, wantUp, s.broken)
		}
	}
	for _, s := range gone {
		if _, ok := up[s.name]; ok {
			bad("%s is still probed after a reload removed it", s.name)
		}
	}
	for instance := range ever {
		wasHere := shardOf(instance) == shard && slices.ContainsFunc(gone, func(s *fleetServer) bool { return s.name == instance })
		if !want[instance] && !wasHere {
			bad("probed %q, which belongs to shard %d", instance, shardOf(instance))
		}
	}
	for key := range vboUp {
		instance, server, _ := strings.Cut(key, "/")
		if instance != server {
			bad("the probe of %q answered with vbo365_up of server %q", instance, server)
		}
	}
	p, err := f.checkFigures(h, servers, gone, shard)
	if err != nil {
		return nil, err
	}
	own, err := promSeries(h, `up{job="vbo365-exporter"}`, "instance")
	if err != nil {
		return nil, err
	}
	if v, ok := own[f.exporter.addr]; len(own) != 1 || !ok || v != 1 {
		bad("up{job=\"vbo365-exporter\"} = %v, want 1 for %s only", own, f.exporter.addr)
	}
	return append(problems, p...), nil
}

// checkFigures compares every stored sample of the job counts with the
// truth: the smallest and the largest value over the run must both be it
// (a job that could not be read leaves no sample, never a wrong one), and
// the latest scrape must have read every job.
// gone are servers a reload removed: their earlier samples must have been
// exact, but there is no latest scrape.
func (f *fleet) checkFigures(h *promHarness, servers, gone []*fleetServer, shard int) ([]string, error) {
	var problems []string
	stored := map[string]map[string]float64{}
	for _, name := range []string{"vbo365_job_mailboxes", "vbo365_job_mailboxes_backed_up"} {
		for _, fn := range []string{"min_over_time", "max_over_time"} {
			got, err := promSeries(h, fmt.Sprintf(`%s(%s{job="vbo365"}[10m])`, fn, name), "instance", "server", "job_id")
			if err != nil {
				return nil, err
			}
			stored[fn+"("+name+")"] = got
		}
	}
	success, err := promSeries(h, `vbo365_job_scrape_success{job="vbo365"}`, "instance", "server", "job_id")
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for _, s := range append(slices.Clip(servers), gone...) {
		if shardOf(s.name) != shard {
			continue
		}
		current := !slices.Contains(gone, s)
		for _, j := range s.truth {
			key := s.name + "/" + s.name + "/" + j.ID
			seen[key] = true
			for name, want := range map[string]float64{"vbo365_job_mailboxes": float64(j.Mailboxes), "vbo365_job_mailboxes_backed_up": float64(j.BackedUp)} {
				for _, fn := range []string{"min_over_time", "max_over_time"} {
					if v, ok := stored[fn+"("+name+")"][key]; !ok || v != want {
						problems = append(problems, fmt.Sprintf("shard %d: %s(%s{server=%q,job_id=%q}) = %v (present %v), want %v",
							shard, fn, name, s.name, j.ID, v, ok, want))
					}
				}
			}
			if v, ok := success[key]; current && (!ok || v != 1) {
				problems = append(problems, fmt.Sprintf("shard %d: vbo365_job_scrape_success{server=%q,job_id=%q} = %v (present %v), want 1", shard, s.name, j.ID, v, ok))
			}
		}
	}
	for key := range stored["min_over_time(vbo365_job_mailboxes)"] {
		if !seen[key] {
			problems = append(problems, fmt.Sprintf("shard %d: vbo365_job_mailboxes for %s, which no healthy server of this shard has", shard, key))
		}
	}
	return problems, nil
}

// TestFleetSharding: 20 servers, one exporter, two Prometheus servers
// that discover the servers from /sd and split them with hashmod. Each
// server is probed by exactly one of them, its figures are exact, and up
// and vbo365_up say what happened: a broken server is a probe that worked
// (up 1) of a server that could not be read (vbo365_up 0), and only a
// target the exporter does not know makes a failed probe (up 0). A reload
// that adds and removes a server reaches both through /sd.
func TestFleetSharding(t *testing.T) {
	start := time.Now()
	f := startFleet(t)
	perShard := make([]int, fleetShards)
	for _, s := range f.configured() {
		perShard[shardOf(s.name)]++
	}
	for shard, n := range perShard {
		if n == 0 {
			t.Fatalf("shard %d gets none of the %d servers; rename them so that both shards have some", shard, fleetSize)
		}
	}
	t.Logf("servers per shard: %v; %s unknown target on shard %d", perShard, fleetUnknown, shardOf(fleetUnknown))

	f.waitFor(t, "every server probed by its shard, with exact figures", func() []string {
		return f.checkShards(f.configured(), nil)
	})
	settled := time.Since(start)
	f.checkSilentServer(t)
	f.checkOwnMetrics(t)

	// A reload adds vbo-21 and drops vbo-20; both shards follow /sd.
	next := append(append([]*fleetServer(nil), f.servers[:fleetSize-1]...), f.servers[fleetSize])
	gone := []*fleetServer{f.servers[fleetSize-1]}
	exportertest.WriteFile(t, f.config, fleetConfig(next), 0o600)
	if r := doHTTP(t, nil, http.MethodPost, f.exporter.base+"/-/reload", nil); r.status != http.StatusOK {
		t.Fatalf("reload: %d %s", r.status, r.body)
	}
	f.waitFor(t, "the reloaded fleet probed by its shards", func() []string {
		return f.checkShards(next, gone)
	})
	f.checkNoSecrets(t)
	t.Logf("settled %s after start, reload followed %s later; %s in all",
		settled.Round(time.Millisecond), (time.Since(start) - settled).Round(time.Millisecond), time.Since(start).Round(time.Millisecond))
}

// checkSilentServer: the probe of the server that never answers took the
// exporter's whole deadline, the scrape timeout less the offset, and was
// answered in time all the same.
func (f *fleet) checkSilentServer(t *testing.T) {
	t.Helper()
	const silent = "vbo-17"
	h := f.shards[shardOf(silent)]
	got, err := promSeries(h, fmt.Sprintf(`scrape_duration_seconds{job="vbo365",instance=%q}`, silent), "instance")
	if err != nil {
		t.Fatal(err)
	}
	deadline := (fleetInterval - fleetOffset).Seconds()
	if d, ok := got[silent]; !ok || d < deadline-0.1 || d >= fleetInterval.Seconds() {
		t.Errorf("scrape_duration_seconds{instance=%q} = %v (present %v), want the exporter's deadline of %vs and less than the %v timeout", silent, d, ok, deadline, fleetInterval)
	}
	if others, err := promSeries(h, fmt.Sprintf(`max(scrape_duration_seconds{job="vbo365",instance!=%q})`, silent)); err == nil {
		t.Logf("longest probe of another server on shard %d: %.3fs (the silent one: %.3fs)", shardOf(silent), others[""], got[silent])
	}
}

// checkOwnMetrics: with --no-metrics.servers, /metrics polls nothing and
// has no server's series, but has the request counters of the probes
// (checkShards sees each Prometheus scrape it as the vbo365-exporter job).
func (f *fleet) checkOwnMetrics(t *testing.T) {
	t.Helper()
	s := scrapeExporter(t, f.exporter)
	if got := s.Samples("vbo365_up", nil); len(got) != 0 {
		t.Errorf("/metrics has vbo365_up with --no-metrics.servers: %v", got)
	}
	for _, srv := range f.configured() {
		if srv.broken == "" && len(s.Samples("vbo365_api_requests_total", map[string]string{"server": srv.name})) == 0 {
			t.Errorf("/metrics has no vbo365_api_requests_total for %s", srv.name)
		}
	}
}

// checkNoSecrets: no password, password file or token shows in /sd, in a
// probe's answer, in what Prometheus discovered, or in the exporter's log.
func (f *fleet) checkNoSecrets(t *testing.T) {
	t.Helper()
	sd := doHTTP(t, nil, http.MethodGet, f.exporter.base+"/sd", nil)
	texts := map[string]string{"/sd": sd.body}
	for _, s := range f.servers[:3] {
		texts["probe of "+s.name] = doHTTP(t, nil, http.MethodGet, f.exporter.base+"/probe?target="+url.QueryEscape(s.name), nil).body
	}
	for shard, h := range f.shards {
		texts[fmt.Sprintf("shard %d targets", shard)] = doHTTP(t, h.client, http.MethodGet, h.promURL+"/api/v1/targets", nil).body
	}
	texts["exporter log"] = f.exporter.Output()
	secrets := append(append([]string(nil), f.secrets...), f.issuedSecrets()...)
	for where, text := range texts {
		exportertest.AssertNoSecrets(t, where, text, secrets)
	}
	if strings.Contains(sd.body, "svc-monitor") {
		t.Errorf("/sd shows the username: %s", sd.body)
	}
}
