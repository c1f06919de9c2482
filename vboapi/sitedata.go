package vboapi

import (
	"context"
	"net/url"
	"time"
)

// SiteData is a SharePoint site a backup repository holds a backup of.
// The API lists only sites it backed up: there is no flag.
type SiteData struct {
	ID    string
	URL   string
	Title string
	// BackedUpTime is zero where the API gave none.
	BackedUpTime   time.Time
	OrganizationID string
}

type wireSiteData struct {
	ID             string  `json:"id"`
	URL            string  `json:"url"`
	Title          string  `json:"title"`
	BackedUpTime   apiTime `json:"backedUpTime"`
	OrganizationID string  `json:"organizationId"`
}

// RepositorySiteData calls each for every site whose data the repository
// holds, of any organization (the API has no organization filter).
func (c *Client) RepositorySiteData(ctx context.Context, repositoryID string, pageSize int, each func(*SiteData) error) error {
	v := c.currentVersion()
	return readList(ctx, c, list{
		endpoint: vpath(v, "/BackupRepositories/{id}/SiteData"),
		path:     vpath(v, "/BackupRepositories/"+url.PathEscape(repositoryID)+"/SiteData"),
		paged:    true,
		// Behind the scope lists, as the user data.
		deferrable: true,
		itemKey:    func(d any) string { return d.(*wireSiteData).ID },
	}, pageSize, func(w *wireSiteData) error {
		return each(&SiteData{
			ID: w.ID, URL: w.URL, Title: w.Title, OrganizationID: w.OrganizationID,
			BackedUpTime: w.BackedUpTime.t,
		})
	})
}
