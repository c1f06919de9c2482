package vboapi

import (
	"context"
	"io"
	"net/http"
	"slices"
	"strings"
)

// Health is the report of GET /v8/Health on the server's NATS server and
// PostgreSQL configuration database.
type Health struct {
	Status  string        // Healthy, Unhealthy, or a value the schema does not list, as sent
	Entries []HealthEntry // by name
}

// HealthEntry is the state of one checked component.
type HealthEntry struct {
	Name        string // the report's key, e.g. NATS or PostgreSQL
	Status      string // Healthy or Unhealthy
	Description string // empty when the server gave none
}

// Healthy reports whether the server says it is healthy.
func (h Health) Healthy() bool { return h.Status == "Healthy" }

type wireHealth struct {
	Status  string `json:"status"`
	Entries map[string]struct {
		Status      string `json:"status"`
		Description string `json:"description"`
	} `json:"entries"`
}

// Health reads GET /v8/Health; v6 and v7 have no such resource, and the
// error then wraps ErrNotInVersion. The operation is anonymous, so it is
// sent without a token: it answers even when the credentials do not. Peers
// report that an unhealthy server may answer it with a status other than
// 200; that comes back as an *APIError carrying the status.
func (c *Client) Health(ctx context.Context) (Health, error) {
	v, err := c.versionHaving("GET /Health", func(v Version) bool { return v == V8 })
	if err != nil {
		return Health{}, err
	}
	path := vpath(v, "/Health")
	var w wireHealth
	err = c.do(ctx, request{
		method:   http.MethodGet,
		endpoint: path,
		path:     path,
		decode: func(r io.Reader) error {
			raw, err := io.ReadAll(r)
			if err != nil {
				return err
			}
			return decodeStrict(raw, &w)
		},
	})
	if err != nil {
		return Health{}, err
	}
	h := Health{Status: w.Status}
	for name, e := range w.Entries {
		h.Entries = append(h.Entries, HealthEntry{Name: name, Status: e.Status, Description: e.Description})
	}
	slices.SortFunc(h.Entries, func(a, b HealthEntry) int { return strings.Compare(a.Name, b.Name) })
	return h, nil
}
