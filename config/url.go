package config

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// URL is a server's base URL. It embeds *url.URL so callers can use
// s.URL.Host, s.URL.String() or s.URL.JoinPath directly. After Load it
// always has a scheme of https or http, a host, and an empty path, so API
// paths can be appended without worrying about doubled slashes.
type URL struct {
	*url.URL
}

// UnmarshalYAML validates while decoding so the error carries the url key's
// position like any other type error.
func (u *URL) UnmarshalYAML(n *yaml.Node) error {
	var raw string
	if err := n.Decode(&raw); err != nil {
		return errors.New("must be a string such as https://vbo.example.com:4443")
	}
	parsed, err := parseServerURL(raw)
	if err != nil {
		return err
	}
	u.URL = parsed
	return nil
}

// String tolerates a zero URL so printing an unloaded Server cannot panic.
func (u URL) String() string {
	if u.URL == nil {
		return ""
	}
	return u.URL.String()
}

// MarshalYAML keeps the URL a plain string when the config is dumped.
func (u URL) MarshalYAML() (any, error) {
	if u.URL == nil {
		return nil, nil
	}
	return u.String(), nil
}

// parseServerURL never echoes raw: a URL with user info would put the
// password into logs.
func parseServerURL(raw string) (*url.URL, error) {
	if strings.TrimSpace(raw) == "" {
		return nil, errors.New("is required")
	}
	if !strings.Contains(raw, "://") {
		return nil, errors.New("must start with https:// (or http:// behind a TLS-terminating proxy)")
	}
	u, err := url.Parse(raw)
	if err != nil {
		var uerr *url.Error
		if strings.Contains(raw, "@") || !errors.As(err, &uerr) {
			return nil, errors.New("not a valid URL")
		}
		return nil, fmt.Errorf("not a valid URL: %v", uerr.Err)
	}
	if u.User != nil {
		return nil, errors.New("must not contain a user name or password; use username and password_file")
	}
	if u.Scheme != "https" && u.Scheme != "http" {
		return nil, fmt.Errorf("scheme must be https (or http behind a TLS-terminating proxy), got %q", u.Scheme)
	}
	if u.Opaque != "" || u.Hostname() == "" {
		return nil, errors.New("must contain a host, e.g. https://vbo.example.com:4443")
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return nil, fmt.Errorf("port must be between 1 and 65535, got %q", p)
		}
	}
	if u.Path != "" && u.Path != "/" {
		return nil, fmt.Errorf("must not contain a path, got %q; the exporter adds the API path itself", u.Path)
	}
	if u.RawQuery != "" || u.ForceQuery {
		return nil, errors.New("must not contain a query string")
	}
	if u.Fragment != "" || strings.Contains(raw, "#") {
		return nil, errors.New("must not contain a fragment")
	}
	u.Path, u.RawPath = "", ""
	return u, nil
}
