package config

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

func TestPasswordNeverPrinted(t *testing.T) {
	cfg, err := Load("testdata/good.yml")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Servers[1].TLSConfig.Key = "hunter2-key"
	s := &cfg.Servers[0]
	outputs := []string{
		fmt.Sprintf("%v / %+v", cfg, cfg),
		fmt.Sprintf("%v / %+v / %#v / %s", *cfg, *cfg, *cfg, *cfg),
		fmt.Sprintf("%v / %+v / %#v / %s", s, *s, cfg.Servers, s.String()),
	}
	y, err := yaml.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	j, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	outputs = append(outputs, string(y), string(j))
	for _, out := range outputs {
		for _, secret := range plantedSecrets {
			if strings.Contains(out, secret) {
				t.Errorf("output leaks %q:\n%s", secret, out)
			}
		}
	}
	if !strings.Contains(outputs[0], "east") || !strings.Contains(outputs[0], "<secret>") {
		t.Errorf("redacted output lost its content: %s", outputs[0])
	}
	if !strings.Contains(string(y), "url: https://vbo-east.example.com:4443") {
		t.Errorf("URL does not marshal as a string:\n%s", y)
	}
	// Redaction must work on a copy, not on the loaded config.
	if s.PasswordValue() != "file-s3cret" || cfg.Servers[1].PasswordValue() != "hunter2" {
		t.Error("printing modified the config")
	}
}

func TestZeroServerPrints(t *testing.T) {
	var s Server
	if out := fmt.Sprint(s); strings.Contains(out, "PANIC") {
		t.Errorf("zero Server prints %s", out)
	}
}

func TestServerEqual(t *testing.T) {
	a, err := Load("testdata/good.yml")
	if err != nil {
		t.Fatal(err)
	}
	b, err := Load("testdata/good.yml")
	if err != nil {
		t.Fatal(err)
	}
	for i := range a.Servers {
		if !a.Servers[i].Equal(&b.Servers[i]) {
			t.Errorf("server %d: identical loads are not Equal", i)
		}
	}
	if a.Servers[0].Equal(&a.Servers[1]) {
		t.Error("different servers are Equal")
	}
	changes := map[string]func(s *Server){
		"file password": func(s *Server) { s.filePassword = "other" },
		"page size":     func(s *Server) { s.PageSize++ },
		"job name":      func(s *Server) { s.Jobs[0].Name = "other" },
		"tls":           func(s *Server) { s.TLSConfig.InsecureSkipVerify = true },
		"url":           func(s *Server) { u := *s.URL.URL; u.Host = "other:1"; s.URL.URL = &u },
	}
	for name, change := range changes {
		c, _ := Load("testdata/good.yml")
		change(&c.Servers[0])
		if c.Servers[0].Equal(&a.Servers[0]) {
			t.Errorf("%s change not detected", name)
		}
	}
	var nilServer *Server
	if !nilServer.Equal(nil) || nilServer.Equal(&a.Servers[0]) || a.Servers[0].Equal(nil) {
		t.Error("nil handling is wrong")
	}
}
