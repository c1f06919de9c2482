//go:build linux

// Command fleetbench measures one vbo365_exporter serving a fleet: it
// starts that many simulated VBO servers in process, each on an address of
// its own in 127.0.0.0/8, starts the exporter (--no-metrics.servers) with
// all of them configured, and probes each server through
// /probe?target=<name> once per interval, spread over the interval as
// Prometheus spreads its targets. Every probe is checked against the
// simulator's truth. It reads the exporter's CPU and memory from /proc and
// its goroutines from its own /metrics, and reports them per configured
// server and over time, so that growth shows; then it probes every server
// at once and reports how long a probe takes while all the others are
// under way.
//
//	go run ./fleetbench                          # 200 servers, every 30s, 10 minutes
//	go run ./fleetbench -servers 20 -duration 1m # a quick look
//	go run ./fleetbench -exporter ../vbo365_exporter -o report.md
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/vbo365-exporter/vbo365_exporter/tools/internal/harness"
)

// options are the command line; see the flag help texts.
type options struct {
	harness.Common
	harness.Latency
	servers            int
	interval, duration time.Duration
	timeout            time.Duration
	sample             time.Duration
	v8Every            int
	jobs, mailboxes    int
	users              int
	bursts             int
	baseline           int
	revision           string // what the exporter was built from, for the report
}

func main() {
	harness.SetupLog("fleetbench")
	var o options
	o.Common.Register(flag.CommandLine, true)
	o.Latency.Register(flag.CommandLine)
	flag.IntVar(&o.servers, "servers", 200, "simulated VBO servers, all configured in the one exporter")
	flag.DurationVar(&o.interval, "interval", 30*time.Second, "time between two probes of a server (Prometheus' scrape_interval)")
	flag.DurationVar(&o.duration, "duration", 10*time.Minute, "how long to probe the fleet before the burst")
	flag.DurationVar(&o.timeout, "timeout", 25*time.Second, "scrape timeout sent with each probe (X-Prometheus-Scrape-Timeout-Seconds)")
	flag.DurationVar(&o.sample, "sample", 30*time.Second, "time between two readings of the exporter's CPU, memory and goroutines")
	flag.IntVar(&o.v8Every, "v8-every", 2, "every n-th server serves REST API v6-v8 with a generated tenant, the others v1; 0 for v1 only, 1 for v8 only")
	flag.IntVar(&o.jobs, "v1.jobs", 4, "backup jobs of a v1 server")
	flag.IntVar(&o.mailboxes, "v1.mailboxes", 1000, "selected mailboxes of a v1 server, spread over its jobs")
	flag.IntVar(&o.users, "v8.users", 200, "users of a v8 server's organization (its jobs are the simulator's default mix)")
	flag.IntVar(&o.bursts, "bursts", 3, "rounds at the end that probe every server at once")
	flag.IntVar(&o.baseline, "baseline", 5, "probes of a one-server exporter first, whose memory and goroutines are subtracted to give the cost per configured server")
	flag.Parse()
	if o.servers < 2 || o.interval <= 0 || o.timeout <= 0 || o.sample <= 0 || o.baseline < 1 {
		log.Fatal("-servers must be at least 2, -baseline at least 1, and -interval, -timeout and -sample positive")
	}
	if err := run(&o); err != nil {
		log.Fatal(err)
	}
}

func run(o *options) error {
	tmp, cleanup, err := harness.TempDir("fleetbench", o.Keep)
	if err != nil {
		return err
	}
	defer cleanup()
	o.revision = revision(o.Exporter == "")
	if o.Exporter == "" {
		o.Exporter = filepath.Join(tmp, "vbo365_exporter")
		if err := harness.Build(o.Exporter, ""); err != nil {
			return err
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	started := time.Now()
	log.Printf("starting %d simulated servers", o.servers)
	fleet, err := startFleet(o)
	if err != nil {
		return err
	}
	defer fleet.close()

	base, err := measureBaseline(ctx, o, fleet, tmp)
	if err != nil {
		return fmt.Errorf("baseline: %w", err)
	}
	res, err := runFleet(ctx, o, fleet, tmp)
	if err != nil {
		return err
	}
	res.baseline = base
	res.wall = time.Since(started)
	if err := harness.WriteReport(renderReport(o, fleet, res), o.Out); err != nil {
		return err
	}
	if res.wrong > 0 {
		return fmt.Errorf("%d probes with WRONG numbers", res.wrong)
	}
	return nil
}

// commandLine is how this run was started, for the report.
func commandLine() string {
	args := []string{"go run ./fleetbench"}
	for _, a := range os.Args[1:] {
		if strings.ContainsAny(a, " \t'\"") {
			a = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
		args = append(args, a)
	}
	return strings.Join(args, " ")
}
