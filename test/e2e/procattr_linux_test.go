package e2e

import "syscall"

// sysProcAttr makes child processes die with the test binary, so that a
// crashed test leaves no exporter or Prometheus behind.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
