//go:build !linux

package main

import "syscall"

// e2eSysProcAttr has nothing to add where the parent-death signal does not exist.
func e2eSysProcAttr() *syscall.SysProcAttr { return nil }
