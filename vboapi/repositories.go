package vboapi

import (
	"context"
	"strings"
)

// Repository is a backup repository as GET /vN/BackupRepositories
// describes it. Flags and sizes are pointers: nil where the server sent
// null or the version has no such field, so that "unknown" never reads as
// false or empty.
type Repository struct {
	ID, Name, Description, Path string
	ProxyID                     string
	ProxyPoolID                 string // v8
	OrganizationID              string // v8: the organization it is dedicated to, if any
	// CapacityBytes and FreeSpaceBytes are those of the JET store on
	// disk; object storage has its own (ObjectStorage).
	CapacityBytes, FreeSpaceBytes *int64
	LongTerm                      *bool // an archive-tier object storage repository
	OutOfSync                     *bool // the proxy must resynchronise with the object storage
	// Outdated (must be upgraded), OutOfOrder (the "Invalid" state, with
	// OutOfOrderReason), Indexed and MigrationLocked are v8 only.
	Outdated, OutOfOrder, Indexed, MigrationLocked *bool
	OutOfOrderReason                               string
	EncryptionEnabled                              *bool // objectStorageEncryptionEnabled
	// ObjectStorageID names the object storage it extends to (v6, v7; on
	// v8 it is ObjectStorage.ID).
	ObjectStorageID string
	// ObjectStorage is the object storage it extends to, nil for a
	// repository on disk only: embedded on v8, read from
	// GET /vN/objectstoragerepositories on v6 and v7.
	ObjectStorage *ObjectStorage
}

// ObjectStorage is an object storage repository. v6 has no immutability
// fields, v7 only ImmutabilityEnabled.
type ObjectStorage struct {
	ID, Name string // Name: v6 and v7
	Type     string // AzureBlob, AmazonS3, AmazonS3Compatible, AzureBlobArchive, AmazonS3Glacier, WasabiCloud, IBMCloud
	// SizeLimitGB applies when SizeLimitEnabled; FreeSpaceBytes is only
	// given when a limit is set.
	SizeLimitEnabled           *bool
	SizeLimitGB                *int64
	UsedSpaceBytes             *int64
	FreeSpaceBytes             *int64
	ImmutabilityEnabled        *bool  // v7 and later
	ImmutabilityGovernanceMode *bool  // v8
	ImmutabilityPeriodDays     *int64 // v8
}

// UsedBytes is the space the repository uses: capacity less free space on
// disk, or the object storage's used space; ok is false when neither is
// known.
func (r Repository) UsedBytes() (used int64, ok bool) {
	if r.CapacityBytes != nil && r.FreeSpaceBytes != nil {
		return *r.CapacityBytes - *r.FreeSpaceBytes, true
	}
	if r.ObjectStorage != nil && r.ObjectStorage.UsedSpaceBytes != nil {
		return *r.ObjectStorage.UsedSpaceBytes, true
	}
	return 0, false
}

type wireRepository struct {
	ID                             string             `json:"id"`
	Name                           string             `json:"name"`
	Description                    string             `json:"description"`
	Path                           string             `json:"path"`
	ProxyID                        string             `json:"proxyId"`
	ProxyPoolID                    string             `json:"proxyPoolId"`
	OrganizationID                 string             `json:"organizationId"`
	CapacityBytes                  *int64             `json:"capacityBytes"`
	FreeSpaceBytes                 *int64             `json:"freeSpaceBytes"`
	IsLongTerm                     *bool              `json:"isLongTerm"`
	IsOutOfSync                    *bool              `json:"isOutOfSync"`
	IsOutdated                     *bool              `json:"isOutdated"`
	IsOutOfOrder                   *bool              `json:"isOutOfOrder"`
	IsIndexed                      *bool              `json:"isIndexed"`
	IsMigrationLocked              *bool              `json:"isMigrationLocked"`
	OutOfOrderReason               string             `json:"outOfOrderReason"`
	ObjectStorageEncryptionEnabled *bool              `json:"objectStorageEncryptionEnabled"`
	ObjectStorageID                string             `json:"objectStorageId"`
	ObjectStorage                  *wireObjectStorage `json:"objectStorage"`
}

type wireObjectStorage struct {
	ID                               string `json:"id"`
	Name                             string `json:"name"`
	Type                             string `json:"type"`
	SizeLimitEnabled                 *bool  `json:"sizeLimitEnabled"`
	SizeLimitGB                      *int64 `json:"sizeLimitGB"`
	UsedSpaceBytes                   *int64 `json:"usedSpaceBytes"`
	FreeSpaceBytes                   *int64 `json:"freeSpaceBytes"`
	EnableImmutability               *bool  `json:"enableImmutability"`
	EnableImmutabilityGovernanceMode *bool  `json:"enableImmutabilityGovernanceMode"`
	ImmutabilityPeriodDays           *int64 `json:"immutabilityPeriodDays"`
}

func (w *wireObjectStorage) storage() *ObjectStorage {
	if w == nil {
		return nil
	}
	return &ObjectStorage{
		ID: w.ID, Name: w.Name, Type: w.Type,
		SizeLimitEnabled: w.SizeLimitEnabled, SizeLimitGB: w.SizeLimitGB,
		UsedSpaceBytes: w.UsedSpaceBytes, FreeSpaceBytes: w.FreeSpaceBytes,
		ImmutabilityEnabled:        w.EnableImmutability,
		ImmutabilityGovernanceMode: w.EnableImmutabilityGovernanceMode,
		ImmutabilityPeriodDays:     w.ImmutabilityPeriodDays,
	}
}

func (w *wireRepository) repository() Repository {
	r := Repository{
		ID: w.ID, Name: w.Name, Description: w.Description, Path: w.Path,
		ProxyID: w.ProxyID, ProxyPoolID: w.ProxyPoolID, OrganizationID: w.OrganizationID,
		CapacityBytes: w.CapacityBytes, FreeSpaceBytes: w.FreeSpaceBytes,
		LongTerm: w.IsLongTerm, OutOfSync: w.IsOutOfSync, Outdated: w.IsOutdated, OutOfOrder: w.IsOutOfOrder,
		Indexed: w.IsIndexed, MigrationLocked: w.IsMigrationLocked, OutOfOrderReason: w.OutOfOrderReason,
		EncryptionEnabled: w.ObjectStorageEncryptionEnabled,
		ObjectStorageID:   w.ObjectStorageID,
		ObjectStorage:     w.ObjectStorage.storage(),
	}
	if r.ObjectStorageID == "" && r.ObjectStorage != nil {
		r.ObjectStorageID = r.ObjectStorage.ID
	}
	return r
}

// Repositories lists every backup repository (v6 and later). On v6 and v7
// it also reads the object storage list when a repository extends to
// object storage, so that ObjectStorage is filled on every version.
func (c *Client) Repositories(ctx context.Context) ([]Repository, error) {
	v, err := c.versionHaving("GET /BackupRepositories", nil)
	if err != nil {
		return nil, err
	}
	var repos []Repository
	l := list{endpoint: vpath(v, "/BackupRepositories"), path: vpath(v, "/BackupRepositories"), paged: v.Paged()}
	err = readList(ctx, c, l, 10000, func(w *wireRepository) error {
		if w.ID == "" {
			// Nothing can name its series, nor a job point at it:
			// it is left out, the others are still reported.
			return nil
		}
		repos = append(repos, w.repository())
		return nil
	})
	if err != nil {
		return nil, err
	}
	if v != V8 {
		if err := c.joinObjectStorage(ctx, v, repos); err != nil {
			return nil, err
		}
	}
	return repos, nil
}

// joinObjectStorage fills ObjectStorage on v6 and v7 from the one list of
// object storage, read only when some repository names one. A repository
// whose object storage is not in the list (removed meanwhile) keeps nil.
func (c *Client) joinObjectStorage(ctx context.Context, v Version, repos []Repository) error {
	needed := false
	for _, r := range repos {
		needed = needed || r.ObjectStorageID != ""
	}
	if !needed {
		return nil
	}
	byID := map[string]*ObjectStorage{}
	l := list{endpoint: vpath(v, "/objectstoragerepositories"), path: vpath(v, "/objectstoragerepositories")}
	err := readList(ctx, c, l, 10000, func(w *wireObjectStorage) error {
		byID[strings.ToLower(w.ID)] = w.storage()
		return nil
	})
	if err != nil {
		return err
	}
	for i := range repos {
		if s, ok := byID[strings.ToLower(repos[i].ObjectStorageID)]; ok && repos[i].ObjectStorageID != "" {
			copied := *s
			repos[i].ObjectStorage = &copied
		}
	}
	return nil
}
