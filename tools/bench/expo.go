//go:build linux

package main

import (
	"bytes"
	"strconv"
)

// series is one sample of the text exposition.
type series struct {
	labels string
	value  float64
}

// exposition maps a metric name to its samples. Only what the harness reads
// is supported: untyped text lines "name{labels} value".
type exposition map[string][]series

func parseExposition(body []byte) exposition {
	m := exposition{}
	for line := range bytes.SplitSeq(body, []byte("\n")) {
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		sp := bytes.LastIndexByte(line, ' ')
		if sp < 0 {
			continue
		}
		v, err := strconv.ParseFloat(string(line[sp+1:]), 64)
		if err != nil {
			continue
		}
		key := line[:sp]
		name, labels := key, []byte(nil)
		if i := bytes.IndexByte(key, '{'); i >= 0 {
			name, labels = key[:i], key[i:]
		}
		m[string(name)] = append(m[string(name)], series{string(labels), v})
	}
	return m
}

// sum adds every series of a metric, e.g. requests over all endpoints and codes.
func (m exposition) sum(name string) float64 {
	var t float64
	for _, s := range m[name] {
		t += s.value
	}
	return t
}
