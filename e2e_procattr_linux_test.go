package main

import "syscall"

// e2eSysProcAttr makes child processes die with the test binary, so that a
// crashed test leaves no exporter or Prometheus behind.
func e2eSysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
