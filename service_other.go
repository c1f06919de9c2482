//go:build !windows

package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

// runMain runs the exporter in the foreground until SIGINT or SIGTERM.
func runMain(args []string) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return run(ctx, args)
}
