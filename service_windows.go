//go:build windows

package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"

	"golang.org/x/sys/windows/svc"
)

// runMain runs the exporter as a Windows service when the service control
// manager started it, and in the foreground otherwise, so one binary serves
// both `sc.exe create ... binPath= "...exe --config.file=..."` and a console.
func runMain(args []string) int {
	isService, err := svc.IsWindowsService()
	if err != nil {
		fmt.Fprintf(os.Stderr, "cannot tell whether this is a Windows service: %v\n", err)
		return 1
	}
	if !isService {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
		defer stop()
		return run(ctx, args)
	}
	s := &service{args: args}
	if err := svc.Run(exporterName, s); err != nil {
		return 1
	}
	return s.code
}

// service adapts run to the service control manager's protocol.
type service struct {
	args []string
	code int
}

// Execute implements svc.Handler.
func (s *service) Execute(_ []string, requests <-chan svc.ChangeRequest, status chan<- svc.Status) (bool, uint32) {
	status <- svc.Status{State: svc.StartPending}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan int, 1)
	go func() { done <- run(ctx, s.args) }()
	status <- svc.Status{State: svc.Running, Accepts: svc.AcceptStop | svc.AcceptShutdown}
	for {
		select {
		case s.code = <-done:
			status <- svc.Status{State: svc.Stopped}
			return false, uint32(s.code)
		case req := <-requests:
			switch req.Cmd {
			case svc.Interrogate:
				status <- req.CurrentStatus
			case svc.Stop, svc.Shutdown:
				status <- svc.Status{State: svc.StopPending}
				cancel()
			}
		}
	}
}
