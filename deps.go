//go:build tools

// Package main pins the module's dependencies until the code that imports them lands.
package main

import (
	_ "github.com/alecthomas/kingpin/v2"
	_ "github.com/go-json-experiment/json/jsontext"
	_ "github.com/go-kit/log"
	_ "github.com/prometheus/client_golang/prometheus"
	_ "github.com/prometheus/client_golang/prometheus/collectors/version"
	_ "github.com/prometheus/client_golang/prometheus/promhttp"
	_ "github.com/prometheus/client_golang/prometheus/testutil"
	_ "github.com/prometheus/common/config"
	_ "github.com/prometheus/common/version"
	_ "github.com/prometheus/exporter-toolkit/web"
	_ "github.com/prometheus/exporter-toolkit/web/kingpinflag"
	_ "github.com/tjhop/slog-gokit"
	_ "go.uber.org/goleak"
	_ "go.yaml.in/yaml/v3"
	_ "golang.org/x/sync/semaphore"
	_ "golang.org/x/sync/singleflight"
)
