package web

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/go-kit/log"

	"github.com/vbo365-exporter/vbo365_exporter/config"
	"github.com/vbo365-exporter/vbo365_exporter/test/exportertest"
)

// sdFixture is a config directory with a password file, and the secrets
// that the config holds and no /sd answer may show.
type sdFixture struct {
	dir, file string
	secrets   []string
}

func newSDFixture(t *testing.T) *sdFixture {
	t.Helper()
	f := &sdFixture{dir: t.TempDir()}
	f.file = filepath.Join(f.dir, "config.yml")
	pwFile := filepath.Join(f.dir, "east-secret.password")
	filePassword := "sd-file-password-" + exportertest.RandomHex(t, 8)
	exportertest.WriteFile(t, pwFile, filePassword+"\n", 0o600)
	// The user names are looked for without the domain part: JSON would
	// escape the backslash of EAST\svc-sd-user.
	f.secrets = []string{filePassword, "sd-inline-password-7f3a", pwFile, "east-secret.password", "svc-sd-user", "svc-sd-west"}
	return f
}

// write replaces the config with the given servers entries (YAML lines
// under servers:).
func (f *sdFixture) write(t *testing.T, servers string) {
	t.Helper()
	exportertest.WriteFile(t, f.file, "servers:\n"+servers, 0o600)
}

const (
	sdEast = `  - name: east
    url: https://vbo-east.example.com:4443
    username: 'EAST\svc-sd-user'
    password_file: east-secret.password
`
	sdWest = `  - name: west 2
    url: http://vbo-west.example.com
    username: svc-sd-west@example.com
    password: sd-inline-password-7f3a
    api_version: v8
`
	sdNorth = `  - name: nörth
    url: https://[::1]:4443/
    username: svc-sd-west@example.com
    password: sd-inline-password-7f3a
    api_version: v1
`
)

// getSD fetches /sd from h and decodes it, failing unless it is a 200 in
// the media type Prometheus' HTTP service discovery insists on.
func getSD(t *testing.T, h http.Handler) ([]sdGroup, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, sdPath, nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("GET %s: %d %s", sdPath, rec.Code, rec.Body)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
		t.Fatalf("Content-Type %q, want application/json (Prometheus refuses anything else)", ct)
	}
	var groups []sdGroup
	if err := json.Unmarshal(rec.Body.Bytes(), &groups); err != nil {
		t.Fatalf("GET %s: %v in %s", sdPath, err, rec.Body)
	}
	return groups, rec.Body.String()
}

func TestSDListsTheConfiguredServers(t *testing.T) {
	f := newSDFixture(t)
	f.write(t, sdEast+sdWest+sdNorth)
	sc := config.NewSafeConfig(nil)
	if err := sc.Reload(f.file); err != nil {
		t.Fatal(err)
	}
	groups, body := getSD(t, sdHandler(sc.Get, log.NewNopLogger()))
	want := []sdGroup{
		{Targets: []string{"east"}, Labels: map[string]string{
			sdLabelServer: "east", sdLabelAPIVersion: "auto", sdLabelHost: "vbo-east.example.com:4443", sdLabelHostname: "vbo-east.example.com"}},
		{Targets: []string{"west 2"}, Labels: map[string]string{
			sdLabelServer: "west 2", sdLabelAPIVersion: "v8", sdLabelHost: "vbo-west.example.com", sdLabelHostname: "vbo-west.example.com"}},
		{Targets: []string{"nörth"}, Labels: map[string]string{
			sdLabelServer: "nörth", sdLabelAPIVersion: "v1", sdLabelHost: "[::1]:4443", sdLabelHostname: "::1"}},
	}
	if !reflect.DeepEqual(groups, want) {
		t.Fatalf("GET %s:\n%+v\nwant\n%+v", sdPath, groups, want)
	}
	for _, g := range groups {
		for name := range g.Labels {
			if !strings.HasPrefix(name, "__meta_vbo365_") {
				t.Errorf("label %s: service discovery labels must be __meta_vbo365_*, which relabelling drops unless kept", name)
			}
		}
	}
	exportertest.AssertNoSecrets(t, "the /sd answer", body, f.secrets)
}

// TestSDFollowsReloads: /sd shows the running config, so a server added
// or removed by a reload becomes or stops being a probe target, and a
// failed reload changes nothing.
func TestSDFollowsReloads(t *testing.T) {
	f := newSDFixture(t)
	sc := config.NewSafeConfig(nil)
	h := sdHandler(sc.Get, log.NewNopLogger())
	if groups, body := getSD(t, h); len(groups) != 0 || strings.TrimSpace(body) != "[]" {
		t.Fatalf("before the first load: %q, want []", body)
	}
	targets := func() []string {
		groups, _ := getSD(t, h)
		var out []string
		for _, g := range groups {
			out = append(out, g.Targets...)
		}
		return out
	}
	for _, step := range []struct {
		servers string
		broken  bool
		want    []string
	}{
		{servers: sdEast, want: []string{"east"}},
		{servers: sdEast + sdWest, want: []string{"east", "west 2"}},
		{servers: sdWest + "    bogus_key: 1\n", broken: true, want: []string{"east", "west 2"}},
		{servers: sdWest, want: []string{"west 2"}},
	} {
		f.write(t, step.servers)
		if err := sc.Reload(f.file); (err != nil) != step.broken {
			t.Fatalf("reload: %v, want broken=%v", err, step.broken)
		}
		if got := targets(); !reflect.DeepEqual(got, step.want) {
			t.Errorf("after reloading %q: targets %q, want %q", step.servers, got, step.want)
		}
	}
}
