package contract

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
)

// maxViolations caps what one Validator stores: a systematic defect repeats
// on every item of every page, and ten thousand lines already say it.
const maxViolations = 10000

// Validator checks HTTP exchanges against Veeam's schemas of the API version
// in their path (both v8 files for /v8). It is safe for concurrent use.
type Validator struct {
	// StrictProperties also reports object properties of request and
	// response bodies that the schema does not declare. Veeam's schemas
	// never say additionalProperties: false, so without this a v8-only
	// field served on v6 passes. New sets it; change it only before the
	// first exchange.
	StrictProperties bool
	// MaxBody bounds the copy of each body kept for validation; a body
	// past it is passed on whole but reported "not validated: too large".
	// New sets DefaultMaxBody; change it only before the first exchange.
	MaxBody int64
	// V8Schema names the v8 file of the minor release the server under
	// test serves: "v8" (8.4, the default) or "v8.0". /v8 exchanges are
	// checked against both files, but undeclared properties only against
	// this one: the other release's added fields are not a defect.
	// Change it only before the first exchange.
	V8Schema string

	specs map[string]*spec

	mu         sync.Mutex
	violations []string
	dropped    int
	checked    map[string]int
	skipped    map[string]int
	covered    map[string]int
}

// New returns a Validator with StrictProperties on, over the embedded
// schemas (parsed and validated once per process).
func New() (*Validator, error) {
	specs, err := loadSpecs()
	if err != nil {
		return nil, err
	}
	return &Validator{
		StrictProperties: true,
		specs:            specs,
		MaxBody:          DefaultMaxBody,
		V8Schema:         "v8",
		checked:          map[string]int{},
		skipped:          map[string]int{},
		covered:          map[string]int{},
	}, nil
}

// record validates one exchange and files what it found.
func (v *Validator) record(ex *exchange) {
	version, ok := v.versionOf(ex.url.Path)
	if !ok {
		v.mu.Lock()
		v.skipped[firstSegment(ex.url.Path)]++
		v.mu.Unlock()
		return
	}
	var tmpl string
	var reasons []string
	for _, name := range Schemas[version] {
		strict := v.StrictProperties && (len(Schemas[version]) == 1 || name == v.V8Schema)
		t, rs := v.validate(v.specs[name], ex, strict)
		if tmpl == "" {
			tmpl = t
		}
		for _, r := range rs {
			reasons = append(reasons, schemaLabel(version, name)+r)
		}
	}
	target := ex.url.EscapedPath()
	if ex.url.RawQuery != "" {
		target += "?" + ex.url.RawQuery
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	v.checked[version]++
	if tmpl != "" {
		v.covered[fmt.Sprintf("%s %s %d", ex.method, tmpl, ex.status)]++
	}
	for _, r := range reasons {
		if len(v.violations) >= maxViolations {
			v.dropped++
			continue
		}
		v.violations = append(v.violations, ex.method+" "+target+": "+r)
	}
}

// versionOf returns the schema version of a path's first segment. It folds
// case so that /V6/jobs is validated (and fails routing) instead of being
// skipped as unversioned.
func (v *Validator) versionOf(path string) (string, bool) {
	seg := firstSegment(path)
	for _, ver := range Versions {
		if strings.EqualFold(seg, ver) {
			return ver, true
		}
	}
	return "", false
}

func firstSegment(path string) string {
	seg, _, _ := strings.Cut(strings.TrimPrefix(path, "/"), "/")
	return seg
}

// Violations returns what failed so far, one line each:
// "METHOD /vN/path?query: request|response: <reason>".
func (v *Validator) Violations() []string {
	v.mu.Lock()
	defer v.mu.Unlock()
	out := slices.Clone(v.violations)
	if v.dropped > 0 {
		out = append(out, fmt.Sprintf("... and %d more violations not stored", v.dropped))
	}
	return out
}

// Checked counts exchanges validated, per version prefix ("v6", "v7",
// "v8"), so a test can prove it validated something.
func (v *Validator) Checked() map[string]int {
	v.mu.Lock()
	defer v.mu.Unlock()
	return maps.Clone(v.checked)
}

// Skipped counts exchanges not validated because no schema covers their
// first path segment (for example "v1"), keyed by that segment.
func (v *Validator) Skipped() map[string]int {
	v.mu.Lock()
	defer v.mu.Unlock()
	return maps.Clone(v.skipped)
}

// Covered counts validated exchanges per schema operation and status, as
// "GET /v8/Jobs/{jobId} 200", so a test can prove it reached every
// operation it means to cover. Exchanges outside the schema are not in it.
func (v *Validator) Covered() map[string]int {
	v.mu.Lock()
	defer v.mu.Unlock()
	return maps.Clone(v.covered)
}

// Check fails t with every violation, and also when nothing was checked
// (a contract test that validated nothing proves nothing). Call it at the
// end of a test, after the server has finished its exchanges: a client can
// read the end of a body before the exchange is recorded, and
// httptest.Server.Close waits for the handlers. Besides the lines it logs a summary that folds array
// indices and ids, so one defect repeated on every item reads as one.
func (v *Validator) Check(t testing.TB) {
	t.Helper()
	checked, viol := v.Checked(), v.Violations()
	total := 0
	for _, n := range checked {
		total += n
	}
	if total == 0 {
		t.Errorf("contract: no exchange under /v6/, /v7/ or /v8/ was validated (skipped: %v)", v.Skipped())
	}
	if len(viol) == 0 {
		return
	}
	const shown = 200
	var b strings.Builder
	fmt.Fprintf(&b, "contract: %d violations of Veeam's schemas (checked %v)\n", len(viol), checked)
	for i, line := range viol {
		if i == shown {
			fmt.Fprintf(&b, "  ... %d more\n", len(viol)-shown)
			break
		}
		b.WriteString("  " + line + "\n")
	}
	b.WriteString("distinct defects:\n")
	for _, s := range Summarize(viol) {
		b.WriteString("  " + s + "\n")
	}
	t.Error(b.String())
}

var (
	uuidInText  = regexp.MustCompile(`[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}`)
	indexInPtr  = regexp.MustCompile(`/[0-9]+(/|:|$)`)
	queryInLine = regexp.MustCompile(`\?[^ :]*`)
)

// Summarize folds violation lines that differ only in ids, query strings
// and array indices, and counts each distinct one, most frequent first.
func Summarize(lines []string) []string {
	counts := map[string]int{}
	for _, l := range lines {
		l = uuidInText.ReplaceAllString(l, "{id}")
		l = queryInLine.ReplaceAllString(l, "")
		for indexInPtr.MatchString(l) {
			l = indexInPtr.ReplaceAllString(l, "/*$1")
		}
		counts[l]++
	}
	keys := slices.Collect(maps.Keys(counts))
	slices.SortFunc(keys, func(a, b string) int {
		if counts[a] != counts[b] {
			return counts[b] - counts[a]
		}
		return strings.Compare(a, b)
	})
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = fmt.Sprintf("%dx %s", counts[k], k)
	}
	return out
}
