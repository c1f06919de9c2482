package contract

import (
	"context"
	"embed"
	"fmt"
	"math"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
)

//go:embed openapi/*.json openapi/README.md
var schemaFiles embed.FS

// Versions lists the REST API versions that have a schema, oldest first.
var Versions = []string{"v6", "v7", "v8"}

// Schemas lists, per version, the schema files its traffic is checked
// against. v8 has two: 8.4 dropped fields 8.0 has and added others, and a
// server of either minor release answers on /v8, so the simulator and the
// client must satisfy both.
var Schemas = map[string][]string{"v6": {"v6"}, "v7": {"v7"}, "v8": {"v8", "v8.0"}}

// spec is one version's parsed schema and its router. It is shared by every
// Validator and read concurrently, so nothing may write to it after load.
type spec struct {
	doc    *openapi3.T
	router routers.Router
}

// loadSpecs parses and validates the four documents once per test binary,
// keyed by schema name ("v8.0" for the 8.0-era v8 file): that costs
// ~150 ms, too much to repeat in every test under -count=20.
var loadSpecs = sync.OnceValues(func() (map[string]*spec, error) {
	out := map[string]*spec{}
	for _, v := range Versions {
		for _, name := range Schemas[v] {
			s, err := loadSpec(name)
			if err != nil {
				return nil, err
			}
			out[name] = s
		}
	}
	return out, nil
})

func loadSpec(version string) (*spec, error) {
	data, err := schemaFiles.ReadFile("openapi/" + schemaFile(version))
	if err != nil {
		return nil, err
	}
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(data)
	if err != nil {
		return nil, fmt.Errorf("contract: load %s schema: %w", version, err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("contract: %s schema is not valid OpenAPI: %w", version, err)
	}
	// The schemas name Veeam's default listener (https://localhost:4443),
	// which is never where a test serves; without servers the router
	// matches the request path alone.
	doc.Servers = nil
	// The legacy router needs no extra dependency, matches the spec's
	// literal path segments case-sensitively (as intended: the server's
	// case-insensitivity must not hide a client's wrong spelling), and
	// tells "path not found" from "method not allowed".
	r, err := legacy.NewRouter(doc)
	if err != nil {
		return nil, fmt.Errorf("contract: %s router: %w", version, err)
	}
	return &spec{doc: doc, router: r}, nil
}

// schemaFile is the embedded file of a schema name.
func schemaFile(name string) string { return "vb365_rest_" + name + ".trimmed.json" }

// schemaLabel marks a violation found by a version's second schema, so that
// a line says which minor release it breaks; the first schema's are bare.
func schemaLabel(version, name string) string {
	if name == version {
		return ""
	}
	return "[" + strings.TrimPrefix(name, "v") + " schema] "
}

// uuidRE is the textual UUID layout. The version and variant nibbles are
// not checked: .NET's Guid, which Veeam serialises, accepts any bits, and
// the schemas' own examples use the nil UUID.
var uuidRE = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// dateTimeRE is RFC 3339 section 5.6 date-time, which is what OpenAPI's
// date-time format means: a T separator and a mandatory offset. The RFC 1123
// form some OWIN endpoints print fails here, as it should. Lower-case t and
// z, which the RFC allows and nobody sends, are refused with Go's parser.
var dateTimeRE = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$`)

func validateUUID(s string) error {
	if !uuidRE.MatchString(s) {
		return fmt.Errorf("not a UUID (8-4-4-4-12 hex digits)")
	}
	return nil
}

func validateDateTime(s string) error {
	if !dateTimeRE.MatchString(s) {
		return fmt.Errorf("not an RFC 3339 date-time")
	}
	// The pattern admits 2024-02-30 and 25:00; the parser does not.
	if _, err := time.Parse(time.RFC3339Nano, s); err != nil {
		return fmt.Errorf("not an RFC 3339 date-time: %v", err)
	}
	return nil
}

// schemaOptions registers, per validation rather than in kin-openapi's
// global maps, every format the Veeam schemas use that has a checkable
// meaning: uuid is not checked by kin-openapi at all unless registered, and
// passing our own date-time and integer ranges means no other package's
// global registration can weaken them. "password" and "double" constrain
// nothing beyond the type.
func schemaOptions() []openapi3.SchemaValidationOption {
	return []openapi3.SchemaValidationOption{
		openapi3.WithStringFormatValidator("uuid", openapi3.NewCallbackValidator(validateUUID)),
		openapi3.WithStringFormatValidator("date-time", openapi3.NewCallbackValidator(validateDateTime)),
		openapi3.WithIntegerFormatValidator("int32", openapi3.NewRangeFormatValidator(int64(math.MinInt32), int64(math.MaxInt32))),
		openapi3.WithIntegerFormatValidator("int64", openapi3.NewRangeFormatValidator(int64(math.MinInt64), int64(math.MaxInt64))),
	}
}
