package contract

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strings"
	"testing"
)

// TestEmbeddedSchemas guards the copies: each must still be the file the
// README describes (its own sha256 and the original's), so an edit to
// "fix" a schema fails here instead of silently moving the contract.
func TestEmbeddedSchemas(t *testing.T) {
	readme, err := schemaFiles.ReadFile("openapi/README.md")
	if err != nil {
		t.Fatal(err)
	}
	specs, err := loadSpecs()
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []string{"v6", "v7", "v8", "v8.0"} {
		name := schemaFile(v)
		data, err := schemaFiles.ReadFile("openapi/" + name)
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(data)
		if !strings.Contains(string(readme), hex.EncodeToString(sum[:])) {
			t.Errorf("%s: sha256 %x is not the one in openapi/README.md", name, sum)
		}
		var root struct {
			From struct {
				Repository, Commit, Path, Sha256 string
			} `json:"x-trimmed-from"`
		}
		if err := json.Unmarshal(data, &root); err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{root.From.Repository, root.From.Commit, root.From.Path, root.From.Sha256} {
			if want == "" || !strings.Contains(string(readme), want) {
				t.Errorf("%s: x-trimmed-from value %q missing from openapi/README.md", name, want)
			}
		}
		if got, want := specs[v].doc.Info.Version, strings.TrimSuffix(v, ".0"); got != want {
			t.Errorf("%s: info.version %q, want %q", name, got, want)
		}
	}
}

// TestFormatValidators pins the formats registered for Veeam's schemas.
func TestFormatValidators(t *testing.T) {
	for _, c := range []struct {
		fn    func(string) error
		value string
		ok    bool
	}{
		{validateUUID, "00000000-0000-0000-0000-000000000000", true},
		{validateUUID, "6F3C2A1E-9B8D-4C7A-A1B2-3C4D5E6F7A8B", true},
		{validateUUID, "6f3c2a1e9b8d4c7aa1b23c4d5e6f7a8b", false},
		{validateUUID, "{6f3c2a1e-9b8d-4c7a-a1b2-3c4d5e6f7a8b}", false},
		{validateDateTime, "2024-05-01T22:00:03.1234567Z", true},
		{validateDateTime, "2024-05-01T22:00:03-07:00", true},
		{validateDateTime, "2024-05-01 22:00:03Z", false},
		{validateDateTime, "2024-05-01T22:00:03", false},
		{validateDateTime, "2024-13-01T22:00:03Z", false},
		{validateDateTime, "Wed, 01 May 2024 22:00:03 GMT", false},
		{validateDateTime, "2024-05-01", false},
	} {
		if err := c.fn(c.value); (err == nil) != c.ok {
			t.Errorf("%q: err %v, want ok=%v", c.value, err, c.ok)
		}
	}
}
