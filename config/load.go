package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"

	promconfig "github.com/prometheus/common/config"
	"go.yaml.in/yaml/v3"
)

// Load reads, strictly decodes, defaults and validates the file at path and
// reads every password_file. Relative paths inside the file are resolved
// against the file's directory, not the working directory, so the exporter
// behaves the same whether started by systemd or by hand. Errors are *Error.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, readError(path, err)
	}
	dir := filepath.Dir(path)
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	return parse(path, dir, data)
}

func parse(file, dir string, data []byte) (*Config, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); errors.Is(err, io.EOF) {
		return nil, &Error{File: file, Line: 1, Path: "servers", Msg: "at least one server is required, but the file is empty"}
	} else if err != nil {
		return nil, syntaxError(file, data, err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		return nil, &Error{File: file, Line: extra.Line, Msg: "only one YAML document is allowed, found a second one"}
	} else if !errors.Is(err, io.EOF) {
		return nil, syntaxError(file, data, err)
	}

	d := &decoder{file: file, lines: map[string]int{"": 1}, budget: maxNodesVisited}
	cfg := &Config{}
	if len(doc.Content) > 0 {
		root := doc.Content[0]
		d.lines[""] = root.Line
		if err := d.decodeValue(root, reflect.ValueOf(cfg).Elem(), ""); err != nil {
			return nil, err
		}
	}
	if err := d.validate(cfg, dir); err != nil {
		return nil, err
	}
	return cfg, nil
}

func (d *decoder) errAt(path, format string, args ...any) *Error {
	return d.errorf(d.lineOf(path), path, format, args...)
}

func (d *decoder) validate(cfg *Config, dir string) error {
	if len(cfg.Servers) == 0 {
		return d.errAt("servers", "at least one server is required")
	}
	firstName := make(map[string]int, len(cfg.Servers))
	for i := range cfg.Servers {
		p := "servers[" + strconv.Itoa(i) + "]"
		s := &cfg.Servers[i]
		if err := d.validateServer(s, p, dir); err != nil {
			return err
		}
		if first, ok := firstName[s.Name]; ok {
			return d.errAt(p+".name", "duplicate server name %q, first used at line %d", s.Name, first)
		}
		firstName[s.Name] = d.lineOf(p + ".name")
	}
	return nil
}

func (d *decoder) validateServer(s *Server, p, dir string) error {
	if strings.TrimSpace(s.Name) == "" {
		return d.errAt(p+".name", "is required")
	}
	if s.URL.URL == nil {
		return d.errAt(p+".url", "is required")
	}
	if s.Username == "" {
		return d.errAt(p+".username", "is required")
	}
	if err := d.resolvePassword(s, p, dir); err != nil {
		return err
	}
	if err := d.validateTLS(&s.TLSConfig, p+".tls_config", dir); err != nil {
		return err
	}
	if s.RequestTimeout <= 0 {
		return d.errAt(p+".request_timeout", "must be greater than 0s, got %s", s.RequestTimeout)
	}
	if err := d.checkRange(p+".max_concurrent_requests", int64(s.MaxConcurrentRequests), 1, MaxConcurrentRequestsLimit); err != nil {
		return err
	}
	if err := d.checkRange(p+".page_size", int64(s.PageSize), 1, MaxPageSize); err != nil {
		return err
	}
	if err := d.checkRange(p+".unprotected_mailbox_series", int64(s.UnprotectedMailboxSeries), 0, MaxUnprotectedMailboxSeries); err != nil {
		return err
	}
	if err := d.checkRange(p+".unprotected_object_series", int64(s.UnprotectedObjectSeries), 0, MaxUnprotectedMailboxSeries); err != nil {
		return err
	}
	if err := d.validateWorkloads(s, p); err != nil {
		return err
	}
	if s.MinInterval < 0 {
		return d.errAt(p+".min_interval", "must not be negative, got %s", s.MinInterval)
	}
	if s.ProtectionInterval < 0 {
		return d.errAt(p+".protection_interval", "must not be negative, got %s", s.ProtectionInterval)
	}
	if s.MaxResponseBytes < MinMaxResponseBytes {
		return d.errAt(p+".max_response_bytes", "must be at least %d (64 KiB), got %d", MinMaxResponseBytes, s.MaxResponseBytes)
	}
	if s.APIVersion != DefaultAPIVersion && !slices.Contains(APIVersions, s.APIVersion) {
		return d.errAt(p+".api_version", "must be one of auto, %s, got %q", strings.Join(APIVersions, ", "), s.APIVersion)
	}
	return d.validateJobs(s, p)
}

func (d *decoder) validateWorkloads(s *Server, p string) error {
	first := map[string]int{}
	for i, w := range s.Workloads {
		wp := fmt.Sprintf("%s.workloads[%d]", p, i)
		if !slices.Contains(Workloads, w) {
			return d.errAt(wp, "unknown workload %q, want one of %s", w, strings.Join(Workloads, ", "))
		}
		if line, dup := first[w]; dup {
			return d.errAt(wp, "workload %q listed twice, first at line %d", w, line)
		}
		first[w] = d.lineOf(wp)
	}
	return nil
}

func (d *decoder) checkRange(path string, v, lo, hi int64) error {
	if v < lo || v > hi {
		return d.errAt(path, "must be between %d and %d, got %d", lo, hi, v)
	}
	return nil
}

// resolvePassword enforces exactly one password source and reads the file
// now, so a missing or empty file fails the (re)load instead of every scrape.
func (d *decoder) resolvePassword(s *Server, p, dir string) error {
	inline, file := s.Password != "", s.PasswordFile != ""
	switch {
	case inline && file:
		first, second := p+".password", p+".password_file"
		if d.lineOf(first) > d.lineOf(second) {
			first, second = second, first
		}
		return d.errAt(second, "cannot be combined with %s (line %d); set exactly one of password or password_file",
			first[strings.LastIndexByte(first, '.')+1:], d.lineOf(first))
	case !inline && !file:
		return d.errAt(p, "exactly one of password or password_file is required, neither is set")
	case inline:
		return nil
	}
	s.PasswordFile = promconfig.JoinDir(dir, s.PasswordFile)
	pw, err := readPasswordFile(s.PasswordFile)
	if err != nil {
		e := d.errAt(p+".password_file", "%v", err)
		e.err = err
		return e
	}
	s.filePassword = promconfig.Secret(pw)
	return nil
}

// validateTLS runs the checks TLSConfig.UnmarshalYAML would have run, which
// the strict decoder bypasses, plus checks that the files are readable.
func (d *decoder) validateTLS(c *promconfig.TLSConfig, p, dir string) error {
	// *_ref names a secret in a secret manager, which this exporter has not.
	for _, ref := range []struct{ key, v string }{{"ca_ref", c.CARef}, {"cert_ref", c.CertRef}, {"key_ref", c.KeyRef}} {
		if ref.v != "" {
			return d.errAt(p+"."+ref.key, "is not supported by this exporter; use the matching *_file key")
		}
	}
	if err := c.Validate(); err != nil {
		return d.errAt(p, "%v", err)
	}
	if c.MaxVersion != 0 && c.MinVersion > c.MaxVersion {
		return d.errAt(p+".min_version", "must not be higher than max_version")
	}
	c.SetDirectory(dir)
	for _, f := range []struct{ key, path string }{
		{"ca_file", c.CAFile}, {"cert_file", c.CertFile}, {"key_file", c.KeyFile},
	} {
		if f.path == "" {
			continue
		}
		if err := checkReadable(f.path); err != nil {
			e := d.errAt(p+"."+f.key, "%v", err)
			e.err = err
			return e
		}
	}
	return nil
}

// validateJobs compares IDs case-insensitively because they are GUIDs, and
// two spellings of one GUID would otherwise select the same job twice.
func (d *decoder) validateJobs(s *Server, p string) error {
	if len(s.Jobs) == 0 {
		s.Jobs = nil // so Equal does not tell `jobs: []` from no jobs key
		return nil
	}
	firstID := make(map[string]int, len(s.Jobs))
	for j := range s.Jobs {
		jp := fmt.Sprintf("%s.jobs[%d]", p, j)
		id := strings.TrimSpace(s.Jobs[j].ID)
		if id == "" {
			return d.errAt(jp+".id", "is required and must not be empty")
		}
		s.Jobs[j].ID = id
		key := strings.ToLower(id)
		if first, ok := firstID[key]; ok {
			return d.errAt(jp+".id", "duplicate job id %q, first listed at line %d", id, first)
		}
		firstID[key] = d.lineOf(jp + ".id")
	}
	return nil
}
