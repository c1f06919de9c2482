package main

// Fleets: every VBO server a Prometheus target of its own, probed through
// /probe?target=<name>, discovered from /sd and shared out between
// Prometheus servers by hashmod relabelling, as deploy/prometheus/
// prometheus-fleet.yml and deploy/kubernetes/fleet/ ship it. The end-to-end
// test runs that very file on two real Prometheus servers; the deploy tests
// keep the file and the Kubernetes recipe valid and in step.

import (
	"crypto/md5"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/vbo365-exporter/vbo365_exporter/simulator"
)

const (
	deployFleetPromConfig = "deploy/prometheus/prometheus-fleet.yml"
	deployFleetK8sDir     = "deploy/kubernetes/fleet"

	// e2eFleetSize servers are configured at first; one more is added by a
	// reload, which also removes the last of them.
	e2eFleetSize   = 20
	e2eFleetShards = 2
	// e2eFleetUnknown is a static target of the probe job that the exporter
	// does not know: its probes fail, so its up is 0.
	e2eFleetUnknown = "not-configured"
	// Prometheus scrapes every e2eFleetInterval with that as the timeout;
	// the exporter answers e2eFleetOffset before it, so a server that
	// never answers still yields a complete answer in time.
	e2eFleetInterval = 3 * time.Second
	e2eFleetOffset   = 1500 * time.Millisecond
	// e2eFleetWait bounds every wait for Prometheus to reach a state:
	// generous, for a loaded 2-core machine; a pass takes a few seconds.
	e2eFleetWait = 90 * time.Second
)

// e2eFleetServer is one configured VBO server of the fleet.
type e2eFleetServer struct {
	name   string
	entry  e2eServer
	truth  []simulator.JobTruth // nil when broken
	broken string               // how the server fails, "" when healthy
	sim    *simulator.Simulator // nil when nothing simulates it
}

// e2eHashmod is Prometheus' hashmod action: the last 8 bytes of the MD5 of
// the value, big-endian, modulo modulus. The test predicts the shards with
// it, so a shard that kept the wrong servers fails the test.
func e2eHashmod(value string, modulus uint64) uint64 {
	sum := md5.Sum([]byte(value))
	return binary.BigEndian.Uint64(sum[8:]) % modulus
}

// e2eFleetServers starts n+1 simulated servers (the last one is for the
// reload), three of them broken: one resets every connection, one refuses
// the configured password and one never answers.
func e2eFleetServers(t *testing.T, dir string, n int) []*e2eFleetServer {
	t.Helper()
	var out []*e2eFleetServer
	for i := 1; i <= n+1; i++ {
		name := fmt.Sprintf("vbo-%02d", i)
		password := "e2e-fleet-" + e2eRandomHex(t, 10)
		pwFile := filepath.Join(dir, name+".password")
		e2eWriteFile(t, pwFile, password+"\n", 0o600)
		s := &e2eFleetServer{name: name}
		var u string
		switch i {
		case 7:
			s.broken, u = "resets every connection", "http://"+e2eResetServer(t)
		case 17:
			s.broken, u = "never answers", "http://"+e2eSilentServer(t)
		default:
			simPassword := password
			if i == 13 {
				s.broken, simPassword = "refuses the password", "e2e-other-"+e2eRandomHex(t, 10)
			}
			srv, sim := simulator.NewServer(t, simulator.Options{
				Username: e2eUsername, Password: simPassword, Seed: int64(100 + i),
				Jobs: 1 + i%3, MailboxesPerJob: []int{10 + 7*i, i % 4 * 3},
			})
			s.sim, u = sim, srv.URL
			if s.broken == "" {
				s.truth = sim.Truth()
			}
		}
		s.entry = e2eServer{name: name, url: u, username: e2eUsername, passwordFile: pwFile, pageSize: 25,
			extra: []string{"api_version: v1"}}
		out = append(out, s)
	}
	return out
}

// e2eResetServer accepts connections and closes them at once.
func e2eResetServer(t *testing.T) string {
	t.Helper()
	return e2eListen(t, func(c net.Conn) { c.Close() })
}

// e2eSilentServer accepts connections, reads them and never answers.
func e2eSilentServer(t *testing.T) string {
	t.Helper()
	return e2eListen(t, func(c net.Conn) { _, _ = io.Copy(io.Discard, c) })
}

func e2eListen(t *testing.T, handle func(net.Conn)) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var (
		mu    sync.Mutex
		conns []net.Conn
		wg    sync.WaitGroup
	)
	wg.Go(func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			wg.Go(func() { handle(c) })
		}
	})
	t.Cleanup(func() {
		l.Close()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	return l.Addr().String()
}

func e2eFleetConfig(servers []*e2eFleetServer) string {
	entries := make([]e2eServer, len(servers))
	for i, s := range servers {
		entries[i] = s.entry
	}
	return e2eConfigYAML(entries...)
}

// e2eFleetShardConfig is deploy/prometheus/prometheus-fleet.yml for shard
// of shards, with the exporter at addr: the SHARD rules, the service
// discovery URL and the address replacement are set as the file's header
// says, and nothing else of the shipped file changes but what tune does.
func e2eFleetShardConfig(t testing.TB, raw []byte, shard, shards int, addr string, tune func(job map[string]any)) map[string]any {
	t.Helper()
	var cfg map[string]any
	if err := yaml.Unmarshal(raw, &cfg); err != nil {
		t.Fatalf("%s: %v", deployFleetPromConfig, err)
	}
	if g, ok := cfg["global"].(map[string]any); ok {
		if el, ok := g["external_labels"].(map[string]any); ok {
			el["shard"] = strconv.Itoa(shard)
		}
	}
	jobs, _ := cfg["scrape_configs"].([]any)
	for _, j := range jobs {
		job := j.(map[string]any)
		e2eFleetPointAt(t, job, addr)
		if job["job_name"] == "vbo365" {
			e2eFleetSetShard(t, job, shard, shards)
		}
		if tune != nil {
			tune(job)
		}
	}
	return cfg
}

// e2eFleetPointAt sends a scrape job's discovery, probes and scrapes to the
// exporter at addr.
func e2eFleetPointAt(t testing.TB, job map[string]any, addr string) {
	t.Helper()
	sds, _ := job["http_sd_configs"].([]any)
	for _, sd := range sds {
		m := sd.(map[string]any)
		u, err := url.Parse(fmt.Sprint(m["url"]))
		if err != nil {
			t.Fatalf("%s: http_sd_configs url: %v", deployFleetPromConfig, err)
		}
		u.Host = addr
		m["url"] = u.String()
	}
	rules, _ := job["relabel_configs"].([]any)
	for _, r := range rules {
		m := r.(map[string]any)
		if m["target_label"] == "__address__" && m["replacement"] != nil {
			m["replacement"] = addr
		}
	}
	statics, _ := job["static_configs"].([]any)
	for _, sc := range statics {
		sc.(map[string]any)["targets"] = []any{addr}
	}
}

// e2eFleetSetShard sets the two SHARD rules of the probe job: the hashmod
// rule's modulus, and the regex of the keep rule on the label it writes.
// It fails when the job does not have exactly one of each.
func e2eFleetSetShard(t testing.TB, job map[string]any, shard, shards int) {
	t.Helper()
	rules, _ := job["relabel_configs"].([]any)
	var hashmods, keeps []map[string]any
	for _, r := range rules {
		if m := r.(map[string]any); m["action"] == "hashmod" {
			hashmods = append(hashmods, m)
		}
	}
	if len(hashmods) == 1 {
		for _, r := range rules {
			m := r.(map[string]any)
			if m["action"] == "keep" && reflect.DeepEqual(m["source_labels"], []any{hashmods[0]["target_label"]}) {
				keeps = append(keeps, m)
			}
		}
	}
	if len(hashmods) != 1 || len(keeps) != 1 {
		t.Fatalf("%s: the vbo365 job has %d hashmod rules and %d keep rules on the label one writes, want one each (the SHARD rules)", deployFleetPromConfig, len(hashmods), len(keeps))
	}
	hashmods[0]["modulus"] = shards
	keeps[0]["regex"] = strconv.Itoa(shard)
}

func e2eWriteYAML(t testing.TB, path string, v any) {
	t.Helper()
	out, err := yaml.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, out, 0o600); err != nil {
		t.Fatal(err)
	}
}

// e2eFleetTune makes a shipped scrape job fast enough for a test, and gives
// the probe job a static target the exporter does not know.
func e2eFleetTune(job map[string]any) {
	d := promDuration(e2eFleetInterval)
	job["scrape_interval"], job["scrape_timeout"] = d, d
	sds, _ := job["http_sd_configs"].([]any)
	for _, sd := range sds {
		sd.(map[string]any)["refresh_interval"] = "1s"
	}
	if job["job_name"] == "vbo365" {
		job["static_configs"] = []any{map[string]any{"targets": []any{e2eFleetUnknown}}}
	}
}

// promDuration renders d as a Prometheus duration.
func promDuration(d time.Duration) string { return strconv.FormatInt(d.Milliseconds(), 10) + "ms" }

// e2eFleet is the running fleet: servers, exporter and one Prometheus per
// shard.
type e2eFleet struct {
	servers  []*e2eFleetServer
	config   string // the exporter's config file
	exporter *e2eExporter
	shards   []*e2ePromHarness // promURL and client set; used for queries
	procs    []*e2eProc
	secrets  []string
}

func (f *e2eFleet) configured() []*e2eFleetServer { return f.servers[:e2eFleetSize] }

// shardOf is the shard that must probe target.
func shardOf(target string) int { return int(e2eHashmod(target, e2eFleetShards)) }

func startE2EFleet(t *testing.T) *e2eFleet {
	t.Helper()
	e2eRequireTool(t, "prometheus")
	dir := t.TempDir()
	f := &e2eFleet{servers: e2eFleetServers(t, dir, e2eFleetSize)}
	f.config = filepath.Join(dir, "config.yml")
	e2eWriteFile(t, f.config, e2eFleetConfig(f.configured()), 0o600)
	f.exporter = e2eStartExporter(t, e2eLaunch{config: f.config, args: []string{
		"--no-metrics.servers", "--scrape.timeout-offset=" + e2eFleetOffset.String(),
	}})
	raw, err := os.ReadFile(deployFleetPromConfig)
	if err != nil {
		t.Fatal(err)
	}
	rules, err := filepath.Abs(deployRulesFile)
	if err != nil {
		t.Fatal(err)
	}
	for shard := range e2eFleetShards {
		cfg := e2eFleetShardConfig(t, raw, shard, e2eFleetShards, f.exporter.addr, e2eFleetTune)
		cfg["rule_files"] = []any{rules}
		file := filepath.Join(dir, fmt.Sprintf("prometheus-%d.yml", shard))
		e2eWriteYAML(t, file, cfg)
		client := &http.Client{Timeout: 10 * time.Second}
		p, promURL, err := e2eLaunchPrometheus(t, file, filepath.Join(dir, fmt.Sprintf("data-%d", shard)), client)
		if err != nil {
			t.Fatalf("starting Prometheus shard %d: %v", shard, err)
		}
		t.Cleanup(p.Stop)
		f.procs = append(f.procs, p)
		f.shards = append(f.shards, &e2ePromHarness{promURL: promURL, client: client})
	}
	for _, s := range f.servers {
		raw, _ := os.ReadFile(s.entry.passwordFile)
		f.secrets = append(f.secrets, strings.TrimSpace(string(raw)), s.entry.passwordFile)
	}
	return f
}

// issuedSecrets are the tokens the simulators handed out so far.
func (f *e2eFleet) issuedSecrets() []string {
	var out []string
	for _, s := range f.servers {
		if s.sim != nil {
			out = append(out, s.sim.IssuedSecrets()...)
		}
	}
	return out
}

// e2eSeries is a query's result keyed by the values of the labels named.
func e2eSeries(h *e2ePromHarness, expr string, keys ...string) (map[string]float64, error) {
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
// the last problems after e2eFleetWait.
func (f *e2eFleet) waitFor(t *testing.T, what string, check func() []string) {
	t.Helper()
	deadline := time.Now().Add(e2eFleetWait)
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
			t.Fatalf("%s: not so after %s:\n  %s\nexporter output:\n%s%s", what, e2eFleetWait, strings.Join(problems, "\n  "), f.exporter.Output(), outs.String())
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
func (f *e2eFleet) checkShards(servers, gone []*e2eFleetServer) []string {
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

func (f *e2eFleet) checkShard(shard int, h *e2ePromHarness, servers, gone []*e2eFleetServer) ([]string, error) {
	var problems []string
	bad := func(format string, args ...any) {
		problems = append(problems, fmt.Sprintf("shard %d: ", shard)+fmt.Sprintf(format, args...))
	}
	up, err := e2eSeries(h, `up{job="vbo365"}`, "instance")
	if err != nil {
		return nil, err
	}
	ever, err := e2eSeries(h, `count_over_time(up{job="vbo365"}[10m])`, "instance")
	if err != nil {
		return nil, err
	}
	vboUp, err := e2eSeries(h, `vbo365_up{job="vbo365"}`, "instance", "server")
	if err != nil {
		return nil, err
	}
	want := map[string]bool{}
	if shardOf(e2eFleetUnknown) == shard {
		want[e2eFleetUnknown] = true
		if v, ok := up[e2eFleetUnknown]; !ok || v != 0 {
			bad("up{instance=%q} = %v (present %v), want 0: the exporter refuses a target it does not know", e2eFleetUnknown, v, ok)
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
		wantUp := e2eBool(s.broken == "")
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
		wasHere := shardOf(instance) == shard && slices.ContainsFunc(gone, func(s *e2eFleetServer) bool { return s.name == instance })
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
	own, err := e2eSeries(h, `up{job="vbo365-exporter"}`, "instance")
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
func (f *e2eFleet) checkFigures(h *e2ePromHarness, servers, gone []*e2eFleetServer, shard int) ([]string, error) {
	var problems []string
	stored := map[string]map[string]float64{}
	for _, name := range []string{"vbo365_job_mailboxes", "vbo365_job_mailboxes_backed_up"} {
		for _, fn := range []string{"min_over_time", "max_over_time"} {
			got, err := e2eSeries(h, fmt.Sprintf(`%s(%s{job="vbo365"}[10m])`, fn, name), "instance", "server", "job_id")
			if err != nil {
				return nil, err
			}
			stored[fn+"("+name+")"] = got
		}
	}
	success, err := e2eSeries(h, `vbo365_job_scrape_success{job="vbo365"}`, "instance", "server", "job_id")
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

// TestE2EFleetSharding: 20 servers, one exporter, two Prometheus servers
// that discover the servers from /sd and split them with hashmod. Each
// server is probed by exactly one of them, its figures are exact, and up
// and vbo365_up say what happened: a broken server is a probe that worked
// (up 1) of a server that could not be read (vbo365_up 0), and only a
// target the exporter does not know makes a failed probe (up 0). A reload
// that adds and removes a server reaches both through /sd.
func TestE2EFleetSharding(t *testing.T) {
	start := time.Now()
	f := startE2EFleet(t)
	perShard := make([]int, e2eFleetShards)
	for _, s := range f.configured() {
		perShard[shardOf(s.name)]++
	}
	for shard, n := range perShard {
		if n == 0 {
			t.Fatalf("shard %d gets none of the %d servers; rename them so that both shards have some", shard, e2eFleetSize)
		}
	}
	t.Logf("servers per shard: %v; %s unknown target on shard %d", perShard, e2eFleetUnknown, shardOf(e2eFleetUnknown))

	f.waitFor(t, "every server probed by its shard, with exact figures", func() []string {
		return f.checkShards(f.configured(), nil)
	})
	settled := time.Since(start)
	f.checkSilentServer(t)
	f.checkOwnMetrics(t)

	// A reload adds vbo-21 and drops vbo-20; both shards follow /sd.
	next := append(append([]*e2eFleetServer(nil), f.servers[:e2eFleetSize-1]...), f.servers[e2eFleetSize])
	gone := []*e2eFleetServer{f.servers[e2eFleetSize-1]}
	e2eWriteFile(t, f.config, e2eFleetConfig(next), 0o600)
	if r := e2eDo(t, nil, http.MethodPost, f.exporter.base+"/-/reload", nil); r.status != http.StatusOK {
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
func (f *e2eFleet) checkSilentServer(t *testing.T) {
	t.Helper()
	const silent = "vbo-17"
	h := f.shards[shardOf(silent)]
	got, err := e2eSeries(h, fmt.Sprintf(`scrape_duration_seconds{job="vbo365",instance=%q}`, silent), "instance")
	if err != nil {
		t.Fatal(err)
	}
	deadline := (e2eFleetInterval - e2eFleetOffset).Seconds()
	if d, ok := got[silent]; !ok || d < deadline-0.1 || d >= e2eFleetInterval.Seconds() {
		t.Errorf("scrape_duration_seconds{instance=%q} = %v (present %v), want the exporter's deadline of %vs and less than the %v timeout", silent, d, ok, deadline, e2eFleetInterval)
	}
	if others, err := e2eSeries(h, fmt.Sprintf(`max(scrape_duration_seconds{job="vbo365",instance!=%q})`, silent)); err == nil {
		t.Logf("longest probe of another server on shard %d: %.3fs (the silent one: %.3fs)", shardOf(silent), others[""], got[silent])
	}
}

// checkOwnMetrics: with --no-metrics.servers, /metrics polls nothing and
// has no server's series, but has the request counters of the probes
// (checkShards sees each Prometheus scrape it as the vbo365-exporter job).
func (f *e2eFleet) checkOwnMetrics(t *testing.T) {
	t.Helper()
	s := e2eScrapeExporter(t, f.exporter)
	if got := s.samples("vbo365_up", nil); len(got) != 0 {
		t.Errorf("/metrics has vbo365_up with --no-metrics.servers: %v", got)
	}
	for _, srv := range f.configured() {
		if srv.broken == "" && len(s.samples("vbo365_api_requests_total", map[string]string{"server": srv.name})) == 0 {
			t.Errorf("/metrics has no vbo365_api_requests_total for %s", srv.name)
		}
	}
}

// checkNoSecrets: no password, password file or token shows in /sd, in a
// probe's answer, in what Prometheus discovered, or in the exporter's log.
func (f *e2eFleet) checkNoSecrets(t *testing.T) {
	t.Helper()
	sd := e2eDo(t, nil, http.MethodGet, f.exporter.base+sdPath, nil)
	texts := map[string]string{"/sd": sd.body}
	for _, s := range f.servers[:3] {
		texts["probe of "+s.name] = e2eDo(t, nil, http.MethodGet, f.exporter.base+probePath+"?target="+url.QueryEscape(s.name), nil).body
	}
	for shard, h := range f.shards {
		texts[fmt.Sprintf("shard %d targets", shard)] = e2eDo(t, h.client, http.MethodGet, h.promURL+"/api/v1/targets", nil).body
	}
	texts["exporter log"] = f.exporter.Output()
	secrets := append(append([]string(nil), f.secrets...), f.issuedSecrets()...)
	for where, text := range texts {
		e2eAssertNoSecrets(t, where, text, secrets)
	}
	if strings.Contains(sd.body, "svc-monitor") {
		t.Errorf("/sd shows the username: %s", sd.body)
	}
}

// --- the deploy files ---

// TestDeployFleetPrometheusConfig: promtool accepts the shipped fleet
// config, and each of its shards rendered as the header says.
func TestDeployFleetPrometheusConfig(t *testing.T) {
	promtool := deployTool(t, "promtool")
	deployRun(t, promtool, "check", "config", deployFleetPromConfig)
	raw, err := os.ReadFile(deployFleetPromConfig)
	if err != nil {
		t.Fatal(err)
	}
	rules, err := filepath.Abs(deployRulesFile)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	const shards = 3
	for shard := range shards {
		cfg := e2eFleetShardConfig(t, raw, shard, shards, "vbo365-exporter.example.com:9924", nil)
		cfg["rule_files"] = []any{rules}
		file := filepath.Join(dir, fmt.Sprintf("shard-%d.yml", shard))
		e2eWriteYAML(t, file, cfg)
		deployRun(t, promtool, "check", "config", file)
	}
}

// deployFleetObjects decodes every document of deploy/kubernetes/fleet.
func deployFleetObjects(t *testing.T) map[string][]map[string]any {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(deployFleetK8sDir, "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no %s/*.yaml (%v)", deployFleetK8sDir, err)
	}
	byKind := map[string][]map[string]any{}
	for _, file := range files {
		raw, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		dec := yaml.NewDecoder(strings.NewReader(string(raw)))
		for {
			var o map[string]any
			if err := dec.Decode(&o); err == io.EOF {
				break
			} else if err != nil {
				t.Fatalf("%s: %v", file, err)
			}
			kind, _ := o["kind"].(string)
			byKind[kind] = append(byKind[kind], o)
		}
	}
	return byKind
}

// dig walks a decoded YAML tree along keys (strings) and list indexes
// (ints), returning nil when the path does not exist.
func dig(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				return nil
			}
			v = m[k]
		case int:
			l, ok := v.([]any)
			if !ok || k >= len(l) {
				return nil
			}
			v = l[k]
		}
	}
	return v
}

func named(objs []map[string]any, name string) map[string]any {
	for _, o := range objs {
		if dig(o, "metadata", "name") == name {
			return o
		}
	}
	return nil
}

// TestDeployFleetKubernetes checks the Kubernetes recipe: the exporter
// Deployment is the single-target one with more replicas and
// --no-metrics.servers, and its config loads; the Services select it; the
// Prometheus StatefulSet's init container, run here with sh, renders a
// config per pod that promtool accepts and whose probe job is the shipped
// prometheus-fleet.yml's, shard for shard.
func TestDeployFleetKubernetes(t *testing.T) {
	objs := deployFleetObjects(t)
	dep := named(objs["Deployment"], "vbo365-exporter-fleet")
	if dep == nil {
		t.Fatalf("%s has no Deployment vbo365-exporter-fleet", deployFleetK8sDir)
	}
	deployCheckFleetDeployment(t, dep)
	deployCheckFleetServices(t, objs["Service"], dep)
	sts := named(objs["StatefulSet"], "vbo365-prometheus")
	cm := named(objs["ConfigMap"], "vbo365-prometheus-fleet")
	if sts == nil || cm == nil {
		t.Fatalf("%s lacks the StatefulSet vbo365-prometheus or the ConfigMap vbo365-prometheus-fleet", deployFleetK8sDir)
	}
	deployCheckFleetPrometheus(t, sts, cm)
}

// deployCheckFleetDeployment compares the fleet Deployment's pod with the
// single-target one: only the labels, the replica count, the flag, the
// resources and the spread over nodes may differ. Its config must load as
// the single-target one's does.
func deployCheckFleetDeployment(t *testing.T, dep map[string]any) {
	t.Helper()
	base := deployLoadK8s(t)
	if n, _ := dig(dep, "spec", "replicas").(int); n < 2 {
		t.Errorf("fleet Deployment: replicas %v, want 2 or more", dig(dep, "spec", "replicas"))
	}
	raw, err := os.ReadFile("deploy/kubernetes/deployment.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var single map[string]any
	if err := yaml.Unmarshal(raw, &single); err != nil {
		t.Fatal(err)
	}
	args, _ := dig(dep, "spec", "template", "spec", "containers", 0, "args").([]any)
	if !slices.Contains(args, any("--no-metrics.servers")) {
		t.Errorf("fleet Deployment args %v lack --no-metrics.servers", args)
	}
	strip := func(o map[string]any) map[string]any {
		spec := dig(o, "spec", "template", "spec").(map[string]any)
		c := dig(spec, "containers", 0).(map[string]any)
		out := map[string]any{}
		for k, v := range spec {
			if k != "topologySpreadConstraints" && k != "containers" {
				out[k] = v
			}
		}
		for k, v := range c {
			if k != "args" && k != "resources" {
				out["container."+k] = v
			}
		}
		return out
	}
	if a, b := strip(dep), strip(single); !reflect.DeepEqual(a, b) {
		t.Errorf("the fleet Deployment's pod differs from deploy/kubernetes/deployment.yaml's beyond args, resources and spread:\n%v\n%v", a, b)
	}
	if !deployLabelsMatch(toStrings(dig(dep, "spec", "selector", "matchLabels")), toStrings(dig(dep, "spec", "template", "metadata", "labels"))) {
		t.Errorf("fleet Deployment selector does not select its pods")
	}
	var ds deployDeploymentSpec
	var node yaml.Node
	if err := node.Encode(dep["spec"]); err != nil {
		t.Fatal(err)
	}
	if err := node.Decode(&ds); err != nil {
		t.Fatal(err)
	}
	deployCheckK8sConfig(t, ds.Template.Spec.Containers[0], ds.Template.Spec.Volumes, base["ConfigMap"][0], base["Secret"][0])
}

func toStrings(v any) map[string]string {
	m, _ := v.(map[string]any)
	out := map[string]string{}
	for k, s := range m {
		out[k] = fmt.Sprint(s)
	}
	return out
}

// deployCheckFleetServices: one ClusterIP Service with client affinity
// and one headless Service, both on the exporter pods' port.
func deployCheckFleetServices(t *testing.T, services []map[string]any, dep map[string]any) {
	t.Helper()
	pods := toStrings(dig(dep, "spec", "template", "metadata", "labels"))
	for name, headless := range map[string]bool{"vbo365-exporter-fleet": false, "vbo365-exporter-fleet-pods": true} {
		svc := named(services, name)
		if svc == nil {
			t.Errorf("no Service %s", name)
			continue
		}
		if !deployLabelsMatch(toStrings(dig(svc, "spec", "selector")), pods) {
			t.Errorf("Service %s does not select the fleet's pods", name)
		}
		if got := dig(svc, "spec", "clusterIP") == "None"; got != headless {
			t.Errorf("Service %s: headless %v, want %v", name, got, headless)
		}
		if !headless && dig(svc, "spec", "sessionAffinity") != "ClientIP" {
			t.Errorf("Service %s: sessionAffinity %v, want ClientIP (see the comment there)", name, dig(svc, "spec", "sessionAffinity"))
		}
		if dig(svc, "spec", "ports", 0, "port") != 9924 || dig(svc, "spec", "ports", 0, "targetPort") != "http-metrics" {
			t.Errorf("Service %s must serve port 9924 from the container port http-metrics", name)
		}
	}
}

// deployCheckFleetPrometheus runs the init container's script for every
// pod of the StatefulSet, checks each rendered config with promtool and
// compares its probe job with prometheus-fleet.yml's for that shard.
func deployCheckFleetPrometheus(t *testing.T, sts, cm map[string]any) {
	t.Helper()
	replicas, _ := dig(sts, "spec", "replicas").(int)
	init := dig(sts, "spec", "template", "spec", "initContainers", 0)
	env := map[string]string{}
	for _, e := range dig(init, "env").([]any) {
		if v, ok := dig(e, "value").(string); ok {
			env[fmt.Sprint(dig(e, "name"))] = v
		}
	}
	if env["SHARD_COUNT"] != strconv.Itoa(replicas) || replicas < 2 {
		t.Fatalf("StatefulSet replicas %d and SHARD_COUNT %q must be the same number, 2 or more", replicas, env["SHARD_COUNT"])
	}
	script, _ := dig(init, "args", 0).(string)
	sh := deployTool(t, "sh")
	promtool := deployTool(t, "promtool")
	shipped, err := os.ReadFile(deployFleetPromConfig)
	if err != nil {
		t.Fatal(err)
	}
	template := fmt.Sprint(dig(cm, "data", "prometheus.yml"))
	for shard := range replicas {
		root := t.TempDir()
		mounts := map[string]string{} // container path -> local path
		for _, m := range dig(init, "volumeMounts").([]any) {
			mounts[fmt.Sprint(dig(m, "mountPath"))] = filepath.Join(root, fmt.Sprint(dig(m, "name")))
		}
		local := script
		for path, dir := range mounts {
			if err := os.MkdirAll(dir, 0o700); err != nil {
				t.Fatal(err)
			}
			local = strings.ReplaceAll(local, path+"/", dir+"/")
		}
		tmplDir, outDir := mounts["/etc/prometheus-template"], mounts["/etc/prometheus"]
		if tmplDir == "" || outDir == "" {
			t.Fatalf("the init container must mount the template at /etc/prometheus-template and the config at /etc/prometheus, has %v", mounts)
		}
		if err := os.WriteFile(filepath.Join(tmplDir, "prometheus.yml"), []byte(template), 0o600); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(sh, "-c", local)
		cmd.Env = append(os.Environ(), fmt.Sprintf("POD_NAME=vbo365-prometheus-%d", shard), "SHARD_COUNT="+env["SHARD_COUNT"])
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("the init container's script for pod %d: %v\n%s", shard, err, out)
		}
		rendered, err := os.ReadFile(filepath.Join(outDir, "prometheus.yml"))
		if err != nil {
			t.Fatal(err)
		}
		rules, _ := filepath.Abs(filepath.Dir(deployRulesFile))
		checkable := filepath.Join(root, "check.yml")
		if err := os.WriteFile(checkable, []byte(strings.ReplaceAll(string(rendered), "/etc/prometheus-rules/", rules+"/")), 0o600); err != nil {
			t.Fatal(err)
		}
		deployRun(t, promtool, "check", "config", checkable)

		var got map[string]any
		if err := yaml.Unmarshal(rendered, &got); err != nil {
			t.Fatal(err)
		}
		want := e2eFleetShardConfig(t, shipped, shard, replicas, "EXPORTER", nil)
		for _, c := range []map[string]any{got, want} {
			for _, j := range c["scrape_configs"].([]any) {
				e2eFleetPointAt(t, j.(map[string]any), "EXPORTER")
			}
		}
		if a, b := deployProbeJob(got), deployProbeJob(want); !reflect.DeepEqual(a, b) {
			t.Errorf("pod %d: the rendered probe job differs from %s's shard %d:\n%v\n%v", shard, deployFleetPromConfig, shard, a, b)
		}
		if a, b := dig(got, "global", "external_labels"), dig(want, "global", "external_labels"); !reflect.DeepEqual(a, b) {
			t.Errorf("pod %d: external_labels %v, want %v", shard, a, b)
		}
		deployCheckFleetAddresses(t, shard, rendered)
	}
}

// deployCheckFleetAddresses: the rendered config discovers and probes
// through the Service vbo365-exporter-fleet and scrapes each replica's
// /metrics through the headless one.
func deployCheckFleetAddresses(t *testing.T, pod int, rendered []byte) {
	t.Helper()
	var cfg map[string]any
	if err := yaml.Unmarshal(rendered, &cfg); err != nil {
		t.Fatal(err)
	}
	probe := deployProbeJob(cfg)
	if u := dig(probe, "http_sd_configs", 0, "url"); u != "http://vbo365-exporter-fleet:9924/sd" {
		t.Errorf("pod %d: service discovery at %v, want the Service vbo365-exporter-fleet", pod, u)
	}
	found := false
	for _, r := range dig(probe, "relabel_configs").([]any) {
		if dig(r, "target_label") == "__address__" {
			found = dig(r, "replacement") == "vbo365-exporter-fleet:9924"
		}
	}
	if !found {
		t.Errorf("pod %d: the probes do not go to the Service vbo365-exporter-fleet:9924", pod)
	}
	for _, j := range cfg["scrape_configs"].([]any) {
		if dig(j, "job_name") != "vbo365-exporter" {
			continue
		}
		if dig(j, "dns_sd_configs", 0, "names", 0) != "vbo365-exporter-fleet-pods" || dig(j, "dns_sd_configs", 0, "port") != 9924 {
			t.Errorf("pod %d: the vbo365-exporter job must find the replicas through the headless Service vbo365-exporter-fleet-pods, port 9924", pod)
		}
		return
	}
	t.Errorf("pod %d: no vbo365-exporter job for the replicas' own metrics", pod)
}

func deployProbeJob(cfg map[string]any) any {
	for _, j := range cfg["scrape_configs"].([]any) {
		if dig(j, "job_name") == "vbo365" {
			return j
		}
	}
	return nil
}
