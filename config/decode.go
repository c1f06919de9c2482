package config

import (
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"

	promconfig "github.com/prometheus/common/config"
	"github.com/prometheus/common/model"
	"go.yaml.in/yaml/v3"
)

// maxNodesVisited bounds the work done on a file whose aliases expand into
// a huge tree ("billion laughs"); real configs are far below it.
const maxNodesVisited = 200_000

// decoder walks the yaml.Node tree against the Go types itself instead of
// using yaml.v3's Decoder.KnownFields, as tried for #19: the errors of
// durations, TLS versions, the TLS config check and the URL come back from
// yaml.v3 with neither line nor key and end the decode; its type errors
// quote the value, a password's too; and it skips null keys, drops null
// list items and applies merge keys. Mapping its errors back to keys needed
// an index that walked the node tree against the types all the same, and
// made the package longer.
type decoder struct {
	file string
	// lines maps a key path (servers[0].jobs[1].id) to the line of the key,
	// or of the list item for indexed paths, for errors found after decoding.
	lines  map[string]int
	budget int
}

var (
	unmarshalerType = reflect.TypeFor[yaml.Unmarshaler]()
	defaulterType   = reflect.TypeFor[interface{ setDefaults() }]()
)

func (d *decoder) errorf(line int, path, format string, args ...any) *Error {
	return &Error{File: d.file, Line: line, Path: path, Msg: fmt.Sprintf(format, args...)}
}

// lineOf falls back to the nearest enclosing entry, which is where a
// missing key would have to be added.
func (d *decoder) lineOf(path string) int {
	for {
		if l, ok := d.lines[path]; ok {
			return l
		}
		if path == "" {
			return 0
		}
		path = parentPath(path)
	}
}

func parentPath(path string) string {
	if strings.HasSuffix(path, "]") {
		return path[:strings.LastIndexByte(path, '[')]
	}
	if i := strings.LastIndexByte(path, '.'); i >= 0 {
		return path[:i]
	}
	return ""
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// decodeValue decodes n into v. Alias nodes are followed for content, but
// errors use the line where the alias is used, which is what the user edits.
func (d *decoder) decodeValue(n *yaml.Node, v reflect.Value, path string) error {
	d.budget--
	if d.budget < 0 {
		return d.errorf(n.Line, path, "too many values after expanding aliases")
	}
	line := n.Line
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	// An empty value (`key:`) means "use the default", like a missing key.
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" {
		return nil
	}
	t := v.Type()
	switch {
	case reflect.PointerTo(t).Implements(unmarshalerType):
	case t.Kind() == reflect.Struct:
		return d.decodeStruct(n, line, v, path)
	case t.Kind() == reflect.Slice && (t.Elem().Kind() == reflect.Struct || t.Elem().Kind() == reflect.String):
		return d.decodeList(n, line, v, path)
	}
	return d.decodeLeaf(n, line, v, path)
}

func (d *decoder) decodeStruct(n *yaml.Node, line int, v reflect.Value, path string) error {
	if n.Kind != yaml.MappingNode {
		return d.errorf(line, path, "must be a mapping of keys to values, got %s", describeNode(n, false))
	}
	fields := yamlFields(v.Type())
	seen := make(map[string]int, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			return d.errorf(k.Line, path, "keys must be plain strings, got %s", describeNode(k, false))
		}
		name, child := k.Value, joinPath(path, k.Value)
		if name == "<<" {
			return d.errorf(k.Line, path, "merge keys (<<) are not supported; write the settings out")
		}
		if first, ok := seen[name]; ok {
			return d.errorf(k.Line, child, "duplicate key, first set at line %d", first)
		}
		seen[name] = k.Line
		idx, ok := fields[name]
		if !ok {
			return d.errorf(k.Line, child, "unknown key%s", suggest(name, fields))
		}
		d.lines[child] = k.Line
		if err := d.decodeValue(val, v.Field(idx), child); err != nil {
			return err
		}
	}
	return nil
}

func (d *decoder) decodeList(n *yaml.Node, line int, v reflect.Value, path string) error {
	if n.Kind != yaml.SequenceNode {
		return d.errorf(line, path, "must be a list, got %s", describeNode(n, false))
	}
	list := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
	for i, item := range n.Content {
		ip := path + "[" + strconv.Itoa(i) + "]"
		d.lines[ip] = item.Line
		elem := list.Index(i)
		if elem.Addr().Type().Implements(defaulterType) {
			elem.Addr().Interface().(interface{ setDefaults() }).setDefaults()
		}
		if err := d.decodeValue(item, elem, ip); err != nil {
			return err
		}
	}
	v.Set(list)
	return nil
}

func (d *decoder) decodeLeaf(n *yaml.Node, line int, v reflect.Value, path string) error {
	err := n.Decode(v.Addr().Interface())
	if err == nil {
		return nil
	}
	// The password field must never echo its value, whatever went wrong.
	secret := v.Type() == reflect.TypeFor[promconfig.Secret]()
	var te *yaml.TypeError
	if errors.As(err, &te) || secret {
		return d.errorf(line, path, "must be %s, got %s", describeType(v.Type()), describeNode(n, secret))
	}
	return d.errorf(line, path, "%s", strings.TrimPrefix(err.Error(), "yaml: "))
}

// yamlFields maps each yaml key of t to its field index, mirroring how
// yaml.v3 names fields so the accepted keys are exactly the decodable ones.
func yamlFields(t reflect.Type) map[string]int {
	fields := make(map[string]int, t.NumField())
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		switch name {
		case "-":
			continue
		case "":
			name = strings.ToLower(f.Name)
		}
		fields[name] = i
	}
	return fields
}

func describeType(t reflect.Type) string {
	switch t {
	case reflect.TypeFor[model.Duration]():
		return "a duration such as 30s or 5m"
	case reflect.TypeFor[promconfig.TLSVersion]():
		return "one of TLS10, TLS11, TLS12, TLS13"
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Bool:
		return "true or false"
	case reflect.String:
		return "a string"
	}
	return "a " + t.String()
}

func describeNode(n *yaml.Node, secret bool) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if secret {
			return "a " + strings.TrimPrefix(n.ShortTag(), "!!") + " value"
		}
		v := n.Value
		if len(v) > 40 {
			v = v[:40] + "..."
		}
		return strconv.Quote(v)
	}
	return "an unexpected value"
}

// suggest catches the common typo and case slips (pasword_file, PageSize).
func suggest(name string, fields map[string]int) string {
	best, bestDist := "", 3
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	norm := strings.ToLower(strings.ReplaceAll(name, "-", "_"))
	for _, k := range keys {
		dist := editDistance(norm, k)
		if strings.ReplaceAll(k, "_", "") == strings.ReplaceAll(norm, "_", "") {
			dist = 0
		}
		if dist < bestDist {
			best, bestDist = k, dist
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

func editDistance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		return 64
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
