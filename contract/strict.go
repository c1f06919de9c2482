package contract

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"mime"
	"net/url"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"
)

// undeclared reports object properties of value that its schema does not
// declare. kin-openapi cannot: Veeam's schemas leave additionalProperties
// unset, which JSON Schema reads as "anything goes". Values that do not fit
// their schema at all are left to kin-openapi's own report.
func undeclared(ref *openapi3.SchemaRef, value any) []string {
	w := &walker{seen: map[string]bool{}}
	w.walk(ref, value, "", nameOr(ref, ""))
	return w.out
}

type walker struct {
	out  []string
	seen map[string]bool // lines, since allOf branches can report twice
}

// maxDepth stops self-referencing schemas on a self-nesting value.
const maxDepth = 64

func (w *walker) walk(ref *openapi3.SchemaRef, value any, ptr, owner string) {
	if ref == nil || ref.Value == nil || value == nil || strings.Count(ptr, "/") > maxDepth {
		return
	}
	parts := applicable(ref, value, 0)
	switch val := value.(type) {
	case map[string]any:
		w.object(parts, val, ptr, owner)
	case []any:
		for _, p := range parts {
			if items := p.Value.Items; items != nil {
				for i, e := range val {
					w.walk(items, e, fmt.Sprintf("%s/%d", ptr, i), nameOr(items, owner))
				}
			}
		}
	}
}

func (w *walker) object(parts []*openapi3.SchemaRef, val map[string]any, ptr, owner string) {
	declared := map[string][]*openapi3.SchemaRef{}
	named := map[string]bool{}
	var extra []*openapi3.SchemaRef
	hasProps, explicit := false, false
	for _, p := range parts {
		for k, pr := range p.Value.Properties {
			declared[k] = append(declared[k], pr)
			named[k] = true
			hasProps = true
		}
		// A required name is declared even without a schema: v6
		// RESTBackupUserData requires itemType and repositoryId but
		// lists neither under properties, and a server obeying it
		// must not be faulted for sending them.
		for _, k := range p.Value.Required {
			named[k] = true
		}
		ap := p.Value.AdditionalProperties
		if ap.Schema != nil {
			extra = append(extra, ap.Schema)
		}
		// additionalProperties true opens the object; false closes it
		// and kin-openapi reports the extras itself.
		explicit = explicit || ap.Has != nil
	}
	// An object schema that declares no property is free-form.
	open := explicit || !hasProps
	// An inline schema built from a named one (allOf: [$ref]) is named
	// after it; a named schema keeps its own name.
	if refName(parts[0]) == "" {
		for _, p := range parts[1:] {
			if name := refName(p); name != "" {
				owner = name
				break
			}
		}
	}
	for _, k := range slices.Sorted(maps.Keys(val)) {
		sub := ptr + "/" + escapePointer(k)
		switch {
		case named[k]:
			for _, r := range declared[k] {
				w.walk(r, val[k], sub, nameOr(r, owner))
			}
		case len(extra) > 0:
			for _, r := range extra {
				w.walk(r, val[k], sub, nameOr(r, owner))
			}
		case !open:
			w.add(fmt.Sprintf("%s: property %q is not declared in %s", orRoot(ptr), k, orInline(owner)))
		}
	}
}

func (w *walker) add(line string) {
	if !w.seen[line] {
		w.seen[line] = true
		w.out = append(w.out, line)
	}
}

// applicable lists the schemas that together describe value: ref itself,
// every allOf member, and the oneOf/anyOf branches value actually matches
// (a property is declared if the branch in force declares it).
func applicable(ref *openapi3.SchemaRef, value any, depth int) []*openapi3.SchemaRef {
	if ref == nil || ref.Value == nil || depth > maxDepth {
		return nil
	}
	s := ref.Value
	out := []*openapi3.SchemaRef{ref}
	for _, sub := range s.AllOf {
		out = append(out, applicable(sub, value, depth+1)...)
	}
	for _, branches := range []openapi3.SchemaRefs{s.OneOf, s.AnyOf} {
		for _, b := range branches {
			if b.Value != nil && b.Value.VisitJSON(value, append(schemaOptions(), openapi3.VisitAsResponse())...) == nil {
				out = append(out, applicable(b, value, depth+1)...)
			}
		}
	}
	return out
}

// refName is the component name of a $ref ("RESTJob"), or "".
func refName(ref *openapi3.SchemaRef) string {
	if i := strings.LastIndex(ref.Ref, "/"); i >= 0 {
		return ref.Ref[i+1:]
	}
	return ""
}

func nameOr(ref *openapi3.SchemaRef, owner string) string {
	if n := refName(ref); n != "" {
		return n
	}
	return owner
}

func orRoot(ptr string) string {
	if ptr == "" {
		return "/"
	}
	return ptr
}

func orInline(owner string) string {
	if owner == "" {
		return "the inline schema"
	}
	return owner
}

// escapePointer escapes a key as an RFC 6901 reference token.
func escapePointer(k string) string {
	return strings.ReplaceAll(strings.ReplaceAll(k, "~", "~0"), "/", "~1")
}

// decodeJSON decodes like kin-openapi does, keeping numbers exact.
func decodeJSON(body []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	return v, nil
}

func isJSONType(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && (mt == "application/json" || strings.HasSuffix(mt, "+json"))
}

// strictResponseBody reports undeclared properties in a JSON response body.
// Bodies that do not decode were already reported by kin-openapi.
func strictResponseBody(ref *openapi3.ResponseRef, contentType string, body []byte) []string {
	if ref == nil || ref.Value == nil || !isJSONType(contentType) {
		return nil
	}
	mt := ref.Value.Content.Get(contentType)
	if mt == nil || mt.Schema == nil {
		return nil
	}
	v, err := decodeJSON(body)
	if err != nil {
		return nil
	}
	return prefixed("body ", undeclared(mt.Schema, v))
}

// strictRequestBody reports form fields or JSON properties of a request
// body (POST /token) that the operation's schema does not declare.
func strictRequestBody(route *routers.Route, ex *exchange) []string {
	rb := route.Operation.RequestBody
	ct := ex.header.Get("Content-Type")
	if rb == nil || rb.Value == nil || len(ex.reqBody) == 0 {
		return nil
	}
	mt := rb.Value.Content.Get(ct)
	if mt == nil || mt.Schema == nil || mt.Schema.Value == nil {
		return nil
	}
	if base, _, _ := mime.ParseMediaType(ct); base == "application/x-www-form-urlencoded" {
		form, err := url.ParseQuery(string(ex.reqBody))
		if err != nil {
			return nil
		}
		var out []string
		for _, k := range slices.Sorted(maps.Keys(form)) {
			if _, ok := mt.Schema.Value.Properties[k]; !ok {
				out = append(out, fmt.Sprintf("body: form field %q is not declared in the schema", k))
			}
		}
		return out
	}
	if !isJSONType(ct) {
		return nil
	}
	v, err := decodeJSON(ex.reqBody)
	if err != nil {
		return nil
	}
	return prefixed("body ", undeclared(mt.Schema, v))
}
