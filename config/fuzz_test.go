package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzLoad checks that no input panics, every error is a one-line *Error
// naming the file, and every accepted config satisfies the validated
// invariants that the rest of the exporter relies on.
func FuzzLoad(f *testing.F) {
	seeds, err := filepath.Glob("testdata/*.yml")
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range seeds {
		b, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	ca, err := os.ReadFile("testdata/ca.pem")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		// Let the good seeds get through to validation.
		for name, body := range map[string][]byte{"east.password": []byte("file-s3cret\n"), "ca.pem": ca} {
			if err := os.WriteFile(filepath.Join(dir, name), body, 0o600); err != nil {
				t.Fatal(err)
			}
		}
		path := filepath.Join(dir, "config.yml")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		cfg, err := Load(path)
		if err != nil {
			var cerr *Error
			if !errors.As(err, &cerr) || cerr.Line <= 0 || !strings.HasPrefix(err.Error(), path+":") ||
				strings.Contains(err.Error(), "\n") {
				t.Fatalf("malformed error %q", err)
			}
			return
		}
		names := map[string]bool{}
		for _, s := range cfg.Servers {
			if s.Name == "" || names[s.Name] || s.URL.URL == nil || s.URL.Host == "" || s.Username == "" ||
				s.PasswordValue() == "" || s.PageSize < 1 || s.PageSize > MaxPageSize ||
				s.MaxConcurrentRequests < 1 || s.MaxConcurrentRequests > MaxConcurrentRequestsLimit ||
				s.RequestTimeout <= 0 || s.MaxResponseBytes < MinMaxResponseBytes {
				t.Fatalf("accepted an invalid server %+v", s)
			}
			names[s.Name] = true
		}
		if len(cfg.Servers) == 0 {
			t.Fatal("accepted a config without servers")
		}
	})
}
