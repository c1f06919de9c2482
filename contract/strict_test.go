package contract

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// The trimmed Veeam schemas use no allOf, oneOf or anyOf, so the walker's
// handling of them is proven on a small schema of our own.
const combinators = `{"openapi":"3.0.1","info":{"title":"t","version":"1"},"paths":{},
"components":{"schemas":{
 "Base":{"type":"object","properties":{"id":{"type":"string"}}},
 "Derived":{"allOf":[{"$ref":"#/components/schemas/Base"},{"type":"object","properties":{"name":{"type":"string"}}}]},
 "Cat":{"type":"object","required":["meow"],"properties":{"meow":{"type":"boolean"}}},
 "Dog":{"type":"object","required":["bark"],"properties":{"bark":{"type":"boolean"}}},
 "Pet":{"oneOf":[{"$ref":"#/components/schemas/Cat"},{"$ref":"#/components/schemas/Dog"}]},
 "AnyPet":{"anyOf":[{"$ref":"#/components/schemas/Cat"},{"$ref":"#/components/schemas/Dog"}]},
 "Holder":{"type":"object","properties":{
  "pet":{"$ref":"#/components/schemas/Pet"},
  "maybe":{"allOf":[{"$ref":"#/components/schemas/Base"}],"nullable":true},
  "list":{"type":"array","items":{"$ref":"#/components/schemas/Derived"}},
  "free":{"type":"object"},
  "map":{"type":"object","additionalProperties":{"$ref":"#/components/schemas/Base"}},
  "open":{"type":"object","properties":{"a":{"type":"string"}},"additionalProperties":true},
  "closed":{"type":"object","properties":{"a":{"type":"string"}},"additionalProperties":false},
  "inline":{"type":"object","properties":{"a":{"type":"string"}}}}}
}}}`

func combinatorSchemas(t *testing.T) openapi3.Schemas {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData([]byte(combinators))
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return doc.Components.Schemas
}

func TestUndeclared(t *testing.T) {
	schemas := combinatorSchemas(t)
	cases := []struct {
		schema, value string
		want          []string
	}{
		{"Derived", `{"id":"1","name":"n"}`, nil},
		{"Derived", `{"id":"1","name":"n","extra":1}`, []string{`/: property "extra" is not declared in Derived`}},
		{"Pet", `{"meow":true}`, nil},
		{"Pet", `{"bark":false}`, nil},
		// Only the branch in force declares: bark is Dog's, not Cat's,
		// but with both present both branches match and both declare.
		{"Pet", `{"meow":true,"wag":1}`, []string{`/: property "wag" is not declared in Pet`}},
		{"AnyPet", `{"meow":true,"bark":true}`, nil},
		{"AnyPet", `{"meow":true,"purr":true}`, []string{`/: property "purr" is not declared in AnyPet`}},
		{"Holder", `{"maybe":null,"pet":null}`, nil},
		{"Holder", `{"maybe":{"id":"x","z":1}}`, []string{`/maybe: property "z" is not declared in Base`}},
		{"Holder", `{"list":[{"id":"1"},{"id":"2","x":0}]}`, []string{`/list/1: property "x" is not declared in Derived`}},
		{"Holder", `{"free":{"anything":1}}`, nil},
		{"Holder", `{"map":{"k1":{"id":"1"},"k/2":{"id":"2","q":1}}}`, []string{`/map/k~12: property "q" is not declared in Base`}},
		{"Holder", `{"open":{"a":"x","b":"y"}}`, nil},
		// additionalProperties false is kin-openapi's to report, not ours.
		{"Holder", `{"closed":{"a":"x","b":"y"}}`, nil},
		{"Holder", `{"inline":{"b":"y"}}`, []string{`/inline: property "b" is not declared in Holder`}},
		{"Holder", `{"pet":{"meow":true},"stray":1}`, []string{`/: property "stray" is not declared in Holder`}},
		// A value of the wrong type is kin-openapi's report, not a walk.
		{"Holder", `{"list":"nope","map":3}`, nil},
	}
	for _, c := range cases {
		var v any
		if err := json.Unmarshal([]byte(c.value), &v); err != nil {
			t.Fatal(err)
		}
		ref := &openapi3.SchemaRef{Ref: "#/components/schemas/" + c.schema, Value: schemas[c.schema].Value}
		got := undeclared(ref, v)
		if !slices.Equal(got, c.want) {
			t.Errorf("%s %s:\n got  %q\n want %q", c.schema, c.value, got, c.want)
		}
	}
}

// TestUndeclaredIsExhaustive: every stray key is named once, in order.
func TestUndeclaredIsExhaustive(t *testing.T) {
	schemas := combinatorSchemas(t)
	var v any
	_ = json.Unmarshal([]byte(`{"z":1,"a":2,"list":[{"m":1},{"m":2}]}`), &v)
	got := strings.Join(undeclared(&openapi3.SchemaRef{Ref: "#/components/schemas/Holder", Value: schemas["Holder"].Value}, v), "\n")
	want := strings.Join([]string{
		`/: property "a" is not declared in Holder`,
		`/list/0: property "m" is not declared in Derived`,
		`/list/1: property "m" is not declared in Derived`,
		`/: property "z" is not declared in Holder`,
	}, "\n")
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}
