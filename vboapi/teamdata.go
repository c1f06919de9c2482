package vboapi

import (
	"context"
	"net/url"
	"time"
)

// TeamData is a team a backup repository holds a backup of. The API lists
// only teams it backed up: there is no flag.
type TeamData struct {
	ID          string
	DisplayName string
	// BackedUpTime is zero where the API gave none.
	BackedUpTime   time.Time
	OrganizationID string
}

type wireTeamData struct {
	ID             string  `json:"id"`
	DisplayName    string  `json:"displayName"`
	BackedUpTime   apiTime `json:"backedUpTime"`
	OrganizationID string  `json:"organizationId"`
}

// RepositoryTeamData calls each for every team whose data the repository
// holds, of any organization (the API has no organization filter).
func (c *Client) RepositoryTeamData(ctx context.Context, repositoryID string, pageSize int, each func(*TeamData) error) error {
	v := c.currentVersion()
	return readList(ctx, c, list{
		endpoint: vpath(v, "/BackupRepositories/{id}/TeamData"),
		path:     vpath(v, "/BackupRepositories/"+url.PathEscape(repositoryID)+"/TeamData"),
		paged:    true,
		// Behind the scope lists, as the user data.
		deferrable: true,
		itemKey:    func(d any) string { return d.(*wireTeamData).ID },
	}, pageSize, func(w *wireTeamData) error {
		return each(&TeamData{
			ID: w.ID, DisplayName: w.DisplayName, OrganizationID: w.OrganizationID,
			BackedUpTime: w.BackedUpTime.t,
		})
	})
}
