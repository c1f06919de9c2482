package vboapi

import (
	"context"
	"net/url"
	"time"
)

// UserData is what a backup repository holds of one user.
type UserData struct {
	ID    string
	Email string
	// MailboxBackedUp is true only where the API sent JSON true.
	MailboxBackedUp bool
	MailboxTime     time.Time // zero when the API gave none
	OrganizationID  string
}

type wireUserData struct {
	ID                  string  `json:"id"`
	Email               string  `json:"email"`
	IsMailboxBackedUp   *bool   `json:"isMailboxBackedUp"`
	MailboxBackedUpTime *string `json:"mailboxBackedUpTime"`
	OrganizationID      string  `json:"organizationId"`
}

// RepositoryUserData calls each for every user whose data the repository
// holds, of any organization (the API has no organization filter).
func (c *Client) RepositoryUserData(ctx context.Context, repositoryID string, pageSize int, each func(*UserData) error) error {
	v := c.currentVersion()
	return readList(ctx, c, list{
		endpoint: vpath(v, "/BackupRepositories/{id}/UserData"),
		path:     vpath(v, "/BackupRepositories/"+url.PathEscape(repositoryID)+"/UserData"),
		paged:    true,
		// Read behind the scope lists, so that its entries find their
		// mailboxes as they arrive (see slots).
		deferrable: true,
		itemKey:    func(d any) string { return d.(*wireUserData).ID },
	}, pageSize, func(w *wireUserData) error {
		return each(&UserData{
			ID: w.ID, Email: w.Email, OrganizationID: w.OrganizationID,
			MailboxBackedUp: isTrue(w.IsMailboxBackedUp),
			MailboxTime:     parseAPITime(w.MailboxBackedUpTime),
		})
	})
}
