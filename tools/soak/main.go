//go:build linux

// Command soak runs a built vbo365_exporter against an in-process simulator
// that injects random faults, scrapes it at a fixed interval and checks
// every scrape against the simulator's ground truth. It reports the
// exporter's memory, goroutines and open files at the start and at the end,
// so that leaks show as growth, and counts scrapes whose numbers were exact,
// failed correctly (success 0, no counts) or WRONG. Any WRONG scrape is a
// bug; the exit status is then 1.
//
//	make build && cd tools && go run ./soak -exporter ../vbo365_exporter -duration 10m -interval 1s
//	make soak   # the same
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	dto "github.com/prometheus/client_model/go"

	"github.com/vbo365-exporter/vbo365_exporter/simulator"
	"github.com/vbo365-exporter/vbo365_exporter/tools/internal/harness"
)

func main() {
	harness.SetupLog("soak")
	var c harness.Common
	c.Register(flag.CommandLine, false)
	var (
		duration    = flag.Duration("duration", 10*time.Minute, "how long to soak")
		interval    = flag.Duration("interval", time.Second, "time between scrapes")
		scrapeTO    = flag.Duration("scrape-timeout", 10*time.Second, "scrape timeout sent to the exporter, as Prometheus does")
		jobs        = flag.Int("jobs", 4, "backup jobs in the simulator")
		mailboxes   = flag.Int("mailboxes", 20000, "mailboxes in total, spread evenly over the jobs")
		probability = flag.Float64("probability", 0.02, "share of API requests spoiled by a fault")
		seed        = flag.Int64("seed", 1, "seed of the data set and of the fault draws")
		kinds       = flag.String("faults", defaultKinds(), "comma-separated fault kinds to mix in, or \"none\"")
		pageSize    = flag.Int("page-size", 1000, "page_size in the generated config")
	)
	flag.Parse()
	if err := run(config{
		Common: c, duration: *duration, interval: *interval, scrapeTimeout: *scrapeTO,
		jobs: *jobs, mailboxes: *mailboxes, probability: *probability, seed: *seed, kinds: *kinds,
		pageSize: *pageSize,
	}); err != nil {
		log.Fatal(err)
	}
}

// defaultKinds is every fault kind but MutateBetweenPages: it changes the
// truth while a poll runs, so a scrape could not be judged against it; and
// but NullStorm, which spoils v6+ answers only, while the soak serves v1.
func defaultKinds() string {
	var names []string
	for _, k := range simulator.FaultKinds {
		if k != simulator.MutateBetweenPages && k != simulator.NullStorm {
			names = append(names, string(k))
		}
	}
	return strings.Join(names, ",")
}

type config struct {
	harness.Common
	duration, interval, scrapeTimeout time.Duration
	jobs, mailboxes, pageSize         int
	probability                       float64
	seed                              int64
	kinds                             string
}

// faultsFor spreads probability evenly over the kinds, each on the endpoint
// where it makes sense.
func faultsFor(kinds string, probability float64) ([]simulator.Fault, error) {
	if kinds == "none" || kinds == "" || probability <= 0 {
		return nil, nil
	}
	list := strings.Split(kinds, ",")
	p := probability / float64(len(list))
	var out []simulator.Fault
	for _, name := range list {
		k := simulator.FaultKind(strings.TrimSpace(name))
		f := simulator.Fault{Kind: k, Probability: p}
		switch k {
		case simulator.BadTokenResponse:
			f.Endpoint = simulator.EndpointToken
		case simulator.IgnoreOffset, simulator.LoopingNext, simulator.DuplicateIDs, simulator.MutateBetweenPages,
			simulator.OddBooleans, simulator.SlowDrip:
			f.Endpoint = simulator.EndpointMailboxes
		case simulator.HugeBody:
			f.Endpoint, f.Size = simulator.EndpointMailboxes, 8<<20 // twice the generated max_response_bytes
		case simulator.StatusError:
			f.Status = 503
		case simulator.TooManyRequests:
			f.RetryAfter = time.Second
		case simulator.Revoked, simulator.ResetMidBody, simulator.Truncated, simulator.MalformedJSON, simulator.HTMLError:
		default:
			return nil, fmt.Errorf("unknown fault kind %q", name)
		}
		out = append(out, f)
	}
	return out, nil
}

func run(cfg config) error {
	faults, err := faultsFor(cfg.kinds, cfg.probability)
	if err != nil {
		return err
	}
	dir, cleanup, err := harness.TempDir("soak", cfg.Keep)
	if err != nil {
		return err
	}
	defer cleanup()
	if cfg.Exporter == "" {
		cfg.Exporter = filepath.Join(dir, "vbo365_exporter")
		if err := harness.Build(cfg.Exporter, ""); err != nil {
			return err
		}
	}
	sim, apiAddr, stopSim, err := startSimulator(cfg, faults)
	if err != nil {
		return err
	}
	defer stopSim()
	exp, listen, err := startExporter(cfg, dir, apiAddr)
	if err != nil {
		return err
	}
	defer exp.Stop()
	metricsURL := "http://" + listen + "/metrics"
	fmt.Printf("soak: exporter pid %d on %s, simulator on %s: %d jobs, %d mailboxes, %d fault kinds at %.3f of requests, seed %d\n",
		exp.Pid(), listen, apiAddr, cfg.jobs, cfg.mailboxes, len(faults), cfg.probability, cfg.seed)

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	st, startSnap, lastSnap := soak(ctx, cfg, sim, exp.Pid(), metricsURL)
	fmt.Printf("soak: end:   %s\n", lastSnap)
	fmt.Printf("soak: growth: RSS %+d KiB, goroutines %+d, fds %+d\n",
		lastSnap.rssKiB-startSnap.rssKiB, lastSnap.goroutines-startSnap.goroutines, lastSnap.fds-startSnap.fds)
	fmt.Printf("soak: %s\n", st.summary())
	fmt.Printf("soak: API requests: token %d, jobs %d, pages %d\n",
		sim.Requests(simulator.EndpointToken), sim.Requests(simulator.EndpointJobs), sim.Requests(simulator.EndpointMailboxes))
	if exp.Exited() {
		return fmt.Errorf("the exporter exited: %s", exp.LogTail())
	}
	if st.wrongScrapes > 0 {
		return fmt.Errorf("%d scrapes with WRONG numbers", st.wrongScrapes)
	}
	return nil
}

// startSimulator serves the simulator with the soak's data set and faults
// in this process; stop closes it.
func startSimulator(cfg config, faults []simulator.Fault) (sim *simulator.Simulator, addr string, stop func(), err error) {
	per := make([]int, cfg.jobs)
	for i := range per {
		per[i] = cfg.mailboxes / cfg.jobs
		if i < cfg.mailboxes%cfg.jobs {
			per[i]++
		}
	}
	sim = simulator.New(simulator.Options{
		Username: "soak", Password: "soak-password", Jobs: cfg.jobs, MailboxesPerJob: per, Seed: cfg.seed,
		BaseDelay: 2 * time.Millisecond, PerItemDelay: time.Microsecond,
	})
	for _, f := range faults {
		sim.AddFault(f)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, "", nil, err
	}
	srv := &http.Server{Handler: sim, ErrorLog: log.New(io.Discard, "", 0), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }() // ends with ErrServerClosed at the end
	return sim, ln.Addr().String(), func() { srv.Close() }, nil
}

// startExporter starts the exporter reading the simulator at apiAddr; it
// returns the address it listens on.
func startExporter(cfg config, dir, apiAddr string) (*harness.Process, string, error) {
	configFile := filepath.Join(dir, "config.yml")
	yml := fmt.Sprintf(`servers:
  - name: soak
    url: http://%s
    username: soak
    password: soak-password
    request_timeout: 2s
    max_concurrent_requests: 4
    page_size: %d
    max_response_bytes: %d
`, apiAddr, cfg.pageSize, 4<<20)
	if err := os.WriteFile(configFile, []byte(yml), 0o600); err != nil {
		return nil, "", err
	}
	return harness.StartExporter(cfg.Exporter, configFile, nil, nil, dir, "exporter")
}

// soak scrapes every interval until the duration is over or ctx ends,
// judging each scrape against the truth and reporting every minute.
func soak(ctx context.Context, cfg config, sim *simulator.Simulator, pid int, metricsURL string) (st stats, startSnap, lastSnap snapshot) {
	client := &http.Client{Timeout: cfg.scrapeTimeout + 5*time.Second}
	end := time.Now().Add(cfg.duration)
	nextReport := time.Now().Add(time.Minute)
	ticker := time.NewTicker(cfg.interval)
	defer ticker.Stop()
	for first := true; ; first = false {
		mfs, took, err := scrape(client, metricsURL, cfg.scrapeTimeout)
		if err != nil {
			st.scrapeErrors++
			fmt.Printf("soak: scrape failed: %v\n", err)
		} else {
			v := judge(mfs, sim.Truth())
			st.add(v, took)
			for _, w := range v.wrong {
				fmt.Printf("soak: WRONG: %s\n", w)
			}
			lastSnap = takeSnapshot(pid, mfs)
			if first {
				startSnap = lastSnap
				fmt.Printf("soak: start: %s\n", startSnap)
			}
		}
		if time.Now().After(nextReport) {
			nextReport = nextReport.Add(time.Minute)
			fmt.Printf("soak: %s elapsed: %s; %s\n", time.Since(end.Add(-cfg.duration)).Round(time.Second), st.summary(), lastSnap)
		}
		if time.Now().After(end) {
			return st, startSnap, lastSnap
		}
		select {
		case <-ctx.Done():
			fmt.Println("soak: interrupted")
			return st, startSnap, lastSnap
		case <-ticker.C:
		}
	}
}

// scrape gets and parses /metrics; took is what Prometheus would see.
func scrape(client *http.Client, u string, timeout time.Duration) (mfs map[string]*dto.MetricFamily, took time.Duration, err error) {
	start := time.Now()
	body, err := harness.GetMetrics(context.Background(), client, u, timeout)
	if err != nil {
		return nil, 0, err
	}
	mfs, err = harness.ParseMetrics(body)
	return mfs, time.Since(start), err
}

// verdict is one scrape judged against the truth.
type verdict struct {
	exact, failed int      // jobs
	wrong         []string // one line per wrong job
}

// judge compares each job's series with the truth: success 1 must carry
// exactly the true counts, success 0 must carry no counts at all, and no
// job may be missing while the server is up.
func judge(mfs map[string]*dto.MetricFamily, truth []simulator.JobTruth) verdict {
	var v verdict
	up, _ := value(mfs, "vbo365_up", "")
	for _, tr := range truth {
		success, haveSuccess := value(mfs, "vbo365_job_scrape_success", tr.ID)
		count, haveCount := value(mfs, "vbo365_job_mailboxes", tr.ID)
		backed, haveBacked := value(mfs, "vbo365_job_mailboxes_backed_up", tr.ID)
		switch {
		case up != 1:
			if haveCount || haveBacked {
				v.wrong = append(v.wrong, fmt.Sprintf("job %s: counts exported while vbo365_up is %v", tr.ID, up))
			} else {
				v.failed++
			}
		case !haveSuccess:
			v.wrong = append(v.wrong, fmt.Sprintf("job %s: missing while the server is up", tr.ID))
		case success == 0:
			if haveCount || haveBacked {
				v.wrong = append(v.wrong, fmt.Sprintf("job %s: partial counts exported with success 0 (%v/%v)", tr.ID, backed, count))
			} else {
				v.failed++
			}
		case int(count) != tr.Mailboxes || int(backed) != tr.BackedUp || !haveCount || !haveBacked:
			v.wrong = append(v.wrong, fmt.Sprintf("job %s: %v mailboxes, %v backed up; truth %d, %d",
				tr.ID, count, backed, tr.Mailboxes, tr.BackedUp))
		default:
			v.exact++
		}
	}
	return v
}

// value returns the gauge of the series of family name whose job_id is job
// ("" for a series without one).
func value(mfs map[string]*dto.MetricFamily, name, job string) (float64, bool) {
	mf, ok := mfs[name]
	if !ok {
		return 0, false
	}
	for _, m := range mf.GetMetric() {
		id := ""
		for _, lp := range m.GetLabel() {
			if lp.GetName() == "job_id" {
				id = lp.GetValue()
			}
		}
		if strings.EqualFold(id, job) {
			switch {
			case m.GetGauge() != nil:
				return m.GetGauge().GetValue(), true
			case m.GetUntyped() != nil:
				return m.GetUntyped().GetValue(), true
			}
		}
	}
	return 0, false
}

type stats struct {
	scrapes, exactScrapes, failedScrapes, wrongScrapes, scrapeErrors int
	exactJobs, failedJobs, wrongJobs                                 int
	maxScrape                                                        time.Duration
}

func (s *stats) add(v verdict, took time.Duration) {
	s.scrapes++
	s.exactJobs += v.exact
	s.failedJobs += v.failed
	s.wrongJobs += len(v.wrong)
	s.maxScrape = max(s.maxScrape, took)
	switch {
	case len(v.wrong) > 0:
		s.wrongScrapes++
	case v.failed > 0:
		s.failedScrapes++
	default:
		s.exactScrapes++
	}
}

func (s *stats) summary() string {
	pct := func(n int) float64 {
		if s.scrapes == 0 {
			return 0
		}
		return 100 * float64(n) / float64(s.scrapes)
	}
	return fmt.Sprintf("%d scrapes: %.1f%% exact, %.1f%% failed correctly, %.1f%% WRONG (%d); jobs: %d exact, %d failed correctly, %d WRONG; %d scrape errors; slowest scrape %v",
		s.scrapes, pct(s.exactScrapes), pct(s.failedScrapes), pct(s.wrongScrapes), s.wrongScrapes,
		s.exactJobs, s.failedJobs, s.wrongJobs, s.scrapeErrors, s.maxScrape.Round(time.Millisecond))
}

// snapshot is the exporter's resource use at one scrape.
type snapshot struct {
	rssKiB, hwmKiB, goroutines, fds int
}

func (s snapshot) String() string {
	return fmt.Sprintf("RSS %d KiB (peak %d KiB), %d goroutines, %d open fds", s.rssKiB, s.hwmKiB, s.goroutines, s.fds)
}

func takeSnapshot(pid int, mfs map[string]*dto.MetricFamily) snapshot {
	var s snapshot
	if g, ok := value(mfs, "go_goroutines", ""); ok {
		s.goroutines = int(g)
	}
	if rss, hwm, err := harness.Memory(pid); err == nil {
		s.rssKiB, s.hwmKiB = int(rss>>10), int(hwm>>10)
	}
	if fds, err := harness.FDs(pid); err == nil {
		s.fds = fds
	} else if !errors.Is(err, os.ErrNotExist) {
		s.fds = -1
	}
	return s
}
