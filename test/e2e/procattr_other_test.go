//go:build !linux

package e2e

import "syscall"

// sysProcAttr has nothing to add where the parent-death signal does not exist.
func sysProcAttr() *syscall.SysProcAttr { return nil }
