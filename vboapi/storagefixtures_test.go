package vboapi

import (
	"context"
	"fmt"
	"strconv"
	"testing"
)

func fxStorageString(s *ObjectStorage) string {
	if s == nil {
		return "nil"
	}
	return fmt.Sprintf("{ID:%s Name:%q Type:%s SizeLimitEnabled:%s SizeLimitGB:%s Used:%s Free:%s Immutability:%s Governance:%s PeriodDays:%s}",
		s.ID, s.Name, s.Type, fxBoolString(s.SizeLimitEnabled), fxPtrString(s.SizeLimitGB), fxPtrString(s.UsedSpaceBytes),
		fxPtrString(s.FreeSpaceBytes), fxBoolString(s.ImmutabilityEnabled), fxBoolString(s.ImmutabilityGovernanceMode),
		fxPtrString(s.ImmutabilityPeriodDays))
}

func fxRepoFields(r Repository) []fxField {
	used, ok := r.UsedBytes()
	return []fxField{
		{"ID", r.ID}, {"Name", strconv.Quote(r.Name)}, {"Description", strconv.Quote(r.Description)},
		{"Path", strconv.Quote(r.Path)}, {"ProxyID", strconv.Quote(r.ProxyID)}, {"ProxyPoolID", strconv.Quote(r.ProxyPoolID)},
		{"OrganizationID", strconv.Quote(r.OrganizationID)},
		{"CapacityBytes", fxPtrString(r.CapacityBytes)}, {"FreeSpaceBytes", fxPtrString(r.FreeSpaceBytes)},
		{"LongTerm", fxBoolString(r.LongTerm)}, {"OutOfSync", fxBoolString(r.OutOfSync)},
		{"Outdated", fxBoolString(r.Outdated)}, {"OutOfOrder", fxBoolString(r.OutOfOrder)},
		{"Indexed", fxBoolString(r.Indexed)}, {"MigrationLocked", fxBoolString(r.MigrationLocked)},
		{"OutOfOrderReason", strconv.Quote(r.OutOfOrderReason)}, {"EncryptionEnabled", fxBoolString(r.EncryptionEnabled)},
		{"ObjectStorageID", strconv.Quote(r.ObjectStorageID)}, {"ObjectStorage", fxStorageString(r.ObjectStorage)},
		{"UsedBytes", fmt.Sprint(used, ok)},
	}
}

// fxWantRepositories is what Repositories() makes of
// testdata/repositories/<v>.json and, on v6 and v7, of
// testdata/object_storage/<v>.json: a JET repository, an archive-tier one
// on object storage, and one with every nullable field null whose object
// storage is gone from the list.
func fxWantRepositories(v Version) []Repository {
	const capacity, free, used, storageFree = 4398046511104, 87960930222, 10774999203840, 220117073920
	jet := Repository{ID: fxRepo1, Name: "Repository 1", Description: "Primary JET repository", Path: `E:\VeeamRepository1`,
		ProxyID: fxProxy1, CapacityBytes: fxInt64(capacity), FreeSpaceBytes: fxInt64(free),
		LongTerm: fxBool(false), OutOfSync: fxBool(false), EncryptionEnabled: fxBool(false)}
	storage := &ObjectStorage{ID: fxStorage, Name: "Glacier archive", Type: "AmazonS3Glacier", SizeLimitEnabled: fxBool(true),
		SizeLimitGB: fxInt64(10240), UsedSpaceBytes: fxInt64(used), FreeSpaceBytes: fxInt64(storageFree)}
	archive := Repository{ID: fxArchive, Name: "Archive 1", Description: "Archive tier copies", Path: `C:\VeeamArchiveCache\Archive1`,
		ProxyID: fxProxy2, LongTerm: fxBool(true), OutOfSync: fxBool(true), EncryptionEnabled: fxBool(true),
		ObjectStorageID: fxStorage, ObjectStorage: storage}
	branch := Repository{ID: fxBranch, Name: "Branch office", Path: `D:\Veeam`, ObjectStorageID: fxStorageGone}
	switch v {
	case V7: // v7 object storage knows immutability
		storage.ImmutabilityEnabled = fxBool(true)
	case V8: // object storage embedded, with the immutability period; the v8 flags
		jet.Outdated, jet.Indexed, jet.MigrationLocked, jet.OutOfOrder = fxBool(false), fxBool(true), fxBool(false), fxBool(true)
		jet.OutOfOrderReason = `The repository path E:\VeeamRepository1 is unavailable.`
		storage.Name = "" // v8 object storage has no name
		storage.ImmutabilityEnabled, storage.ImmutabilityGovernanceMode, storage.ImmutabilityPeriodDays = fxBool(true), fxBool(true), fxInt64(30)
		archive.OrganizationID = fxOrg1
		archive.Outdated, archive.Indexed, archive.MigrationLocked, archive.OutOfOrder = fxBool(false), fxBool(false), fxBool(false), fxBool(false)
		branch.ProxyPoolID = fxPool
		branch.ObjectStorage = &ObjectStorage{ID: fxStorageGone, Type: "AzureBlobArchive", SizeLimitEnabled: fxBool(false)}
	}
	return []Repository{jet, archive, branch}
}

func TestFixtureRepositories(t *testing.T) {
	fxVersions(t, []Version{V6, V7, V8}, func(t *testing.T, v Version) {
		c, api := fixtureClient(t, v)
		got, err := c.Repositories(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		fxCompare(t, "Repositories()", got, fxWantRepositories(v), fxRepoFields)
		wantStores := 1 // v6 and v7 read the object storage list once
		if v == V8 {
			wantStores = 0
		}
		if n := len(api.requests("/" + string(v) + "/objectstoragerepositories")); n != wantStores {
			t.Errorf("asked the object storage list %d times, want %d", n, wantStores)
		}
	})
}

func fxProxyFields(p Proxy) []fxField {
	return []fxField{
		{"ID", p.ID}, {"HostName", strconv.Quote(p.HostName)}, {"Description", strconv.Quote(p.Description)},
		{"FQDN", strconv.Quote(p.FQDN)}, {"Type", p.Type}, {"Port", fxPtrString(p.Port)}, {"Status", p.Status},
		{"Online", strconv.FormatBool(p.Online())}, {"MaintenanceMode", strconv.Quote(p.MaintenanceMode)},
		{"ThreadsNumber", fxPtrString(p.ThreadsNumber)}, {"NetworkThrottling", fxBoolString(p.NetworkThrottling)},
		{"ThrottlingValue", fxPtrString(p.ThrottlingValue)}, {"ThrottlingUnit", strconv.Quote(p.ThrottlingUnit)},
		{"CPUUsagePercent", fxPtrString(p.CPUUsagePercent)}, {"MemoryUsagePercent", fxPtrString(p.MemoryUsagePercent)},
		{"Version", strconv.Quote(p.Version)}, {"OperatingSystem", p.OperatingSystem},
		{"ServiceAccount", strconv.Quote(p.ServiceAccount)}, {"ProxyPoolID", strconv.Quote(p.ProxyPoolID)},
		{"Roles", fmt.Sprint(p.Roles)},
	}
}

// fxWantProxies: an online proxy in the extended view, and an offline one
// with nulls and the extended fields left out.
func fxWantProxies(v Version) []Proxy {
	online := Proxy{ID: fxProxy1, HostName: "vbo-proxy01", Description: "Main proxy", Type: "Domain", Port: fxInt(9193),
		Status: "Online", ThreadsNumber: fxInt(64), NetworkThrottling: fxBool(true), ThrottlingValue: fxInt64(100), ThrottlingUnit: "Mbps"}
	offline := Proxy{ID: fxProxy2, HostName: "10.0.4.17", Type: "Workgroup", Status: "Offline"}
	if v != V6 {
		online.FQDN = "vbo-proxy01.corp.example"
	}
	if v == V8 {
		online.ThreadsNumber = nil // v8 dropped it
		online.OperatingSystem, online.MaintenanceMode, online.Version = "Windows", "Disabled", "8.1.0.305"
		online.CPUUsagePercent, online.MemoryUsagePercent = fxFloat(12.5), fxFloat(48.25)
		online.ServiceAccount, online.Roles = `CORP\svc-vbo365`, []string{"Orchestrator", "Scheduler", "Processor"}
		offline.OperatingSystem, offline.MaintenanceMode, offline.ProxyPoolID = "Linux", "Enabled", fxPool
	}
	return []Proxy{online, offline}
}

func TestFixtureProxies(t *testing.T) {
	fxVersions(t, []Version{V6, V7, V8}, func(t *testing.T, v Version) {
		for _, extended := range []bool{true, false} {
			c, api := fixtureClient(t, v)
			got, err := c.Proxies(context.Background(), extended)
			if err != nil {
				t.Fatal(err)
			}
			fxCompare(t, "Proxies()", got, fxWantProxies(v), fxProxyFields)
			asked := api.requests("/" + string(v) + "/Proxies")
			want := strconv.FormatBool(extended)
			if v == V8 {
				want = "" // v8 has no extendedView
			}
			if len(asked) != 1 || asked[0].Get("extendedView") != want {
				t.Errorf("Proxies(%v) asked %v, want one request with extendedView=%q", extended, asked, want)
			}
		}
	})
}
