//go:build linux

package main

import (
	"fmt"
	"log"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/vbo365-exporter/vbo365_exporter/tools/internal/harness"
)

// v8Scenarios are the REST API v8 scenarios: the exporter builds each
// job's scope from its items, the organization's users and the groups'
// members, and reads each repository's user data.
//
// The -wl- scenarios are the same mix on the workload tenant
// (--tenant.workloads): one site per 20 users and one team per 50
// (BENCHMARKS.md, "v8: every workload"), three more jobs that select
// sites, teams and users' other workloads, and the repositories' site and
// team data. Each size runs twice: -wl-mailbox with `workloads: []`, the
// mailbox computation alone, and -wl-all with every workload, so that the
// report can set one against the other. Every other v8 scenario sets
// `workloads: []` too: its figures are the mailbox computation's.
func v8Scenarios(o *options) []scenario {
	mix := func(users int) *v8Spec { return &v8Spec{orgs: 1, users: users, groupJobs: 20, userJobs: 50} }
	list := []scenario{
		{name: "v8-10k", v8: mix(10_000), pageSize: 1000, concurrency: 8},
		{name: "v8-100k", v8: mix(100_000), pageSize: 1000, concurrency: 8},
	}
	// Issue #21's tenant: groups of about one page of members, where a
	// read-ahead that guesses wide on an unseen list asks for empty pages.
	g1000 := mix(100_000)
	g1000.groupSize, g1000.usersPerJob = 1000, 20
	list = append(list, scenario{name: "v8-100k-g1000", v8: g1000, pageSize: 1000, concurrency: 8})
	for _, users := range []int{10_000, 100_000} {
		size := fmt.Sprintf("v8-%dk-wl", users/1000)
		mailbox, all := mix(users), mix(users)
		for _, v := range []*v8Spec{mailbox, all} {
			v.sites, v.teams = users/20, users/50
		}
		mailbox.growthBase, all.growthBase = "v8-10k-wl-mailbox", "v8-10k-wl-all"
		all.workloads, all.pair = workloadNames, size+"-mailbox"
		list = append(list,
			scenario{name: size + "-mailbox", v8: mailbox, pageSize: 1000, concurrency: 8},
			scenario{name: size + "-all", v8: all, pageSize: 1000, concurrency: 8})
	}
	if !o.quick {
		list = append(list,
			scenario{name: "v8-4x250k", v8: &v8Spec{orgs: 4, users: 250_000}, pageSize: 1000, concurrency: 8},
			scenario{name: "v8-1M", v8: mix(1_000_000), pageSize: 1000, concurrency: 8})
	}
	return list
}

// v8Result is one run of a v8 scenario: a cold scrape (a fresh exporter:
// token, no list lengths from an earlier poll), then o.runs warm ones.
type v8Result struct {
	sc    scenario
	model *v8Model

	coldWall  time.Duration
	walls     []time.Duration // warm scrapes
	coldCPU   float64         // exporter, seconds, /proc
	cpus      []float64       // exporter, seconds per warm scrape, /proc
	simCPUs   []float64       // simulator, seconds per warm scrape
	cpuMetric float64         // exporter, seconds per warm scrape from process_cpu_seconds_total
	hwm, rss  int64
	floor     float64 // CPU seconds per round of the HTTP floor
	floorWall float64 // wall seconds of that round: the needed requests with no dependencies and no decoding
	// others is the CPU that processes other than the exporter, the
	// simulator and the harness used during the warm scrapes, per scrape:
	// how much the shared machine was disturbed.
	others []float64

	// Requests by endpoint per scrape, cold first: the exporter's counter
	// and the simulator's log.
	counter []map[string]int
	simLog  []map[string]int
	errors  []string // non-200 answers, from the counter's code label
}

func (r *v8Result) wallMedian() time.Duration { return median(r.walls) }
func (r *v8Result) cpuMedian() float64        { return medianF(r.cpus) }

// users is the organizations' users, the unit of the per-user figures.
func (r *v8Result) users() int { return r.model.orgUsers }

func runV8Scenario(o *options, sc scenario, dir string) (*v8Result, error) {
	log.Printf("  reading the tenant's list sizes in process")
	model, err := buildV8Model(*sc.v8, sc.pageSize)
	if err != nil {
		return nil, err
	}
	// The in-process simulator is garbage now; collect it before the
	// processes start, so the harness does not compete with them for it.
	collectGarbage()
	log.Printf("  %d needed requests per warm refresh, %d mailboxes in the jobs' scopes", len(model.needs), model.scopeSum)

	sim, exp, metricsURL, err := startPair(o, sc, dir)
	if err != nil {
		return nil, err
	}
	defer sim.Stop()
	defer exp.Stop()

	r := &v8Result{sc: sc, model: model}
	var prev, coldResp, lastWarm exposition
	for i := 0; i <= o.runs; i++ {
		sim.Settle()
		logAt := sim.LogSize()
		cpu0, err := harness.CPU(exp.Pid())
		if err != nil {
			return nil, err
		}
		simCPU0, err := harness.CPU(sim.Pid())
		if err != nil {
			return nil, err
		}
		busy0, self0 := machineBusy(), rusageCPU()
		wall, m, err := scrapeV8(metricsURL, model)
		if err != nil {
			return nil, fmt.Errorf("scrape %d: %w (the exporter's last error: %s)", i+1, err, exp.LastError())
		}
		cpu1, _ := harness.CPU(exp.Pid())
		simCPU1, _ := harness.CPU(sim.Pid())
		others := machineBusy() - busy0 - (rusageCPU() - self0) - (cpu1 - cpu0) - (simCPU1 - simCPU0)
		sim.Settle()
		counts, err := sim.RequestsByEndpoint(logAt)
		if err != nil {
			return nil, err
		}
		r.simLog = append(r.simLog, counts)
		// The exporter gathers its own registry after the poll (web/metrics.go),
		// so this response holds the counters as of the end of this scrape.
		r.counter = append(r.counter, counterDelta(m, prev, &r.errors))
		prev = m
		if i == 0 {
			coldResp = m
			r.coldWall, r.coldCPU = wall, cpu1-cpu0
			log.Printf("  scrape 1 (cold): %.3fs, exporter CPU %.2fs", wall.Seconds(), cpu1-cpu0)
			continue
		}
		lastWarm = m
		r.walls = append(r.walls, wall)
		r.cpus = append(r.cpus, cpu1-cpu0)
		r.simCPUs = append(r.simCPUs, simCPU1-simCPU0)
		r.others = append(r.others, max(others, 0))
		log.Printf("  scrape %d: %.3fs, exporter CPU %.2fs, simulator %.2fs, other processes %.2fs", i+1, wall.Seconds(), cpu1-cpu0, simCPU1-simCPU0, others)
	}
	// Each response holds the CPU as of the end of its own scrape.
	r.cpuMetric = (lastWarm.sum("process_cpu_seconds_total") - coldResp.sum("process_cpu_seconds_total")) / float64(o.runs)
	r.rss = int64(lastWarm.sum("process_resident_memory_bytes"))
	if r.hwm, err = peak(exp.Pid()); err != nil {
		return nil, err
	}
	exp.Stop() // the floor runs alone with the simulator
	if r.floor, r.floorWall, err = v8Floor(sc, sim.url, model, min(o.runs, 3)); err != nil {
		return nil, err
	}
	return r, nil
}

// scrapeV8 scrapes and checks every job's figures against the simulator's
// truth: a fast but wrong scrape is no result.
func scrapeV8(url string, model *v8Model) (time.Duration, exposition, error) {
	wall, m, err := scrape(url, model.scopeSum)
	if err != nil {
		return 0, nil, err
	}
	if err := checkV8(m, model); err != nil {
		return 0, nil, err
	}
	return wall, m, nil
}

// checkV8 is checkExposition plus each job's counts against the truth.
func checkV8(m exposition, model *v8Model) error {
	if err := checkExposition(m, model.scopeSum); err != nil {
		return err
	}
	byJob := func(name string) map[string]float64 {
		out := map[string]float64{}
		for _, s := range m[name] {
			out[strings.ToLower(label(s.labels, "job_id"))] = s.value
		}
		return out
	}
	boxes, backed := byJob("vbo365_job_mailboxes"), byJob("vbo365_job_mailboxes_backed_up")
	for _, t := range model.truth {
		id := strings.ToLower(t.JobID)
		if int(boxes[id]) != t.Mailboxes || int(backed[id]) != t.BackedUp {
			return fmt.Errorf("job %q: %v mailboxes, %v backed up; the simulator's truth is %d, %d",
				t.JobName, boxes[id], backed[id], t.Mailboxes, t.BackedUp)
		}
	}
	return checkWorkloads(m, model)
}

// checkWorkloads checks each job's figures of each workload of the
// exporter's setting against the simulator's WorkloadTruth, and that no
// other workload has any: with `workloads: []` there is no
// vbo365_job_objects series at all.
func checkWorkloads(m exposition, model *v8Model) error {
	type key struct{ job, workload string }
	byKey := func(name string) map[key]float64 {
		out := map[key]float64{}
		for _, s := range m[name] {
			out[key{strings.ToLower(label(s.labels, "job_id")), label(s.labels, "workload")}] = s.value
		}
		return out
	}
	ok, objects := byKey("vbo365_job_workload_scrape_success"), byKey("vbo365_job_objects")
	backed, unresolved := byKey("vbo365_job_objects_backed_up"), byKey("vbo365_job_objects_unresolved")
	if len(objects) != len(model.workloadTruth) || len(ok) != len(model.workloadTruth) {
		return fmt.Errorf("%d vbo365_job_objects and %d vbo365_job_workload_scrape_success series; want %d (%d jobs × workloads %s)",
			len(objects), len(ok), len(model.workloadTruth), len(model.truth), model.spec.workloadsText())
	}
	for _, t := range model.workloadTruth {
		k := key{strings.ToLower(t.JobID), t.Workload}
		if ok[k] != 1 {
			return fmt.Errorf("job %q, workload %s: vbo365_job_workload_scrape_success %v", t.JobName, t.Workload, ok[k])
		}
		if int(objects[k]) != t.InScope || int(backed[k]) != t.BackedUp || int(unresolved[k]) != t.Unresolved {
			return fmt.Errorf("job %q, workload %s: %v objects, %v backed up, %v unresolved; the simulator's truth is %d, %d, %d",
				t.JobName, t.Workload, objects[k], backed[k], unresolved[k], t.InScope, t.BackedUp, t.Unresolved)
		}
	}
	return nil
}

// label reads one label's value from a "{a="x",b="y"}" string; values
// with escaped quotes are not supported (the harness's ids have none).
func label(labels, name string) string {
	_, rest, ok := strings.Cut(labels, name+`="`)
	if !ok {
		return ""
	}
	v, _, _ := strings.Cut(rest, `"`)
	return v
}

// counterDelta is vbo365_api_requests_total by endpoint between two
// responses; answers other than 200 are noted in errs.
func counterDelta(now, before exposition, errs *[]string) map[string]int {
	key := func(s series) (string, string) { return label(s.labels, "endpoint"), label(s.labels, "code") }
	old := map[[2]string]float64{}
	for _, s := range before["vbo365_api_requests_total"] {
		e, c := key(s)
		old[[2]string{e, c}] = s.value
	}
	out := map[string]int{}
	for _, s := range now["vbo365_api_requests_total"] {
		e, c := key(s)
		d := int(s.value - old[[2]string{e, c}])
		if d == 0 {
			continue
		}
		out[e] += d
		if c != "200" {
			*errs = append(*errs, fmt.Sprintf("%d × %s %s", d, c, e))
		}
	}
	return out
}

func medianF(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// v8Dir is where one repetition of a scenario keeps its files.
func v8Dir(tmp string, sc scenario, rep int) string {
	return filepath.Join(tmp, fmt.Sprintf("%s-run%d", sc.name, rep+1))
}

// collectGarbage returns the harness's garbage to the system.
func collectGarbage() {
	runtime.GC()
	debug.FreeOSMemory()
}

// machineBusy is harness.MachineBusy, 0 when /proc/stat cannot be read:
// the disturbance it measures is a remark in the report, not a result.
func machineBusy() float64 {
	b, _ := harness.MachineBusy()
	return b
}
