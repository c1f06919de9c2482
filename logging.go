package main

import (
	"log/slog"
	"os"

	"github.com/go-kit/log"
	"github.com/go-kit/log/level"
	sloggokit "github.com/tjhop/slog-gokit"
)

// newLoggers returns the exporter's go-kit logger and, for exporter-toolkit,
// which only takes *slog.Logger, an slog logger that writes through the same
// go-kit output so both share one format, level and stream.
func newLoggers(lvl, format string) (log.Logger, *slog.Logger) {
	var base log.Logger
	if format == "json" {
		base = log.NewJSONLogger(log.NewSyncWriter(os.Stderr))
	} else {
		base = log.NewLogfmtLogger(log.NewSyncWriter(os.Stderr))
	}
	base = level.NewFilter(base, level.Allow(level.ParseDefault(lvl, level.InfoValue())))

	var slogLevel slog.LevelVar
	switch lvl {
	case "debug":
		slogLevel.Set(slog.LevelDebug)
	case "warn":
		slogLevel.Set(slog.LevelWarn)
	case "error":
		slogLevel.Set(slog.LevelError)
	}
	// The handler adds its own time and caller keys, so it gets the bare logger.
	slogger := slog.New(sloggokit.NewGoKitHandler(base, &slogLevel))
	return log.With(base, "ts", log.DefaultTimestampUTC, "caller", log.DefaultCaller), slogger
}
