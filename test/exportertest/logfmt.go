package exportertest

import (
	"fmt"
	"strconv"
	"strings"
)

// ParseLogfmt splits one logfmt line into its keys and values; a quoted
// value is unquoted with Go's rules, which cover logfmt's escapes. A key
// given twice is an error: a reader keeps one of the two values, so a line
// that repeats a key says less than it seems to.
func ParseLogfmt(line string) (map[string]string, error) {
	out := map[string]string{}
	s := strings.TrimSpace(line)
	for s != "" {
		eq := strings.IndexAny(s, "= ")
		if eq < 0 || s[eq] == ' ' {
			// A bare word (such as the "ready" line): no pair.
			if eq < 0 {
				return out, nil
			}
			s = strings.TrimLeft(s[eq:], " ")
			continue
		}
		key, rest := s[:eq], s[eq+1:]
		val, rest, err := logfmtValue(key, rest)
		if err != nil {
			return nil, err
		}
		if _, dup := out[key]; dup {
			return nil, fmt.Errorf("key %s given twice", key)
		}
		out[key] = val
		s = strings.TrimLeft(rest, " ")
	}
	return out, nil
}

// logfmtValue reads the value at the start of rest, quoted or bare, and
// returns it with what follows it.
func logfmtValue(key, rest string) (val, after string, err error) {
	if !strings.HasPrefix(rest, `"`) {
		sp := strings.IndexByte(rest, ' ')
		if sp < 0 {
			sp = len(rest)
		}
		return rest[:sp], rest[sp:], nil
	}
	end := 1
	for end < len(rest) && rest[end] != '"' {
		if rest[end] == '\\' {
			end++
		}
		end++
	}
	if end >= len(rest) {
		return "", "", fmt.Errorf("unterminated value of %s", key)
	}
	v, err := strconv.Unquote(rest[:end+1])
	if err != nil {
		return "", "", fmt.Errorf("value of %s: %v", key, err)
	}
	return v, rest[end+1:], nil
}
