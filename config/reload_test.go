package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

const reloadConfig = "servers:\n  - name: a\n    url: https://h:4443\n    username: u\n    password_file: pw\n"

func setupReload(t *testing.T) (dir, path string) {
	t.Helper()
	dir = t.TempDir()
	writePassword(t, dir, "file-s3cret\n")
	return dir, writeConfig(t, dir, reloadConfig)
}

func writePassword(t *testing.T, dir, pw string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, "pw"), []byte(pw), 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestReload(t *testing.T) {
	dir, path := setupReload(t)
	reg := prometheus.NewRegistry()
	sc := NewSafeConfig(reg)
	if sc.Get() != nil {
		t.Fatal("config before the first reload")
	}

	before := float64(time.Now().Unix())
	if err := sc.Reload(path); err != nil {
		t.Fatal(err)
	}
	good := sc.Get()
	if good == nil || good.Servers[0].PasswordValue() != "file-s3cret" {
		t.Fatalf("after a good reload got %+v", good)
	}
	ts := testutil.ToFloat64(sc.lastOK)
	if ts < before || ts > float64(time.Now().Unix()+1) {
		t.Errorf("success timestamp %v not around now", ts)
	}
	expect := `
# HELP vbo365_exporter_config_last_reload_successful Whether the last configuration reload attempt was successful (1) or not (0).
# TYPE vbo365_exporter_config_last_reload_successful gauge
vbo365_exporter_config_last_reload_successful 1
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(expect), "vbo365_exporter_config_last_reload_successful"); err != nil {
		t.Error(err)
	}

	writeConfig(t, dir, reloadConfig+"    page_size: 0\n")
	err := sc.Reload(path)
	if err == nil || !strings.Contains(err.Error(), "config.yml:6: servers[0].page_size:") {
		t.Fatalf("bad reload returned %v", err)
	}
	if sc.Get() != good {
		t.Error("bad reload replaced the config")
	}
	if v := testutil.ToFloat64(sc.successful); v != 0 {
		t.Errorf("successful = %v after a bad reload, want 0", v)
	}
	if v := testutil.ToFloat64(sc.lastOK); v != ts {
		t.Errorf("timestamp moved to %v on a bad reload", v)
	}

	// Unchanged file: new config, but servers compare Equal so clients stay.
	writeConfig(t, dir, reloadConfig)
	if err := sc.Reload(path); err != nil {
		t.Fatal(err)
	}
	same := sc.Get()
	if same == good || !same.Servers[0].Equal(&good.Servers[0]) {
		t.Error("unchanged reload: want a new, Equal config")
	}
	if v := testutil.ToFloat64(sc.successful); v != 1 {
		t.Errorf("successful = %v after a good reload, want 1", v)
	}

	// A rotated password is picked up and makes the server unequal.
	writePassword(t, dir, "rotated\n")
	if err := sc.Reload(path); err != nil {
		t.Fatal(err)
	}
	rotated := sc.Get()
	if rotated.Servers[0].PasswordValue() != "rotated" || rotated.Servers[0].Equal(&good.Servers[0]) {
		t.Error("password_file not re-read on reload")
	}
	if good.Servers[0].PasswordValue() != "file-s3cret" {
		t.Error("reload mutated the previously published config")
	}
}

func TestReloadApplyHooks(t *testing.T) {
	_, path := setupReload(t)
	sc := NewSafeConfig(prometheus.NewRegistry())
	var applied *Config
	if err := sc.Reload(path, func(c *Config) error { applied = c; return nil }); err != nil {
		t.Fatal(err)
	}
	if applied == nil || applied != sc.Get() {
		t.Fatal("hook did not see the published config")
	}
	hookErr := errors.New("cannot build client")
	if err := sc.Reload(path, func(*Config) error { return hookErr }); !errors.Is(err, hookErr) {
		t.Fatalf("got %v, want the hook's error", err)
	}
	if sc.Get() != applied || testutil.ToFloat64(sc.successful) != 0 {
		t.Error("a failing hook must keep the old config and report failure")
	}
	called := false
	if err := sc.Reload(path+".missing", func(*Config) error { called = true; return nil }); err == nil || called {
		t.Error("hook ran for a config that failed to load")
	}
}

func TestNewSafeConfigNilRegisterer(t *testing.T) {
	_, path := setupReload(t)
	sc := NewSafeConfig(nil)
	if err := sc.Reload(path); err != nil {
		t.Fatal(err)
	}
}

func TestReloadConcurrentGet(t *testing.T) {
	dir, path := setupReload(t)
	sc := NewSafeConfig(prometheus.NewRegistry())
	if err := sc.Reload(path); err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				cfg := sc.Get()
				if cfg == nil || cfg.Servers[0].Name != "a" || cfg.Servers[0].PasswordValue() == "" {
					t.Error("reader saw an incomplete config")
					return
				}
			}
		})
	}
	var rwg sync.WaitGroup
	for i := range 2 {
		rwg.Go(func() {
			for j := range 20 {
				if i == 0 && j%2 == 1 {
					_ = sc.Reload(filepath.Join(dir, "missing.yml"))
				} else if err := sc.Reload(path); err != nil {
					t.Error(err)
				}
			}
		})
	}
	rwg.Wait()
	close(stop)
	wg.Wait()
}
