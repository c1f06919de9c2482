package main

import (
	"io"
	"log/slog"
	"os"

	"github.com/go-kit/log"
	"github.com/go-kit/log/level"
	sloggokit "github.com/tjhop/slog-gokit"
)

// newLoggers returns the exporter's go-kit logger and, for exporter-toolkit,
// which only takes *slog.Logger, an slog logger that writes through the same
// go-kit output so both share one format, level and stream.
func newLoggers(lvl, format string, out io.Writer) (log.Logger, *slog.Logger) {
	var base log.Logger
	if format == "json" {
		base = log.NewJSONLogger(log.NewSyncWriter(out))
	} else {
		base = log.NewLogfmtLogger(log.NewSyncWriter(out))
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

// logOutput is standard error, or the file --log.file names, opened for
// appending: a Windows service has no console, so its log needs a file.
func logOutput(path string) (io.Writer, func(), error) {
	if path == "" {
		return os.Stderr, func() {}, nil
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o640)
	if err != nil {
		return nil, nil, err
	}
	return f, func() { f.Close() }, nil
}
