// Package config loads the exporter's YAML configuration: one entry per
// VBO365 server to scrape. Loading is strict (unknown keys are errors) and
// every error names the file, line and key path, because a typo in a
// monitoring config otherwise shows up only as silently missing metrics.
//
// Tests: load_test.go (config.go, decode.go, errors.go, url.go: every key,
// default and error), reload_test.go, secret_test.go, example_test.go (the
// shipped config.yml) and fuzz_test.go.
package config

import (
	"slices"
	"time"

	promconfig "github.com/prometheus/common/config"
	"github.com/prometheus/common/model"
)

// Defaults and limits, exported so flags, docs and other packages can refer
// to the same numbers instead of repeating them.
const (
	DefaultRequestTimeout        = model.Duration(30 * time.Second)
	DefaultMaxConcurrentRequests = 4
	DefaultPageSize              = 1000
	DefaultMaxResponseBytes      = int64(64 << 20)

	MaxConcurrentRequestsLimit  = 64
	MaxPageSize                 = 10000
	MaxUnprotectedMailboxSeries = 10000
	MinMaxResponseBytes         = int64(1 << 16)

	DefaultAPIVersion = "auto"
)

// APIVersions are the REST API versions api_version may pin.
var APIVersions = []string{"v1", "v6", "v7", "v8"}

// Workloads are the values a server's workloads may list, in the order
// their series are exported.
var Workloads = []string{"mailbox", "archive", "onedrive", "personal_site", "site", "team"}

// Config is the whole file. It is immutable once published by SafeConfig.
type Config struct {
	Servers []Server `yaml:"servers"`
}

// Server is one VBO365 REST endpoint. Name doubles as the `server` label, so
// it must be unique within the file.
type Server struct {
	Name     string `yaml:"name"`
	URL      URL    `yaml:"url"`
	Username string `yaml:"username"`
	// Password is the inline password; prefer PasswordFile so the secret
	// stays out of the config file. Use PasswordValue to get whichever is set.
	Password     promconfig.Secret `yaml:"password,omitempty"`
	PasswordFile string            `yaml:"password_file,omitempty"`
	// TLSConfig file paths are absolute after Load.
	TLSConfig             promconfig.TLSConfig `yaml:"tls_config,omitempty"`
	RequestTimeout        model.Duration       `yaml:"request_timeout"`
	MaxConcurrentRequests int                  `yaml:"max_concurrent_requests"`
	PageSize              int                  `yaml:"page_size"`
	// Jobs limits the scrape to these job IDs; nil means every job.
	Jobs                     []Job          `yaml:"jobs,omitempty"`
	UnprotectedMailboxSeries int            `yaml:"unprotected_mailbox_series"`
	MinInterval              model.Duration `yaml:"min_interval"`
	// ProtectionInterval, on v6 and later, refreshes the job scopes and
	// repository data in the background at most this often; 0 computes
	// them in every poll.
	ProtectionInterval model.Duration `yaml:"protection_interval"`
	MaxResponseBytes   int64          `yaml:"max_response_bytes"`
	// Workloads, on v6 and later, are the workloads whose per-job figures
	// are computed and exported (every one by default; sites and teams
	// cost their own requests). The mailbox series of every version do
	// not depend on it.
	Workloads []string `yaml:"workloads"`
	// UnprotectedObjectSeries caps, per job and workload other than the
	// mailbox, the objects listed as not backed up.
	UnprotectedObjectSeries int `yaml:"unprotected_object_series"`
	// APIVersion is "auto" (probe the server) or one of APIVersions.
	APIVersion string `yaml:"api_version"`

	// filePassword is password_file's content as of the last Load. It is
	// kept unexported so it is never marshalled, and Format hides it.
	filePassword promconfig.Secret
}

// Job selects one backup job. Name, when set, replaces the API's job name in
// labels, e.g. to keep dashboards stable across a job rename.
type Job struct {
	ID   string `yaml:"id"`
	Name string `yaml:"name,omitempty"`
}

// setDefaults runs before a server entry is decoded, so explicit values in
// the file (including explicit zeros) win and are then range-checked.
func (s *Server) setDefaults() {
	s.RequestTimeout = DefaultRequestTimeout
	s.MaxConcurrentRequests = DefaultMaxConcurrentRequests
	s.PageSize = DefaultPageSize
	s.MaxResponseBytes = DefaultMaxResponseBytes
	s.APIVersion = DefaultAPIVersion
	s.Workloads = slices.Clone(Workloads)
}

// PasswordValue returns the password to log in with: the inline one, or the
// content of password_file as read by the Load that produced s (trailing
// newlines removed, since editors and `echo` add them).
func (s *Server) PasswordValue() string {
	if s.Password != "" {
		return string(s.Password)
	}
	return string(s.filePassword)
}
