package config

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// Secrets planted in testdata; no error or printed config may contain them.
var plantedSecrets = []string{"hunter2", "file-s3cret"}

// badFiles lists every testdata/bad_*.yml with the exact error after the
// "testdata/<name>:" prefix. {dir} stands for the absolute testdata path.
var badFiles = map[string]string{
	"bad_api_version.yml":           `6: servers[0].api_version: must be one of auto, v1, v6, v7, v8, got "v5"`,
	"bad_comments_only.yml":         "1: servers: at least one server is required, but the file is empty",
	"bad_duplicate_job.yml":         `9: servers[0].jobs[2].id: duplicate job id "00B96531-1A68-4C90-A398-91141FFEDB3B", first listed at line 7`,
	"bad_duplicate_key.yml":         "7: servers[0].page_size: duplicate key, first set at line 6",
	"bad_duplicate_name.yml":        `10: servers[2].name: duplicate server name "east", first used at line 2`,
	"bad_duration.yml":              `6: servers[0].request_timeout: unknown unit " seconds" in duration "30 seconds"`,
	"bad_empty.yml":                 "1: servers: at least one server is required, but the file is empty",
	"bad_empty_name.yml":            "2: servers[0].name: is required",
	"bad_job_id_empty.yml":          "8: servers[0].jobs[1].id: is required and must not be empty",
	"bad_job_id_missing.yml":        "7: servers[0].jobs[0].id: is required and must not be empty",
	"bad_max_concurrent.yml":        "6: servers[0].max_concurrent_requests: must be between 1 and 64, got 65",
	"bad_max_concurrent_zero.yml":   "6: servers[0].max_concurrent_requests: must be between 1 and 64, got 0",
	"bad_max_response_bytes.yml":    "6: servers[0].max_response_bytes: must be at least 65536 (64 KiB), got 1000",
	"bad_merge_key.yml":             "2: servers[0]: merge keys (<<) are not supported; write the settings out",
	"bad_min_interval.yml":          `6: servers[0].min_interval: not a valid duration string: "-5s"`,
	"bad_missing_name.yml":          "2: servers[0].name: is required",
	"bad_missing_url.yml":           "2: servers[0].url: is required",
	"bad_missing_username.yml":      "2: servers[0].username: is required",
	"bad_multi_doc.yml":             "6: only one YAML document is allowed, found a second one",
	"bad_no_servers.yml":            "1: servers: at least one server is required",
	"bad_no_servers_key.yml":        "1: servers: at least one server is required",
	"bad_page_size.yml":             "6: servers[0].page_size: must be between 1 and 10000, got 0",
	"bad_page_size_high.yml":        "6: servers[0].page_size: must be between 1 and 10000, got 10001",
	"bad_password_both.yml":         "6: servers[0].password_file: cannot be combined with password (line 5); set exactly one of password or password_file",
	"bad_password_file_empty.yml":   "5: servers[0].password_file: {dir}/empty.password is empty",
	"bad_password_file_missing.yml": "5: servers[0].password_file: cannot read: open {dir}/does-not-exist.password: no such file or directory",
	"bad_password_neither.yml":      "2: servers[0]: exactly one of password or password_file is required, neither is set",
	"bad_password_type.yml":         "5: servers[0].password: must be a string, got a list",
	"bad_request_timeout_zero.yml":  "6: servers[0].request_timeout: must be greater than 0s, got 0s",
	"bad_root_list.yml":             "1: must be a mapping of keys to values, got a list",
	"bad_syntax.yml":                "4: invalid YAML: did not find expected '-' indicator",
	"bad_syntax_tab.yml":            "2: invalid YAML: found character that cannot start any token",
	"bad_tls_ca_missing.yml":        "7: servers[0].tls_config.ca_file: cannot read: open {dir}/missing-ca.pem: no such file or directory",
	"bad_tls_cert_without_key.yml":  "6: servers[0].tls_config: exactly one of key or key_file must be configured when a client certificate is configured",
	"bad_tls_ref.yml":               "7: servers[0].tls_config.ca_ref: is not supported by this exporter; use the matching *_file key",
	"bad_tls_version.yml":           "7: servers[0].tls_config.min_version: unknown TLS version: TLS14",
	"bad_type.yml":                  `6: servers[0].page_size: must be a whole number, got "lots"`,
	"bad_type_bool.yml":             `7: servers[0].tls_config.insecure_skip_verify: must be true or false, got "maybe"`,
	"bad_type_jobs.yml":             `6: servers[0].jobs: must be a list, got "00b96531-1a68-4c90-a398-91141ffedb3b"`,
	"bad_type_server_entry.yml":     `2: servers[0]: must be a mapping of keys to values, got "east"`,
	"bad_type_servers.yml":          "2: servers: must be a list, got a mapping",
	"bad_unknown_key.yml":           `6: servers[0].pagesize: unknown key (did you mean "page_size"?)`,
	"bad_unknown_key_job.yml":       "8: servers[0].jobs[0].title: unknown key",
	"bad_unknown_key_tls.yml":       `8: servers[0].tls_config.ca_fiel: unknown key (did you mean "ca_file"?)`,
	"bad_unknown_key_top.yml":       "6: global: unknown key",
	"bad_unprotected.yml":           "6: servers[0].unprotected_mailbox_series: must be between 0 and 10000, got -1",
	"bad_unprotected_objects.yml":   "6: servers[0].unprotected_object_series: must be between 0 and 10000, got 10001",
	"bad_workload.yml":              `6: servers[0].workloads[1]: unknown workload "sharepoint", want one of mailbox, archive, onedrive, personal_site, site, team`,
	"bad_workload_duplicate.yml":    `9: servers[0].workloads[2]: workload "site" listed twice, first at line 7`,
	"bad_url_fragment.yml":          "3: servers[0].url: must not contain a fragment",
	"bad_url_no_host.yml":           "3: servers[0].url: must contain a host, e.g. https://vbo.example.com:4443",
	"bad_url_no_scheme.yml":         "3: servers[0].url: must start with https:// (or http:// behind a TLS-terminating proxy)",
	"bad_url_parse.yml":             `3: servers[0].url: not a valid URL: invalid port ":44x3" after host`,
	"bad_url_path.yml":              `3: servers[0].url: must not contain a path, got "/v8/Jobs"; the exporter adds the API path itself`,
	"bad_url_port.yml":              `3: servers[0].url: port must be between 1 and 65535, got "70000"`,
	"bad_url_query.yml":             "3: servers[0].url: must not contain a query string",
	"bad_url_scheme.yml":            `3: servers[0].url: scheme must be https (or http behind a TLS-terminating proxy), got "ftp"`,
	"bad_url_userinfo.yml":          "3: servers[0].url: must not contain a user name or password; use username and password_file",
	// What yaml.v3's Decoder.KnownFields would let through or report
	// without the key (#19): a null key, null list items, tagged secrets,
	// and a type error before a duration error (it would report the latter).
	"bad_key_null.yml":             "6: servers[0].~: unknown key",
	"bad_server_null.yml":          "2: servers[0].name: is required",
	"bad_job_null.yml":             "8: servers[0].jobs[1].id: is required and must not be empty",
	"bad_password_tag.yml":         "5: servers[0].password: must be a string, got a int value",
	"bad_tls_key_tag.yml":          "7: servers[0].tls_config.key: must be a string, got a float value",
	"bad_type_before_duration.yml": `6: servers[0].page_size: must be a whole number, got "lots"`,
}

func TestLoadBadFiles(t *testing.T) {
	dir, err := filepath.Abs("testdata")
	if err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob("testdata/bad_*.yml")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if _, ok := badFiles[filepath.Base(f)]; !ok {
			t.Errorf("%s has no expected error in badFiles", f)
		}
	}
	for name, want := range badFiles {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join("testdata", name)
			cfg, err := Load(path)
			if err == nil {
				t.Fatalf("Load(%s) succeeded with %+v, want an error", path, cfg)
			}
			want = path + ":" + strings.ReplaceAll(want, "{dir}", dir)
			if got := err.Error(); got != want {
				t.Errorf("error mismatch\n got: %s\nwant: %s", got, want)
			}
			var cerr *Error
			if !errors.As(err, &cerr) || cerr.File != path || cerr.Line <= 0 {
				t.Errorf("error %#v is not an *Error with file and line", err)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error spans several lines: %q", err)
			}
			for _, s := range plantedSecrets {
				if strings.Contains(err.Error(), s) {
					t.Errorf("error leaks the password: %s", err)
				}
			}
		})
	}
}

func TestLoadGood(t *testing.T) {
	cfg, err := Load("testdata/good.yml")
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Servers) != 2 {
		t.Fatalf("got %d servers, want 2", len(cfg.Servers))
	}
	dir, _ := filepath.Abs("testdata")
	east, west := cfg.Servers[0], cfg.Servers[1]
	checks := []struct {
		name      string
		got, want any
	}{
		{"name", east.Name, "east"},
		{"url", east.URL.String(), "https://vbo-east.example.com:4443"},
		{"host", east.URL.Host, "vbo-east.example.com:4443"},
		{"username", east.Username, `EAST\svc-monitor`},
		{"password_file", east.PasswordFile, filepath.Join(dir, "east.password")},
		{"password", east.PasswordValue(), "file-s3cret"},
		{"ca_file", east.TLSConfig.CAFile, filepath.Join(dir, "ca.pem")},
		{"server_name", east.TLSConfig.ServerName, "vbo-east.example.com"},
		{"min_version", east.TLSConfig.MinVersion.String(), "TLS12"},
		{"request_timeout", east.RequestTimeout.String(), "45s"},
		{"max_concurrent_requests", east.MaxConcurrentRequests, 8},
		{"page_size", east.PageSize, 500},
		{"jobs", len(east.Jobs), 2},
		{"job id", east.Jobs[0].ID, "00b96531-1a68-4c90-a398-91141ffedb3b"},
		{"job name", east.Jobs[0].Name, "Critical Mailboxes"},
		{"job without name", east.Jobs[1].Name, ""},
		{"unprotected_mailbox_series", east.UnprotectedMailboxSeries, 25},
		{"min_interval", east.MinInterval.String(), "1m"},
		{"max_response_bytes", east.MaxResponseBytes, int64(1 << 20)},
		{"workloads", strings.Join(east.Workloads, ","), "mailbox,site,team"},
		{"unprotected_object_series", east.UnprotectedObjectSeries, 10},
		{"west workloads", strings.Join(west.Workloads, ","), strings.Join(Workloads, ",")},
		{"west url", west.URL.String(), "http://vbo-west.example.com:8080"},
		{"west password", west.PasswordValue(), "hunter2"},
		{"west password_file", west.PasswordFile, ""},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %#v, want %#v", c.name, c.got, c.want)
		}
	}
}

func TestLoadDefaults(t *testing.T) {
	cfg, err := Load("testdata/minimal.yml")
	if err != nil {
		t.Fatal(err)
	}
	s := cfg.Servers[0]
	if s.RequestTimeout != DefaultRequestTimeout || s.MaxConcurrentRequests != 4 || s.PageSize != 1000 ||
		s.UnprotectedMailboxSeries != 0 || s.MinInterval != 0 || s.MaxResponseBytes != 64<<20 ||
		s.Jobs != nil || s.TLSConfig.InsecureSkipVerify || !slices.Equal(s.Workloads, Workloads) || s.UnprotectedObjectSeries != 0 {
		t.Errorf("defaults not applied: %+v", s)
	}
}

// Explicit empty values mean "default", as they do for a missing key.
func TestLoadEmptyValuesKeepDefaults(t *testing.T) {
	path := writeConfig(t, t.TempDir(), "servers:\n  - name: a\n    url: https://h\n    username: u\n    password: hunter2\n    page_size:\n    jobs: []\n    tls_config:\n")
	cfg, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if s := cfg.Servers[0]; s.PageSize != DefaultPageSize || s.Jobs != nil {
		t.Errorf("got page_size %d jobs %#v", s.PageSize, s.Jobs)
	}
}

// `workloads: []` leaves only the mailbox series; `workloads:` with no
// value keeps every workload, as an empty value keeps any default.
func TestLoadWorkloadsEmptyAndNull(t *testing.T) {
	base := "servers:\n  - name: a\n    url: https://h\n    username: u\n    password: hunter2\n"
	for value, want := range map[string][]string{"[]": {}, "": Workloads, "[team, archive]": {"team", "archive"}} {
		cfg, err := Load(writeConfig(t, t.TempDir(), base+"    workloads: "+value+"\n"))
		if err != nil {
			t.Fatalf("workloads: %s: %v", value, err)
		}
		if got := cfg.Servers[0].Workloads; !slices.Equal(got, want) || got == nil {
			t.Errorf("workloads: %s gave %#v, want %#v", value, got, want)
		}
	}
}

func TestLoadAliases(t *testing.T) {
	dir := t.TempDir()
	path := writeConfig(t, dir, `servers:
  - name: a
    url: https://a.example.com
    username: u
    password: hunter2
    tls_config: &tls
      server_name: vbo.example.com
  - name: b
    url: https://b.example.com
    username: u
    password: hunter2
    tls_config: *tls
`)
	cfg, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := cfg.Servers[1].TLSConfig.ServerName; got != "vbo.example.com" {
		t.Errorf("alias not followed, server_name = %q", got)
	}
}

// A config whose aliases expand exponentially must fail fast, not hang.
func TestLoadAliasBomb(t *testing.T) {
	var b strings.Builder
	b.WriteString("servers:\n  - &s\n    name: x\n    url: https://h\n    username: u\n    password: p\n    jobs: [")
	for i := range 1000 {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("{id: a}")
	}
	b.WriteString("]\n")
	for range 500 {
		b.WriteString("  - *s\n")
	}
	path := writeConfig(t, t.TempDir(), b.String())
	if _, err := Load(path); err == nil || !strings.Contains(err.Error(), "too many values after expanding aliases") {
		t.Fatalf("got %v", err)
	}
}

func TestLoadAbsolutePathsKept(t *testing.T) {
	pwDir := t.TempDir()
	pw := filepath.Join(pwDir, "pw")
	if err := os.WriteFile(pw, []byte("file-s3cret\r\n\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	path := writeConfig(t, t.TempDir(), "servers:\n  - name: a\n    url: https://h\n    username: u\n    password_file: "+pw+"\n")
	cfg, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if s := cfg.Servers[0]; s.PasswordFile != pw || s.PasswordValue() != "file-s3cret" {
		t.Errorf("got file %q password %q", s.PasswordFile, s.PasswordValue())
	}
}

func TestLoadErrorsUnwrap(t *testing.T) {
	_, err := Load("testdata/no-such-config.yml")
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing config: %v does not wrap fs.ErrNotExist", err)
	}
	if want := "testdata/no-such-config.yml: cannot read config file: no such file or directory"; err == nil || err.Error() != want {
		t.Errorf("got %v, want %s", err, want)
	}
	if _, err := Load("testdata/bad_password_file_missing.yml"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing password file: %v does not wrap fs.ErrNotExist", err)
	}
}

func writeConfig(t *testing.T, dir, body string) string {
	t.Helper()
	path := filepath.Join(dir, "config.yml")
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}
