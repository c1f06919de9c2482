package contract

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
)

// ValidateFixture validates a recorded response body against the schema
// of one operation, for decoder fixture tests elsewhere. version is "v6",
// "v7" or "v8"; pathTemplate is the schema's template with or without the
// version prefix ("/Jobs/{jobId}" or "/v8/Jobs/{jobId}"); status selects
// the documented response (else default). The body is taken to be
// application/json, and a v8 body is checked against both v8 files.
// Undeclared properties are reported as in a Validator with
// StrictProperties, against the 8.4 file only for v8 (recorded v8 fixtures
// are 8.4's). It returns nil when the body conforms, else one
// error whose lines are the violations.
func ValidateFixture(version, method, pathTemplate string, status int, body []byte) error {
	specs, err := loadSpecs()
	if err != nil {
		return err
	}
	names, ok := Schemas[version]
	if !ok {
		return fmt.Errorf("contract: no schema for version %q (have %v)", version, Versions)
	}
	var errs []error
	for _, name := range names {
		if err := validateFixture(specs[name], name == names[0], version, method, pathTemplate, status, body); err != nil {
			errs = append(errs, fmt.Errorf("%s%w", schemaLabel(version, name), err))
		}
	}
	return errors.Join(errs...)
}

func validateFixture(s *spec, strict bool, version, method, pathTemplate string, status int, body []byte) error {
	tmpl := pathTemplate
	if !strings.HasPrefix(tmpl, "/"+version+"/") {
		tmpl = "/" + version + "/" + strings.TrimPrefix(tmpl, "/")
	}
	item := s.doc.Paths.Value(tmpl)
	if item == nil {
		return fmt.Errorf("contract: %s is not a path of the %s schema", tmpl, version)
	}
	op := item.GetOperation(strings.ToUpper(method))
	if op == nil {
		return fmt.Errorf("contract: %s %s is not an operation of the %s schema", method, tmpl, version)
	}
	ref := responseFor(op.Responses, status)
	if ref == nil {
		return fmt.Errorf("contract: %s %s documents no response for status %d", method, tmpl, status)
	}
	route := &routers.Route{Spec: s.doc, Path: tmpl, PathItem: item, Method: strings.ToUpper(method), Operation: op}
	req, err := http.NewRequest(route.Method, tmpl, nil)
	if err != nil {
		return err
	}
	const ct = "application/json"
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, Route: route},
		Status:                 status,
		Header:                 http.Header{"Content-Type": {ct}},
		Options: &openapi3filter.Options{
			IncludeResponseStatus:   true,
			MultiError:              true,
			SchemaValidationOptions: schemaOptions(),
		},
	}
	in.SetBodyBytes(body)
	var lines []string
	if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
		lines = flatten(err, secretOperation(route))
	}
	if strict {
		lines = append(lines, strictResponseBody(ref, ct, body)...)
	}
	if len(lines) == 0 {
		return nil
	}
	errs := make([]error, len(lines))
	for i, l := range lines {
		errs[i] = fmt.Errorf("%s %s %d: %s", route.Method, tmpl, status, l)
	}
	return errors.Join(errs...)
}
