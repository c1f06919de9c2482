//go:build linux

package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/vbo365-exporter/vbo365_exporter/tools/internal/harness"
)

// exporterProc is a running exporter and its address.
type exporterProc struct {
	*harness.Process
	base string // http://addr
}

// startExporter starts the exporter with the first n servers of f
// configured, probe-only, and waits until it is ready.
func startExporter(o *options, f *fleet, n int, dir, name string) (*exporterProc, error) {
	configFile := filepath.Join(dir, name+".yml")
	if err := os.WriteFile(configFile, []byte(f.configYAML(n)), 0o600); err != nil {
		return nil, err
	}
	p, addr, err := harness.StartExporter(o.Exporter, configFile, []string{"--no-metrics.servers"}, nil, dir, name)
	if err != nil {
		return nil, err
	}
	return &exporterProc{Process: p, base: "http://" + addr}, nil
}

// sample is one reading of the exporter's resources.
type sample struct {
	at         time.Time
	cpu        float64 // exporter, utime+stime seconds since start
	self       float64 // this harness (the simulators, the probes), seconds
	machine    float64 // every process, seconds of busy CPU since boot
	rss, hwm   int64   // bytes
	heap       float64 // go_memstats_heap_inuse_bytes
	goroutines float64
	fds        int
	series     int     // samples in the exporter's /metrics
	metricsLen int     // bytes of it, uncompressed
	requests   float64 // vbo365_api_requests_total summed
	probes     int     // probes answered so far
}

// takeSample reads /proc and the exporter's own /metrics.
func takeSample(ctx context.Context, p *exporterProc) (sample, error) {
	s := sample{at: time.Now()}
	var err error
	if s.cpu, err = harness.CPU(p.Pid()); err != nil {
		return s, err
	}
	if s.self, err = harness.CPU(os.Getpid()); err != nil {
		return s, err
	}
	s.machine, _ = harness.MachineBusy()
	var hwmErr error
	if s.rss, s.hwm, hwmErr = harness.Memory(p.Pid()); hwmErr != nil {
		return s, hwmErr
	}
	if fds, err := harness.FDs(p.Pid()); err == nil {
		s.fds = fds
	}
	return s, s.readMetrics(ctx, p.base+"/metrics")
}

func (s *sample) readMetrics(ctx context.Context, url string) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	body, err := harness.GetMetrics(ctx, http.DefaultClient, url, 30*time.Second)
	if err != nil {
		return fmt.Errorf("/metrics: %w", err)
	}
	s.metricsLen = len(body)
	for line := range bytes.SplitSeq(body, []byte("\n")) {
		if len(line) > 0 && line[0] != '#' {
			s.series++
		}
	}
	fams, err := harness.ParseMetrics(body)
	if err != nil {
		return err
	}
	s.goroutines = gaugeSum(fams["go_goroutines"])
	s.heap = gaugeSum(fams["go_memstats_heap_inuse_bytes"])
	s.requests = gaugeSum(fams["vbo365_api_requests_total"])
	return nil
}
