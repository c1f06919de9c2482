//go:build linux

package main

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// oldHelp is the shape of an exporter's --help from before the restores
// collector: switches, a collector's own settings, and prose that names a
// flag.
const oldHelp = `usage: vbo365_exporter [<flags>]

Flags:
  -h, --[no-]help                Show context-sensitive help.
      --[no-]collector.jobs      The job list: each job's enabled state,
      --[no-]collector.protection  
                                 Protection figures.
      --[no-]collector.sessions  v6 and later: each job's last finished
                                 --collector.sessions.lookback). Default: on.
      --collector.sessions.lookback=3d  
      --[no-]collector.proxies   v6 and later: each backup proxy's online
      --[no-]collector.proxies.extended-view  
`

// TestCollectorsOff: the flags come from the binary's help, so that an
// exporter without a collector is not handed its flag, and a help text
// without the job list is an error rather than a run with everything on.
func TestCollectorsOff(t *testing.T) {
	dir := t.TempDir()
	script := func(name, help string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(filepath.Join(dir, name+".txt"), []byte(help), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("#!/bin/sh\ncat "+p+".txt\n"), 0o700); err != nil {
			t.Fatal(err)
		}
		return p
	}
	got, err := collectorsOff(script("old", oldHelp), protectionCollectors...)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"--no-collector.sessions", "--no-collector.proxies"}
	if !slices.Equal(got, want) {
		t.Errorf("old exporter: %q, want %q", got, want)
	}
	if got, err := collectorsOff(script("garbled", "usage: vbo365_exporter\n  --collector.jobs\n"), "jobs"); err == nil {
		t.Errorf("help without --[no-]collector.jobs: %q, want an error", got)
	}
}
