package vboapi

import (
	"context"
	"time"
)

// CopyJob is a backup copy job as GET /vN/CopyJobs describes it: it copies
// the restore points of one backup job to an archive-tier object storage
// repository. Like Job, optional facts are pointers or zero times.
type CopyJob struct {
	ID          string
	Name        string
	BackupJobID string // the backup job whose restore points it copies
	// RepositoryID is the archive repository it copies to.
	RepositoryID string
	// OrganizationID is v8 only; on v6 and v7 it is the organization of
	// the backup job (Jobs).
	OrganizationID string
	Enabled        *bool
	LastStatus     string    // as sent, a value the schema's enum lacks included
	LastRun        time.Time // zero: the job never ran
	NextRun        time.Time // zero: no run is scheduled
	LastBackup     time.Time // v7 and later: the last successful run
	ScheduleType   string    // Immediate, Periodically or DailyAtTime
}

type wireCopyJob struct {
	ID             string  `json:"id"`
	Name           string  `json:"name"`
	BackupJobID    string  `json:"backupJobId"`
	RepositoryID   string  `json:"repositoryId"`
	OrganizationID string  `json:"organizationId"`
	IsEnabled      *bool   `json:"isEnabled"`
	LastStatus     string  `json:"lastStatus"`
	LastRun        *string `json:"lastRun"`
	NextRun        *string `json:"nextRun"`
	LastBackup     *string `json:"lastBackup"`
	SchedulePolicy struct {
		Type string `json:"type"`
	} `json:"schedulePolicy"`
}

// CopyJobs lists every backup copy job (v6 and later).
func (c *Client) CopyJobs(ctx context.Context) ([]CopyJob, error) {
	v, err := c.versionHaving("GET /CopyJobs", nil)
	if err != nil {
		return nil, err
	}
	var jobs []CopyJob
	l := list{endpoint: vpath(v, "/CopyJobs"), path: vpath(v, "/CopyJobs"), paged: v.Paged()}
	err = readList(ctx, c, l, 10000, func(w *wireCopyJob) error {
		if w.ID == "" {
			// Nothing can name its series: it is left out, and the
			// other copy jobs are still reported.
			return nil
		}
		jobs = append(jobs, CopyJob{
			ID: w.ID, Name: w.Name, BackupJobID: w.BackupJobID, RepositoryID: w.RepositoryID,
			OrganizationID: w.OrganizationID, Enabled: w.IsEnabled, LastStatus: w.LastStatus,
			LastRun: parseAPITime(w.LastRun), NextRun: parseAPITime(w.NextRun), LastBackup: parseAPITime(w.LastBackup),
			ScheduleType: w.SchedulePolicy.Type,
		})
		return nil
	})
	if err != nil {
		return nil, err
	}
	return jobs, nil
}
