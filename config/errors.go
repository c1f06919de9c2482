package config

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// Error is a problem at a known place in the config file. Its text is
// "file:line: key.path: message", the form editors and CI logs turn into a
// clickable location. Line is 0 only when the file could not be read, and
// Path is empty for problems that are not about one key (syntax errors).
type Error struct {
	File string
	Line int
	Path string
	Msg  string
	err  error
}

// Error formats the location first so the message reads like a compiler's.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		b.WriteString(":")
		b.WriteString(strconv.Itoa(e.Line))
	}
	b.WriteString(": ")
	if e.Path != "" {
		b.WriteString(e.Path)
		b.WriteString(": ")
	}
	// One line always: a multi-line message would break log parsers.
	b.WriteString(strings.ReplaceAll(e.Msg, "\n", " "))
	return b.String()
}

// Unwrap lets callers test for causes such as fs.ErrNotExist.
func (e *Error) Unwrap() error { return e.err }

var yamlPrefixRE = regexp.MustCompile(`^yaml: (?:line (\d+): )?`)

// maxLinesToLocate bounds the quadratic search in syntaxError.
const maxLinesToLocate = 5000

// syntaxError turns a yaml.v3 parse error into an *Error. yaml.v3 reports
// the line where the enclosing block starts, often far above the mistake,
// and no line at all for errors on line 1 or for bad bytes. Since YAML is
// line-oriented, the first prefix of the file that fails with the same
// message ends on the line to fix.
func syntaxError(file string, data []byte, err error) *Error {
	m := yamlPrefixRE.FindStringSubmatch(err.Error())
	msg := yamlPrefixRE.ReplaceAllString(err.Error(), "")
	line := 0
	if m != nil && m[1] != "" {
		line, _ = strconv.Atoi(m[1])
	}
	lines := bytes.SplitAfter(data, []byte("\n"))
	if len(lines) <= maxLinesToLocate {
		for k := max(line, 1); k <= len(lines); k++ {
			perr := firstYAMLError(bytes.Join(lines[:k], nil))
			if perr != nil && yamlPrefixRE.ReplaceAllString(perr.Error(), "") == msg {
				line = k
				break
			}
		}
	}
	if line == 0 {
		line = badByteLine(data)
	}
	return &Error{File: file, Line: line, Msg: "invalid YAML: " + msg, err: err}
}

func firstYAMLError(data []byte) error {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var n yaml.Node
		if err := dec.Decode(&n); err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
	}
}

// badByteLine returns the line of the first byte YAML refuses to read, or 1.
func badByteLine(data []byte) int {
	line := 1
	for len(data) > 0 {
		r, size := utf8.DecodeRune(data)
		switch {
		case r == utf8.RuneError && size == 1:
			return line
		case r == '\n':
			line++
		case r == '\t' || r == '\r' || r == 0x85:
		case r < 0x20 || (r >= 0x7f && r <= 0x9f):
			return line
		}
		data = data[size:]
	}
	return 1
}

// readError keeps the path out of the message because Error already
// starts with it.
func readError(file string, err error) *Error {
	var pe *fs.PathError
	cause := err
	if errors.As(err, &pe) {
		cause = pe.Err
	}
	return &Error{File: file, Msg: "cannot read config file: " + cause.Error(), err: err}
}
