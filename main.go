// Command vbo365_exporter exports the backup state of Veeam Backup for
// Microsoft 365 jobs, read from its REST API, as Prometheus metrics.
package main

import (
	"context"
	"errors"
	"net/http"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
	"time"

	"github.com/alecthomas/kingpin/v2"
	"github.com/go-kit/log"
	"github.com/go-kit/log/level"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	versioncollector "github.com/prometheus/client_golang/prometheus/collectors/version"
	"github.com/prometheus/common/version"
	toolkit "github.com/prometheus/exporter-toolkit/web"
	"github.com/prometheus/exporter-toolkit/web/kingpinflag"

	"github.com/vbo365-exporter/vbo365_exporter/collector"
	"github.com/vbo365-exporter/vbo365_exporter/config"
	"github.com/vbo365-exporter/vbo365_exporter/vboapi"
	"github.com/vbo365-exporter/vbo365_exporter/web"
)

const exporterName = "vbo365_exporter"

// defaultListenAddress is inside Prometheus' exporter port range; see the
// README for why this port.
const defaultListenAddress = ":9924"

func main() {
	if os.Getenv("GOGC") == "" {
		// Most of the live heap during a poll is the de-duplication sets,
		// which hold no pointers, so collecting more often costs little CPU
		// and keeps RSS near the live heap instead of twice it (measured in
		// BENCHMARKS.md). GOGC in the environment still wins.
		debug.SetGCPercent(25)
	}
	os.Exit(runMain(os.Args[1:]))
}

// run is the exporter until ctx ends (a signal, or the Windows service
// manager asking it to stop); it returns the process exit code.
func run(ctx context.Context, args []string) int {
	app := kingpin.New(exporterName, "Prometheus exporter for Veeam Backup for Microsoft 365 (VBO365) backup jobs.")
	var (
		configFile    = app.Flag("config.file", "Path to the configuration file.").Default("config.yml").String()
		metricsPath   = app.Flag("web.telemetry-path", "Path under which to expose metrics.").Default("/metrics").String()
		timeoutOffset = app.Flag("scrape.timeout-offset", "Time subtracted from Prometheus' scrape timeout (X-Prometheus-Scrape-Timeout-Seconds) so that the response is sent before Prometheus gives up.").Default("0.5s").Duration()
		defaultTO     = app.Flag("scrape.default-timeout", "Deadline of a scrape that carries no X-Prometheus-Scrape-Timeout-Seconds header (curl, other scrapers).").Default("60s").Duration()
		metricsAll    = app.Flag("metrics.servers", "Poll every configured server when the telemetry path is scraped. --no-metrics.servers leaves only the exporter's own metrics there, for deployments that scrape each server through /probe?target=<name>.").Default("true").Bool()
		logLevel      = app.Flag("log.level", "Only log messages with the given severity or above.").Default("info").Enum("debug", "info", "warn", "error")
		logFormat     = app.Flag("log.format", "Output format of log messages.").Default("logfmt").Enum("logfmt", "json")
		logFile       = app.Flag("log.file", "Append log messages to this file instead of standard error (for the Windows service, which has no console).").String()
		toolkitFlags  = kingpinflag.AddFlags(app, defaultListenAddress)
		collectorSet  = collector.RegisterFlags(app)
	)
	app.Version(version.Print(exporterName))
	app.HelpFlag.Short('h')
	app.UsageWriter(os.Stdout)
	if _, err := app.Parse(args); err != nil {
		app.Usage(args)
		os.Stderr.WriteString(err.Error() + "\n")
		return 2
	}

	out, closeLog, err := logOutput(*logFile)
	if err != nil {
		os.Stderr.WriteString("cannot open the log file: " + err.Error() + "\n")
		return 1
	}
	defer closeLog()
	logger, slogger := newLoggers(*logLevel, *logFormat, out)
	level.Info(logger).Log("msg", "starting "+exporterName, "version", version.Info())
	level.Info(logger).Log("msg", "build context", "build_context", version.BuildContext())

	registry := prometheus.NewRegistry()
	registry.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		versioncollector.NewCollector(exporterName),
	)
	exporter := collector.New(logger, vboapi.NewMetrics(registry), "vbo365_exporter/"+version.Version, collector.WithCollectors(*collectorSet))
	defer exporter.Close()
	safeConfig := config.NewSafeConfig(registry)
	if err := safeConfig.Reload(*configFile, exporter.ApplyConfig); err != nil {
		level.Error(logger).Log("msg", "cannot load the configuration", "err", err)
		return 1
	}
	level.Info(logger).Log("msg", "loaded the configuration", "file", *configFile, "servers", len(safeConfig.Get().Servers))

	reloadRequests := make(chan chan error)
	handler, err := web.New(web.Options{Exporter: exporter, Own: registry, Config: safeConfig.Get, Logger: logger,
		MetricsPath: *metricsPath, Servers: *metricsAll, TimeoutOffset: *timeoutOffset, DefaultTimeout: *defaultTO,
		Reloads: reloadRequests})
	if err != nil {
		level.Error(logger).Log("msg", "cannot build the HTTP endpoints", "err", err)
		if errors.Is(err, web.ErrPathTaken) {
			return 2
		}
		return 1
	}
	go reloadLoop(ctx, logger, *configFile, safeConfig, exporter, reloadRequests)

	server := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second}
	return serve(ctx, logger, server, func() error { return toolkit.ListenAndServe(server, toolkitFlags, slogger) })
}

// serve runs listen, which serves server, until it fails or ctx ends; the
// connections open then get a few seconds to finish. It returns the exit
// code.
func serve(ctx context.Context, logger log.Logger, server *http.Server, listen func() error) int {
	serveErr := make(chan error, 1)
	go func() { serveErr <- listen() }()
	select {
	case err := <-serveErr:
		level.Error(logger).Log("msg", "cannot serve HTTP", "err", err)
		return 1
	case <-ctx.Done():
		level.Info(logger).Log("msg", "shutting down")
		shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := server.Shutdown(shutdownCtx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
			level.Warn(logger).Log("msg", "shutdown", "err", err)
		}
		return 0
	}
}

// reloadLoop serialises reloads from SIGHUP and from /-/reload.
func reloadLoop(ctx context.Context, logger log.Logger, file string, sc *config.SafeConfig, exporter *collector.Exporter, requests <-chan chan error) {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	reload := func() error {
		err := sc.Reload(file, exporter.ApplyConfig)
		if err != nil {
			level.Error(logger).Log("msg", "reload failed; keeping the running configuration", "file", file, "err", err)
		} else {
			level.Info(logger).Log("msg", "reloaded the configuration", "file", file, "servers", len(sc.Get().Servers))
		}
		return err
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-hup:
			_ = reload()
		case done := <-requests:
			done <- reload()
		}
	}
}
