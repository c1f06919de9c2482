package vboapi

import "context"

// ServiceInstance is what GET /vN/ServiceInstance says of the server.
type ServiceInstance struct {
	InstallationID string `json:"installationId"`
	Version        string `json:"version"` // the product's build number, e.g. 8.1.0.305
}

// ServiceInstance reads the product version and installation id (v6 and
// later; v1 has no such resource).
func (c *Client) ServiceInstance(ctx context.Context) (ServiceInstance, error) {
	var si ServiceInstance
	path := vpath(c.currentVersion(), "/ServiceInstance")
	err := c.getJSON(ctx, path, path, nil, func(raw []byte) error {
		return decodeStrict(raw, &si)
	})
	return si, err
}

// vpath is a path of version v; route templates for metrics are built the
// same way, so that a series says which version was asked.
func vpath(v Version, rest string) string { return "/" + string(v) + rest }
