package vboapi

import (
	"context"
	"net/url"
	"time"
)

// UserData is what a backup repository holds of one user. Each
// ...BackedUp flag is true only where the API sent JSON true; each time is
// zero where the API gave none.
type UserData struct {
	ID    string
	Email string
	// MailboxBackedUp and MailboxTime: the primary mailbox.
	MailboxBackedUp bool
	MailboxTime     time.Time
	// ArchiveBackedUp and ArchiveTime: the archive mailbox.
	ArchiveBackedUp bool
	ArchiveTime     time.Time
	// OneDriveBackedUp and OneDriveTime: the user's OneDrive.
	OneDriveBackedUp bool
	OneDriveTime     time.Time
	// PersonalSiteBackedUp and PersonalSiteTime: the user's personal site.
	PersonalSiteBackedUp bool
	PersonalSiteTime     time.Time
	OrganizationID       string
}

// wireUserData decodes the workload flags and times other than the
// mailbox's as plain values (a null flag reads as false), which costs no
// allocation per entry.
type wireUserData struct {
	ID                       string  `json:"id"`
	Email                    string  `json:"email"`
	IsMailboxBackedUp        *bool   `json:"isMailboxBackedUp"`
	MailboxBackedUpTime      *string `json:"mailboxBackedUpTime"`
	IsArchiveBackedUp        bool    `json:"isArchiveBackedUp"`
	ArchiveBackedUpTime      apiTime `json:"archiveBackedUpTime"`
	IsOneDriveBackedUp       bool    `json:"isOneDriveBackedUp"`
	OneDriveBackedUpTime     apiTime `json:"oneDriveBackedUpTime"`
	IsPersonalSiteBackedUp   bool    `json:"isPersonalSiteBackedUp"`
	PersonalSiteBackedUpTime apiTime `json:"personalSiteBackedUpTime"`
	OrganizationID           string  `json:"organizationId"`
}

// RepositoryUserData calls each for every user whose data the repository
// holds, of any organization (the API has no organization filter). The
// entry each is given is valid during the call only: one is reused for the
// whole list, which may hold millions.
func (c *Client) RepositoryUserData(ctx context.Context, repositoryID string, pageSize int, each func(*UserData) error) error {
	v := c.currentVersion()
	var d UserData
	return readList(ctx, c, list{
		endpoint: vpath(v, "/BackupRepositories/{id}/UserData"),
		path:     vpath(v, "/BackupRepositories/"+url.PathEscape(repositoryID)+"/UserData"),
		paged:    true,
		// Read behind the scope lists, so that its entries find their
		// mailboxes as they arrive (see slots).
		deferrable: true,
		itemKey:    func(d any) string { return d.(*wireUserData).ID },
	}, pageSize, func(w *wireUserData) error {
		d = UserData{
			ID: w.ID, Email: w.Email, OrganizationID: w.OrganizationID,
			MailboxBackedUp:      isTrue(w.IsMailboxBackedUp),
			MailboxTime:          parseAPITime(w.MailboxBackedUpTime),
			ArchiveBackedUp:      w.IsArchiveBackedUp,
			ArchiveTime:          w.ArchiveBackedUpTime.t,
			OneDriveBackedUp:     w.IsOneDriveBackedUp,
			OneDriveTime:         w.OneDriveBackedUpTime.t,
			PersonalSiteBackedUp: w.IsPersonalSiteBackedUp,
			PersonalSiteTime:     w.PersonalSiteBackedUpTime.t,
		}
		return each(&d)
	})
}
