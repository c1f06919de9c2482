package config

import (
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
)

// TestExampleConfig keeps the shipped config.yml loadable and complete: it
// must mention every key a user can set.
func TestExampleConfig(t *testing.T) {
	body, err := os.ReadFile("../config.yml")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	ca, err := os.ReadFile("testdata/ca.pem")
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{"vbo.password": []byte("file-s3cret\n"), "vbo-ca.pem": ca} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	text := strings.ReplaceAll(string(body), "/etc/vbo365_exporter/", dir+"/")
	cfg, err := Load(writeConfig(t, dir, text))
	if err != nil {
		t.Fatal(err)
	}
	s := cfg.Servers[0]
	if s.URL.String() != "https://vbo.example.com:4443" || s.PasswordValue() != "file-s3cret" {
		t.Errorf("unexpected server %+v", s)
	}

	keys := []string{"servers", "ca_file", "cert_file", "key_file", "server_name", "insecure_skip_verify", "min_version"}
	for _, typ := range []reflect.Type{reflect.TypeFor[Server](), reflect.TypeFor[Job]()} {
		for k := range yamlFields(typ) {
			keys = append(keys, k)
		}
	}
	for _, k := range keys {
		if !regexp.MustCompile(`(?m)^[#\s-]*` + k + `:`).Match(body) {
			t.Errorf("config.yml does not document %q", k)
		}
	}
}
