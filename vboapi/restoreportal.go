package vboapi

import "context"

// RestorePortalSettings is the Restore Portal's configuration. Enabled is
// nil when the server did not say.
type RestorePortalSettings struct {
	Enabled       *bool
	ApplicationID string
	PortalURI     string // v7 and later
}

type wireRestorePortalSettings struct {
	ApplicationID    string `json:"applicationId"`
	MsalAuthorityURI string `json:"msalAuthorityUri"`
	RestorePortalURI string `json:"restorePortalUri"`
	IsEnabled        *bool  `json:"isEnabled"`
}

// RestorePortalSettings reads GET /vN/RestorePortalSettings (v6 and
// later). The schemas mark it anonymous; the token is sent all the same,
// as to every other resource.
func (c *Client) RestorePortalSettings(ctx context.Context) (RestorePortalSettings, error) {
	v, err := c.versionHaving("GET /RestorePortalSettings", nil)
	if err != nil {
		return RestorePortalSettings{}, err
	}
	var w wireRestorePortalSettings
	path := vpath(v, "/RestorePortalSettings")
	if err := c.getJSON(ctx, path, path, nil, func(raw []byte) error { return decodeStrict(raw, &w) }); err != nil {
		return RestorePortalSettings{}, err
	}
	return RestorePortalSettings{Enabled: w.IsEnabled, ApplicationID: w.ApplicationID, PortalURI: w.RestorePortalURI}, nil
}
