//go:build linux

package harness

import (
	"github.com/prometheus/procfs"
)

// CPU is the user and system time of pid in seconds: the source of the
// Prometheus process collector's process_cpu_seconds_total, read without a
// scrape, so that a reading costs the measured process nothing.
func CPU(pid int) (float64, error) {
	p, err := procfs.NewProc(pid)
	if err != nil {
		return 0, err
	}
	st, err := p.Stat()
	if err != nil {
		return 0, err
	}
	return st.CPUTime(), nil
}

// Memory is the resident set of pid and its peak (VmRSS and VmHWM), in
// bytes. The peak is what a scenario is judged by: the resident set after a
// poll may already have shrunk.
func Memory(pid int) (rss, peak int64, err error) {
	p, err := procfs.NewProc(pid)
	if err != nil {
		return 0, 0, err
	}
	st, err := p.NewStatus()
	if err != nil {
		return 0, 0, err
	}
	return int64(st.VmRSS), int64(st.VmHWM), nil
}

// FDs is the number of files pid holds open: a leak of connections shows
// here first.
func FDs(pid int) (int, error) {
	p, err := procfs.NewProc(pid)
	if err != nil {
		return 0, err
	}
	return p.FileDescriptorsLen()
}

// MachineBusy is the CPU time all processors spent neither idle nor
// waiting for I/O since boot, in seconds, steal included (a shared host's
// other guests take it); guest time is already in user time. Set against
// the measured processes' own time it tells how much the rest of a shared
// machine disturbed a run.
func MachineBusy() (float64, error) {
	fs, err := procfs.NewDefaultFS()
	if err != nil {
		return 0, err
	}
	st, err := fs.Stat()
	if err != nil {
		return 0, err
	}
	c := st.CPUTotal
	return c.User + c.Nice + c.System + c.IRQ + c.SoftIRQ + c.Steal, nil
}
