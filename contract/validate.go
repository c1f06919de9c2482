package contract

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
)

// validate returns the schema path template the exchange routed to ("" if
// none) and its violations, each starting with "request: " or "response: ".
// strict also reports properties the schema does not declare.
func (v *Validator) validate(s *spec, ex *exchange, strict bool) (string, []string) {
	req, err := http.NewRequest(ex.method, ex.url.String(), bytes.NewReader(ex.reqBody))
	if err != nil {
		return "", []string{"request: cannot rebuild request: " + err.Error()}
	}
	req.Header = ex.header
	route, pathParams, err := s.router.FindRoute(req)
	if err != nil {
		// The server may rightly refuse what the schema does not have.
		if ex.status == http.StatusNotFound || ex.status == http.StatusMethodNotAllowed {
			return "", nil
		}
		why := s.caseHint(ex.url.Path)
		if s.pathKnown(req) {
			why = " (the schema has the path, not the method)"
		}
		return "", []string{fmt.Sprintf("request: operation not in Veeam's schema%s (answered %d)", why, ex.status)}
	}
	var out []string
	out = append(out, prefixed("request: ", v.checkRequest(route, pathParams, req, ex, strict))...)
	out = append(out, prefixed("response: ", v.checkResponse(route, pathParams, req, ex, strict))...)
	return route.Path, out
}

func prefixed(p string, lines []string) []string {
	for i := range lines {
		lines[i] = p + lines[i]
	}
	return lines
}

func (v *Validator) checkRequest(route *routers.Route, pathParams map[string]string, req *http.Request, ex *exchange, strict bool) []string {
	var out []string
	out = append(out, unknownQuery(route, ex)...)
	opts := &openapi3filter.Options{
		MultiError: true,
		// Defaults would be written into our copy only, but there is no
		// reason to let the library rewrite anything.
		SkipSettingDefaults:               true,
		RejectWhenRequestBodyNotSpecified: true,
		ExcludeRequestBody:                ex.reqTooLarge,
		AuthenticationFunc:                bearerPresent(ex.status),
		SchemaValidationOptions:           schemaOptions(),
	}
	if ex.reqTooLarge {
		out = append(out, "not validated: too large")
	}
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: pathParams, Route: route, Options: opts}
	if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil {
		out = append(out, flatten(err, secretOperation(route))...)
	}
	if strict && !ex.reqTooLarge {
		out = append(out, strictRequestBody(route, ex)...)
	}
	return out
}

// unknownQuery reports query parameters the operation does not declare:
// kin-openapi validates declared ones only, and a misspelt parameter is
// silently ignored by the real server, which is exactly the bug to catch.
func unknownQuery(route *routers.Route, ex *exchange) []string {
	declared := map[string]bool{}
	for _, ps := range []openapi3.Parameters{route.PathItem.Parameters, route.Operation.Parameters} {
		for _, p := range ps {
			if p.Value != nil && p.Value.In == openapi3.ParameterInQuery {
				declared[p.Value.Name] = true
			}
		}
	}
	var out []string
	for _, name := range slices.Sorted(maps.Keys(ex.url.Query())) {
		if declared[name] {
			continue
		}
		msg := fmt.Sprintf("query parameter %q is not declared by the operation", name)
		for d := range declared {
			if strings.EqualFold(d, name) {
				msg += fmt.Sprintf(" (the schema spells it %q)", d)
			}
		}
		out = append(out, msg)
	}
	return out
}

// errNoBearer is what a request to a protected operation without a bearer
// token gets, unless the server answered it 401 as it should, or 404: a
// client finds out which versions a server serves by probing each without
// credentials, and a server that does not serve the version says 404.
var errNoBearer = errors.New("no Bearer token in the Authorization header")

// bearerPresent checks presence only: the token's validity is the
// server's business, and probing without one is legitimate when the
// answer is 401 or 404.
func bearerPresent(status int) openapi3filter.AuthenticationFunc {
	return func(_ context.Context, in *openapi3filter.AuthenticationInput) error {
		if status == http.StatusUnauthorized || status == http.StatusNotFound || anonymous(in.RequestValidationInput.Route.Operation) {
			return nil
		}
		sch := in.SecurityScheme
		if sch == nil || sch.Type != "http" || !strings.EqualFold(sch.Scheme, "bearer") {
			return fmt.Errorf("security scheme %q is not HTTP bearer; cannot check it", in.SecuritySchemeName)
		}
		scheme, tok, ok := strings.Cut(in.RequestValidationInput.Request.Header.Get("Authorization"), " ")
		if !ok || !strings.EqualFold(scheme, "bearer") || strings.TrimSpace(tok) == "" {
			return errNoBearer
		}
		return nil
	}
}

// anonymous reports Veeam's x-anonymous mark. Veeam does not override the
// root security requirement on these operations, so without this check
// POST /token itself would demand a token.
func anonymous(op *openapi3.Operation) bool {
	b, _ := op.Extensions["x-anonymous"].(bool)
	return b
}

// secretOperation is true for the token operation, whose bodies carry
// passwords and tokens that must not be printed in a violation.
func secretOperation(route *routers.Route) bool {
	return strings.HasSuffix(route.Path, "/token")
}

func (v *Validator) checkResponse(route *routers.Route, pathParams map[string]string, req *http.Request, ex *exchange, strict bool) []string {
	st := ex.status
	responses := route.Operation.Responses
	switch {
	case st >= 200 && st < 300:
		// kin-openapi falls back to "default" for any status; Veeam's
		// default is the failure response, so a success status the
		// operation does not list is a defect even though it would match.
		if responses.Status(st) == nil {
			return []string{fmt.Sprintf("status %d is not a documented success status of the operation (documented: %s)",
				st, strings.Join(slices.Sorted(maps.Keys(responses.Map())), ", "))}
		}
	case st >= 400 && st < 600:
		// Errors are checked only where the schema describes them.
		if ref := responseFor(responses, st); ref == nil || ref.Value == nil || len(ref.Value.Content) == 0 {
			return nil
		}
	default:
		return nil
	}
	if ex.respTooLarge {
		return []string{"not validated: too large"}
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: pathParams, Route: route},
		Status:                 st,
		Header:                 ex.respHeader,
		Options: &openapi3filter.Options{
			IncludeResponseStatus:   true,
			MultiError:              true,
			SchemaValidationOptions: schemaOptions(),
		},
	}
	in.SetBodyBytes(ex.respBody)
	var out []string
	if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
		out = append(out, flatten(err, secretOperation(route))...)
	}
	if strict {
		out = append(out, strictResponseBody(responseFor(responses, st), ex.respHeader.Get("Content-Type"), ex.respBody)...)
	}
	return out
}

// responseFor is the response object kin-openapi validates a status
// against: the exact or ranged status, else default.
func responseFor(responses *openapi3.Responses, status int) *openapi3.ResponseRef {
	if ref := responses.Status(status); ref != nil {
		return ref
	}
	return responses.Default()
}

// pathKnown reports whether the path routes under another method: the
// legacy router says "path not found" for a templated path whatever the
// method, so ask it about the methods the schemas use.
func (s *spec) pathKnown(r *http.Request) bool {
	for _, m := range []string{http.MethodGet, http.MethodPost} {
		if m == r.Method {
			continue
		}
		probe := r.Clone(context.Background())
		probe.Method = m
		if _, _, err := s.router.FindRoute(probe); err == nil {
			return true
		}
	}
	return false
}

// caseHint names the schema's spelling when a path differs from a schema
// path only in letter case, which the server accepts and the schema not.
func (s *spec) caseHint(path string) string {
	segs := strings.Split(strings.Trim(path, "/"), "/")
	for _, tmpl := range slices.Sorted(maps.Keys(s.doc.Paths.Map())) {
		t := strings.Split(strings.Trim(tmpl, "/"), "/")
		if len(t) != len(segs) {
			continue
		}
		match := true
		for i := range t {
			if !strings.HasPrefix(t[i], "{") && !strings.EqualFold(t[i], segs[i]) {
				match = false
				break
			}
		}
		if match {
			return " (paths are case-sensitive; the schema has " + tmpl + ")"
		}
	}
	return ""
}
