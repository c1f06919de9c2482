//go:build linux

package main

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"runtime/pprof"
	"slices"
	"sync"
	"syscall"
	"time"

	kitlog "github.com/go-kit/log"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/vbo365-exporter/vbo365_exporter/collector"
	"github.com/vbo365-exporter/vbo365_exporter/config"
	"github.com/vbo365-exporter/vbo365_exporter/vboapi"
)

// profileResult is the in-process run: the exporter's packages wired as in
// main.go, the simulator still a separate process, so the profiles hold the
// exporter's work only.
type profileResult struct {
	sc               scenario
	wallMedian       time.Duration
	cpuPerMailbox    float64 // seconds, getrusage over the measured scrapes, per mailbox (v1) or per user (v8)
	peakHeapObjects  uint64  // live+unswept heap objects, sampled
	peakRuntimeTotal uint64  // all memory the Go runtime mapped, sampled
	cpuPath, memPath string
	cpuTop, allocTop string
	inuseTop         string
}

// runProfile scrapes an in-process exporter under the CPU profiler and
// writes both profiles.
func runProfile(o *options, tmp string) (*profileResult, error) {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(25) // as main.go does
	}
	sc, err := profileScenario(o)
	if err != nil {
		return nil, err
	}
	check, perUnit, err := profileCheck(sc)
	if err != nil {
		return nil, err
	}
	// Finer than the default 512 KiB, so per-page buffers show up; set
	// before the exporter allocates anything.
	runtime.MemProfileRate = 64 << 10
	sc.name = "profile-" + sc.name
	log.Printf("profile: %s in process", sc.name)
	sim, err := startSimulator(o, sc, filepath.Join(tmp, sc.name))
	if err != nil {
		return nil, err
	}
	defer sim.Stop()
	scrapeOnce, closeExporter, err := inProcessExporter(sc, sim.configFile, check)
	if err != nil {
		return nil, err
	}
	defer closeExporter()
	if err := scrapeOnce(); err != nil { // token and connections
		return nil, err
	}
	res := &profileResult{sc: sc, cpuPath: filepath.Join(o.profileDir, "cpu.pprof"), memPath: filepath.Join(o.profileDir, "mem.pprof")}
	if err := os.MkdirAll(o.profileDir, 0o755); err != nil {
		return nil, err
	}
	if err := res.measure(o.runs, perUnit, scrapeOnce); err != nil {
		return nil, err
	}
	memFile, err := os.Create(res.memPath)
	if err != nil {
		return nil, err
	}
	defer memFile.Close()
	if err := pprof.Lookup("allocs").WriteTo(memFile, 0); err != nil {
		return nil, err
	}
	res.cpuTop = pprofTop("-top", "-nodecount=25", res.cpuPath)
	res.allocTop = pprofTop("-top", "-sample_index=alloc_space", "-nodecount=25", res.memPath)
	res.inuseTop = pprofTop("-top", "-sample_index=inuse_space", "-nodecount=10", res.memPath)
	return res, nil
}

// profileScenario is -profile.scenario, by default the v1 1M one (100k
// with -quick).
func profileScenario(o *options) (scenario, error) {
	name := o.profileScenario
	if name == "" {
		name = "1M-L1000-C8"
		if o.quick {
			name = "100k-L1000-C8"
		}
	}
	all := append(v1Scenarios(&options{tls: true}), v8Scenarios(&options{})...)
	if i := slices.IndexFunc(all, func(s scenario) bool { return s.name == name }); i >= 0 {
		return all[i], nil
	}
	return scenario{}, fmt.Errorf("-profile.scenario: no scenario %q", name)
}

// profileCheck is what tells a complete and exact scrape of sc, and the
// unit of its per-unit CPU: mailboxes (v1) or users of the organizations
// (v8).
func profileCheck(sc scenario) (check func(exposition) error, perUnit int, err error) {
	if sc.v8 == nil {
		return func(m exposition) error { return checkExposition(m, sc.total()) }, sc.total(), nil
	}
	// Not sampled: the allocation profile is the exporter's.
	runtime.MemProfileRate = 0
	model, err := buildV8Model(*sc.v8, sc.pageSize)
	if err != nil {
		return nil, 0, err
	}
	collectGarbage()
	return func(m exposition) error { return checkV8(m, model) }, model.orgUsers, nil
}

// inProcessExporter wires the exporter's packages as main.go does and
// returns a scrape of it, checked, through the same handler shape as the
// binary's metricsHandler.
func inProcessExporter(sc scenario, configFile string, check func(exposition) error) (scrapeOnce func() error, closeExporter func(), err error) {
	cfg, err := config.Load(configFile)
	if err != nil {
		return nil, nil, err
	}
	own := prometheus.NewRegistry()
	own.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	var opts []collector.Option
	if sc.v8 != nil {
		opts = append(opts, collector.WithCollectors(collector.DefaultCollectors().Only(protectionCollectors...)))
	}
	exporter := collector.New(kitlog.NewNopLogger(), vboapi.NewMetrics(own), "vbo365_exporter/bench", opts...)
	if err := exporter.ApplyConfig(cfg); err != nil {
		exporter.Close()
		return nil, nil, err
	}
	scrapeOnce = func() error {
		ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
		defer cancel()
		reg := prometheus.NewRegistry()
		reg.MustRegister(exporter.Collector(ctx))
		h := promhttp.HandlerFor(prometheus.Gatherers{own, reg}, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError})
		req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
		req.Header.Set("Accept", "text/plain")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return check(parseExposition(rec.Body.Bytes()))
	}
	return scrapeOnce, exporter.Close, nil
}

// measure scrapes runs times under the CPU profiler, sampling the
// runtime's memory meanwhile.
func (res *profileResult) measure(runs, perUnit int, scrapeOnce func() error) error {
	cpuFile, err := os.Create(res.cpuPath)
	if err != nil {
		return err
	}
	defer cpuFile.Close()
	stopSampling := sampleMemory(res)
	runtime.GC()
	if err := pprof.StartCPUProfile(cpuFile); err != nil {
		stopSampling()
		return err
	}
	before := rusageCPU()
	var walls []time.Duration
	for i := range runs {
		start := time.Now()
		if err := scrapeOnce(); err != nil {
			pprof.StopCPUProfile()
			stopSampling()
			return err
		}
		walls = append(walls, time.Since(start))
		log.Printf("  profile scrape %d: %.3fs", i+1, walls[i].Seconds())
	}
	after := rusageCPU()
	pprof.StopCPUProfile()
	stopSampling()
	res.wallMedian = median(walls)
	res.cpuPerMailbox = (after - before) / float64(perUnit*runs)
	return nil
}

// sampleMemory polls runtime/metrics (which, unlike ReadMemStats, does not
// stop the world) for the peaks of a run; the returned func stops it.
func sampleMemory(res *profileResult) func() {
	samples := []metrics.Sample{
		{Name: "/memory/classes/heap/objects:bytes"},
		{Name: "/memory/classes/total:bytes"},
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(samples)
			res.peakHeapObjects = max(res.peakHeapObjects, samples[0].Value.Uint64())
			res.peakRuntimeTotal = max(res.peakRuntimeTotal, samples[1].Value.Uint64())
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	})
	return func() { close(done); wg.Wait() }
}

func rusageCPU() float64 {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}

func pprofTop(args ...string) string {
	out, err := exec.Command("go", append([]string{"tool", "pprof"}, args...)...).CombinedOutput()
	if err != nil {
		return fmt.Sprintf("go tool pprof failed: %v\n%s", err, out)
	}
	return string(out)
}
