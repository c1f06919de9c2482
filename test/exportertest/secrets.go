package exportertest

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// RandomHex is n random bytes in hex: a password no other test, and no
// fixture, can contain by chance, so finding it in an answer is a leak.
func RandomHex(t testing.TB, n int) string {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

// FindSecrets lists which secrets occur in text; a secret is reported by a
// short prefix so the failure message does not leak it further.
func FindSecrets(text string, secrets []string) []string {
	var found []string
	for _, s := range secrets {
		if s != "" && strings.Contains(text, s) {
			found = append(found, fmt.Sprintf("%.6s… (len %d)", s, len(s)))
		}
	}
	return found
}

// AssertNoSecrets fails the test when text, found at where, contains any
// of secrets. An empty list fails too: the check would prove nothing.
func AssertNoSecrets(t testing.TB, where, text string, secrets []string) {
	t.Helper()
	if len(secrets) == 0 {
		t.Fatalf("no secrets to look for in %s: the check would prove nothing", where)
	}
	if found := FindSecrets(text, secrets); len(found) > 0 {
		t.Errorf("%s contains %d secret(s): %v", where, len(found), found)
	}
}

// WriteFile writes content with mode even when path exists: WriteFile
// alone keeps an existing file's mode, and password files must be 0600.
func WriteFile(t testing.TB, path, content string, mode os.FileMode) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
}

// WriteYAML marshals v into a 0600 file.
func WriteYAML(t testing.TB, path string, v any) {
	t.Helper()
	out, err := yaml.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, out, 0o600); err != nil {
		t.Fatal(err)
	}
}
