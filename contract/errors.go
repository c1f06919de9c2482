package contract

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
)

// flatten turns kin-openapi's nested errors into one short line per
// failure. Their own Error() strings print whole schemas over many lines,
// which buries the one field that is wrong. With secret set, offending
// values are left out (token bodies carry passwords and tokens).
func flatten(err error, secret bool) []string {
	var out []string
	var walk func(prefix string, err error)
	walk = func(prefix string, err error) {
		switch e := err.(type) {
		case nil:
		case openapi3.MultiError:
			for _, x := range e {
				walk(prefix, x)
			}
		case *openapi3filter.RequestError:
			p := prefix
			switch {
			case e.Parameter != nil:
				p += fmt.Sprintf("%s parameter %q: ", e.Parameter.In, e.Parameter.Name)
			case e.RequestBody != nil && isSchemaMismatch(e.Reason):
				walk(p+"body ", e.Err)
				return
			case e.RequestBody != nil:
				p += "body: "
			}
			if e.Err == nil {
				out = append(out, p+e.Reason)
				return
			}
			if e.Reason != "" && e.Reason != e.Err.Error() {
				p += e.Reason + ": "
			}
			walk(p, e.Err)
		case *openapi3filter.ResponseError:
			switch {
			case isSchemaMismatch(e.Reason):
				walk(prefix+"body ", e.Err)
			case e.Err == nil:
				out = append(out, prefix+e.Reason)
			default:
				walk(prefix+e.Reason+": ", e.Err)
			}
		case *openapi3filter.SecurityRequirementsError:
			var msgs []string
			for _, x := range e.Errors {
				var re *openapi3filter.RequestError
				if errors.As(x, &re) && re.Err != nil {
					x = re.Err
				}
				msgs = append(msgs, x.Error())
			}
			out = append(out, prefix+"security: "+strings.Join(msgs, "; "))
		case *openapi3.SchemaError:
			line := prefix + "/" + strings.Join(e.JSONPointer(), "/") + ": " + e.Reason
			if !secret && e.SchemaField != "required" {
				line += " (got " + shortValue(e.Value) + ")"
			}
			out = append(out, line)
		case *openapi3filter.ParseError:
			if !secret {
				out = append(out, prefix+oneLine(e.Error()))
				return
			}
			out = append(out, prefix+parseReasons(e)+" (value withheld)")
		default:
			out = append(out, prefix+oneLine(err.Error()))
		}
	}
	walk("", err)
	return out
}

// parseReasons renders a ParseError without the value it failed on.
func parseReasons(e *openapi3filter.ParseError) string {
	var path, reasons []string
	for _, p := range e.Path() {
		path = append(path, fmt.Sprint(p))
	}
	for cur := e; cur != nil; {
		if cur.Reason != "" {
			reasons = append(reasons, cur.Reason)
		}
		next, _ := cur.Cause.(*openapi3filter.ParseError)
		cur = next
	}
	msg := strings.Join(reasons, ": ")
	if len(path) > 0 {
		msg = "path " + strings.Join(path, ".") + ": " + msg
	}
	return msg
}

// isSchemaMismatch recognises kin-openapi's "doesn't match schema #/…"
// preamble, which the JSON pointer of each SchemaError makes redundant.
func isSchemaMismatch(reason string) bool {
	return strings.Contains(reason, "doesn't match schema")
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// shortValue renders an offending value as JSON, cut to a readable size.
func shortValue(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("%v", v)
	}
	const limit = 80
	if len(b) > limit {
		return string(b[:limit]) + "…"
	}
	return string(b)
}
