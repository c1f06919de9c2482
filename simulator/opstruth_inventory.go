package simulator

import "time"

// InventoryTruth is what the repository, proxy, organization and copy job
// resources serve on v6–v8, for tests of the exporter's collectors.
type InventoryTruth struct {
	License       LicenseTruth
	Repositories  []RepositoryTruth // in list order
	Proxies       []ProxyTruth      // in list order
	Organizations []OrganizationTruth
	CopyJobs      []CopyJobTruth
}

// LicenseTruth is the licence beyond what OpsTruth says of it.
type LicenseTruth struct {
	ID, LicensedTo, Type string
	Package              string    // v7 and later
	GracePeriodExpires   time.Time // v7 and later
	SupportExpires       time.Time // v6 only
}

// RepositoryTruth is one backup repository.
type RepositoryTruth struct {
	ID, Name, ProxyID string
	// Archive is true for an archive-tier object storage repository,
	// which has no store on disk (capacity and free space are null) and
	// the object storage fields below.
	Archive                  bool
	CapacityBytes, FreeBytes int64
	StorageID, StorageType   string
	StorageUsedBytes         int64
	StorageLimitGB           int64 // 0: no size limit
	ImmutableDays            int64 // 0: not immutable
}

// ProxyTruth is one backup proxy.
type ProxyTruth struct {
	ID, HostName, FQDN string
	Online             bool
	// Status is as served: Online, Offline or (OpsOptions.UnknownValues)
	// Maintenance, which is online.
	Status          string
	MaintenanceMode string // v8
	// CPUPercent and MemoryPercent are served on v8 for an online proxy;
	// Threads on v6 and v7 with the extended view, for an online proxy.
	CPUPercent, MemoryPercent float64
	Threads                   int64
	Version, OperatingSystem  string // v8
}

// OrganizationTruth is one organization with its backup summary, as the
// extended view serves it (isBackedup true).
type OrganizationTruth struct {
	ID, Name                string
	FirstBackup, LastBackup time.Time
}

// CopyJobTruth is one backup copy job.
type CopyJobTruth struct {
	ID, Name, BackupJobID, RepositoryID, OrganizationID string
	LastStatus                                          string
	LastRun, LastBackup                                 time.Time // LastBackup: v7 and later
}

// InventoryTruth returns the inventory; the zero value when no v6+ prefix
// is served.
func (s *Simulator) InventoryTruth() InventoryTruth {
	o, t := s.ops, s.tenant
	if o == nil {
		return InventoryTruth{}
	}
	l := &o.license
	out := InventoryTruth{License: LicenseTruth{
		ID: l.id, LicensedTo: l.licensedTo, Type: l.kind, Package: licensePackage,
		GracePeriodExpires: l.graceExpires(), SupportExpires: l.expires,
	}}
	for _, r := range t.repos {
		rt := RepositoryTruth{ID: r.id, Name: r.name, ProxyID: r.proxyID, CapacityBytes: r.capacity, FreeBytes: r.free}
		if a := o.archiveOf(r); a != nil {
			rt.Archive, rt.CapacityBytes, rt.FreeBytes = true, 0, 0
			rt.StorageID, rt.StorageType, rt.StorageUsedBytes = a.storageID, a.kind, a.used
			rt.StorageLimitGB, rt.ImmutableDays = a.sizeLimitGB, a.immutableDays
		}
		out.Repositories = append(out.Repositories, rt)
	}
	for _, p := range o.proxies {
		out.Proxies = append(out.Proxies, ProxyTruth{
			ID: p.id, HostName: p.host, FQDN: p.fqdn, Online: p.online, Status: p.statusName(), MaintenanceMode: p.maintenanceMode,
			CPUPercent: p.cpu, MemoryPercent: p.memory, Threads: p.threads,
			Version: p.version, OperatingSystem: p.operatingSystem,
		})
	}
	for _, org := range t.orgs {
		out.Organizations = append(out.Organizations, OrganizationTruth{
			ID: org.id, Name: org.domain, FirstBackup: org.firstBackup, LastBackup: org.lastSeen,
		})
	}
	for _, c := range o.copies {
		out.CopyJobs = append(out.CopyJobs, CopyJobTruth{
			ID: c.id, Name: c.name, BackupJobID: c.source.id, RepositoryID: c.repo.id,
			OrganizationID: t.orgs[c.source.org].id, LastStatus: c.lastStatus, LastRun: c.lastRun, LastBackup: c.lastB,
		})
	}
	return out
}
