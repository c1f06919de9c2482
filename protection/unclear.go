package protection

import (
	"fmt"

	"github.com/vbo365-exporter/vbo365_exporter/vboapi"
)

// unclearJob says why a job's scope cannot be known from what the job
// list gave (nil when it can): without its backup type the exporter
// cannot tell an entire-organization job, whose scope is every user, from
// one whose scope is its selected items, and guessing either way could
// hide a mailbox.
func unclearJob(j *vboapi.Job) error {
	switch {
	case j.BackupType == "":
		return fmt.Errorf("the job list gives no backupType for job %q: its scope cannot be known", j.ID)
	case j.OrganizationID == "":
		return fmt.Errorf("the job list gives no organization for job %q: its scope cannot be known", j.ID)
	}
	return nil
}

// unclearItems says why one of a job's items cannot be read (nil when all
// can). An item whose type or object is null or absent would otherwise
// add (or remove) nothing without a trace: its mailboxes would be left
// out of every count. A null flag on an item that can be read is not
// unclear: it counts as false, by the rule of docs/protection-v6-v8.md.
func unclearItems(list string, items []vboapi.JobItem) error {
	for k := range items {
		if why := unclearItem(&items[k]); why != "" {
			return fmt.Errorf("%s item %d %s: the job's scope cannot be known", list, k+1, why)
		}
	}
	return nil
}

func unclearItem(it *vboapi.JobItem) string {
	switch it.Type {
	case "":
		return "has no type"
	case vboapi.ItemUser:
		if it.User == nil || it.User.ID == "" && it.User.Name == "" {
			return "(User) names no user"
		}
	case vboapi.ItemGroup:
		if it.Group == nil || it.Group.ID == "" {
			return "(Group) names no group"
		}
	case vboapi.ItemSite:
		if it.Site == nil || it.Site.ID == "" && it.Site.URL == "" {
			return "(Site) names no site"
		}
	case vboapi.ItemTeam:
		if it.Team == nil || it.Team.ID == "" {
			return "(Team) names no team"
		}
	}
	return ""
}
