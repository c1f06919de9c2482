package simulator

import (
	"strconv"
	"time"
)

// The operations renderers follow the same rule as v6plus_render.go: only
// members the version's schema defines.

// float writes a double (cpuUsagePercent and the like).
func (j *jw) float(k string, v float64) {
	j.sep(k)
	j.b = strconv.AppendFloat(j.b, v, 'f', -1, 64)
	j.need = true
}

// health is the v8 report of the NATS server and configuration database.
func (v *vreq) health(w *jw) {
	sick := v.s.ops.opts.Unhealthy
	w.open("")
	w.str("status", pick(sick, "Unhealthy", "Healthy"))
	w.open("entries")
	w.open("NATS")
	w.str("status", v.s.ops.natsStatus())
	w.null("description")
	w.close()
	w.open("PostgreSQL")
	w.str("status", pick(sick, "Unhealthy", "Healthy"))
	if sick {
		w.str("description", "Failed to connect to the PostgreSQL configuration database.")
	} else {
		w.null("description")
	}
	w.close()
	w.close()
	w.close()
}

// pick is a ternary for the enum values the renderers choose between.
func pick(cond bool, yes, no string) string {
	if cond {
		return yes
	}
	return no
}

// The licence's type and (v7 and later) package, the same on every
// simulated server.
const (
	licenseType    = "Subscription"
	licensePackage = "Veeam ONE"
)

// graceExpires is when the licence's grace period (v7 and later) ends.
func (l *tlicense) graceExpires() time.Time { return l.expires.AddDate(0, 0, 30) }

func (v *vreq) renderLicense(w *jw) {
	l, ver, now := &v.s.ops.license, v.rt.ver, v.t.opts.Now
	w.open("")
	w.str("licenseID", l.id)
	w.str("email", l.email)
	w.str("status", l.status(now))
	if ver == 6 {
		w.tm("expirationDate", l.expires)
	} else {
		w.tm("licenseExpires", l.expires)
		w.tm("gracePeriodExpires", l.graceExpires())
	}
	w.str("type", l.kind)
	if ver >= 7 {
		w.str("package", licensePackage)
	}
	w.str("licensedTo", l.licensedTo)
	if ver == 6 {
		w.str("contactPerson", l.contact)
	}
	w.num("totalNumber", int64(l.total))
	w.num("usedNumber", int64(l.used))
	w.num("newNumber", 0)
	w.str("supportID", l.supportID)
	if ver == 6 {
		w.tm("supportExpirationDate", l.expires)
	}
	w.close()
}

func (v *vreq) renderLicensing(w *jw) {
	w.open("")
	w.num("licensedUsers", int64(v.s.ops.licensed[v.org.index]))
	w.num("newUsers", 0)
	w.close()
}

// renderProxy writes a RESTProxy; extended adds what v6 and v7 give only
// with extendedView=true, and only for a proxy that answers.
func (v *vreq) renderProxy(w *jw, p *tproxy, extended bool) {
	ver := v.rt.ver
	w.open("")
	w.str("type", "Domain")
	w.boolean("useInternetProxy", false)
	if ver >= 8 {
		w.str("operatingSystem", p.operatingSystem)
	}
	w.str("id", p.id)
	if ver >= 8 {
		w.null("proxyPoolId")
	}
	w.str("hostName", p.host)
	if ver >= 7 {
		w.str("fqdn", p.fqdn)
	}
	w.str("description", p.description)
	w.num("port", 9193)
	full := ver >= 8 || extended && p.online
	if ver <= 7 && full {
		w.num("threadsNumber", p.threads)
	}
	w.boolean("enableNetworkThrottling", false)
	if full {
		w.null("throttlingValue")
		w.str("throttlingUnit", "Mbps")
	}
	w.str("status", p.statusName())
	if ver >= 8 {
		v.renderProxyV8(w, p)
	}
	w.open("_links")
	w.link("self", v.prefix()+"/Proxies/"+p.id)
	w.close()
	w.close()
}

func (v *vreq) renderProxyV8(w *jw, p *tproxy) {
	w.str("maintenanceModeState", p.maintenanceMode)
	if p.online {
		w.float("cpuUsagePercent", p.cpu)
		w.float("memoryUsagePercent", p.memory)
	} else {
		w.null("cpuUsagePercent")
		w.null("memoryUsagePercent")
	}
	w.str("version", p.version)
	w.str("serviceAccount", p.account)
	w.openA("role")
	roles := []string{"Processor"}
	if p.orchestrator {
		roles = []string{"Orchestrator", "Scheduler", "Processor"}
	}
	for _, r := range roles {
		w.str("", r)
	}
	w.closeA()
}

// renderArchiveRepo writes an archive-tier object storage repository: no
// JET store of its own (capacity and free space null), its object storage
// by id on v6 and v7 and embedded on v8.
func (v *vreq) renderArchiveRepo(w *jw, r *trepo, a *tarchive) {
	p, ver := v.prefix(), v.rt.ver
	w.open("")
	if ver <= 7 {
		w.str("objectStorageId", a.storageID)
		w.str("objectStorageCachePath", r.path)
	}
	w.boolean("objectStorageEncryptionEnabled", true)
	w.null("encryptionKeyId")
	w.null("capacityBytes")
	w.null("freeSpaceBytes")
	w.str("id", r.id)
	w.str("name", r.name)
	w.str("description", r.description)
	w.str("path", r.path)
	w.str("retentionType", "SnapshotBased")
	w.str("retentionPeriodType", "Yearly")
	w.str("yearlyRetentionPeriod", "Years7")
	w.str("retentionFrequencyType", "Monthly")
	w.str("monthlyTime", "04:00:00")
	w.str("monthlyDaynumber", "First")
	w.str("monthlyDayofweek", "Sunday")
	w.str("proxyId", r.proxyID)
	if ver >= 8 {
		w.null("organizationId")
	}
	w.boolean("isLongTerm", true)
	w.boolean("isOutOfSync", false)
	if ver >= 8 {
		w.boolean("isOutdated", false)
		w.boolean("isIndexed", true)
		w.boolean("isMigrationLocked", false)
		w.boolean("isOutOfOrder", false)
		w.null("outOfOrderReason")
		v.renderStorage(w, "objectStorage", a)
	}
	w.open("_links")
	self := p + "/BackupRepositories/" + r.id
	w.link("self", self)
	w.link("proxy", p+"/Proxies/"+r.proxyID)
	if ver <= 7 {
		w.link("objectStorage", p+"/objectstoragerepositories/"+a.storageID)
	}
	w.close()
	w.close()
}

// renderStorage writes the object storage of an archive repository: v8's
// embedded RESTObjectStorageComposed or a v6/v7 list entry. Free space is
// only given under a size limit, as the schemas say.
func (v *vreq) renderStorage(w *jw, key string, a *tarchive) {
	ver := v.rt.ver
	w.open(key)
	if a.kind == "AzureBlobArchive" {
		w.str("azureFolder", "Veeam/"+a.name)
	} else {
		w.str("s3Folder", "Veeam/"+a.name)
	}
	w.str("id", a.storageID)
	if ver <= 7 {
		w.str("name", a.name)
		w.str("description", "Archive tier object storage")
	}
	w.boolean("sizeLimitEnabled", a.sizeLimitGB > 0)
	if a.sizeLimitGB > 0 {
		w.num("sizeLimitGB", a.sizeLimitGB)
	} else {
		w.null("sizeLimitGB")
	}
	w.num("usedSpaceBytes", a.used)
	if a.sizeLimitGB > 0 {
		w.num("freeSpaceBytes", a.sizeLimitGB<<30-a.used)
	} else {
		w.null("freeSpaceBytes")
	}
	if ver >= 7 {
		w.boolean("enableImmutability", a.immutableDays > 0)
	}
	if ver >= 8 {
		w.boolean("enableImmutabilityGovernanceMode", false)
		if a.immutableDays > 0 {
			w.num("immutabilityPeriodDays", a.immutableDays)
		} else {
			w.null("immutabilityPeriodDays")
		}
	}
	w.str("type", a.kind)
	if ver <= 7 {
		w.open("_links")
		w.link("self", v.prefix()+"/objectstoragerepositories/"+a.storageID)
		w.close()
	}
	w.close()
}

func (v *vreq) renderCopyJob(w *jw, c *tcopy) {
	p, ver := v.prefix(), v.rt.ver
	w.open("")
	w.str("backupJobId", c.source.id)
	w.open("schedulePolicy")
	w.str("type", "Immediate")
	w.boolean("backupCopyWindowEnabled", false)
	w.close()
	w.str("id", c.id)
	if ver >= 8 {
		w.str("organizationId", v.t.orgs[c.source.org].id)
	}
	w.str("repositoryId", c.repo.id)
	w.str("name", c.name)
	w.tm("lastRun", c.lastRun)
	w.null("nextRun") // Immediate: runs when the backup job has run
	if ver >= 7 {
		w.tm("lastBackup", c.lastB)
	}
	w.boolean("isEnabled", true)
	w.str("lastStatus", c.lastStatus)
	if ver >= 8 {
		w.num("eTag", c.eTag)
	}
	w.open("_links")
	w.link("self", p+"/CopyJobs/"+c.id)
	w.link("backupJob", p+"/Jobs/"+c.source.id)
	w.link("backupRepository", p+"/BackupRepositories/"+c.repo.id)
	w.close()
	w.close()
}

// renderSession writes a RESTJobSession. v6's endTime is not nullable: a
// running session there carries the .NET zero date.
func (v *vreq) renderSession(w *jw, s *tsession) {
	p, ver, now := v.prefix(), v.rt.ver, v.t.opts.Now
	w.open("")
	w.str("id", s.id)
	if ver >= 8 {
		w.str("jobId", s.jobID())
	}
	if ver >= 7 {
		w.str("repositoryId", s.repoID)
		if s.retryOf != nil {
			w.str("mainSessionId", s.retryOf.id)
		}
	}
	if s.details != "" {
		w.str("details", s.details)
	} else {
		w.null("details")
	}
	w.tm("creationTime", s.created)
	if ver == 6 && s.ended.IsZero() {
		w.str("endTime", "0001-01-01T00:00:00Z")
	} else {
		w.tm("endTime", s.ended)
	}
	w.num("retryCount", int64(s.retryCount))
	if ver >= 7 {
		w.tri("jobWillBeRetried", s.willRetry)
	}
	w.num("progress", int64(s.objects))
	if v.v8Is80() {
		w.num("total", int64(s.job.scope.users.count()))
	}
	if ver >= 7 {
		w.str("jobType", pick(s.copy != nil, "Copy", "Backup"))
	}
	if ver >= 8 {
		w.str("jobSessionConfigType", pick(s.full, "Full", "Incremental"))
	}
	w.str("status", s.status)
	v.renderStatistics(w, s, s.seconds(now))
	if ver >= 8 {
		w.num("eTag", s.eTag)
	}
	w.open("_links")
	w.link("self", p+"/JobSessions/"+s.id)
	if s.copy != nil {
		w.link("job", p+"/CopyJobs/"+s.copy.id)
	} else {
		w.link("job", p+"/Jobs/"+s.job.id)
	}
	if ver >= 7 {
		w.link("processedObjects", p+"/JobSessions/"+s.id+"/ProcessedObjects")
	}
	w.close()
	if ver >= 8 {
		w.str("proxyId", s.proxyID)
		w.null("proxyPoolId")
	}
	w.close()
}

// renderStatistics writes RESTJobStatistics; rates are the session's
// averages over secs.
func (v *vreq) renderStatistics(w *jw, s *tsession, secs float64) {
	r := s.rates(secs)
	w.open("statistics")
	w.num("processingRateBytesPS", r.ProcessingBytes)
	w.num("processingRateItemsPS", r.ProcessingItems)
	w.num("readRateBytesPS", r.ReadBytes)
	w.num("writeRateBytesPS", r.WriteBytes)
	w.num("transferredDataBytes", s.bytes)
	w.num("processedObjects", s.items)
	w.str("bottleneck", s.bottleneck)
	w.close()
}

// renderObject writes processed object p of session s, which is user u.
func (v *vreq) renderObject(w *jw, s *tsession, p int, u int32) {
	org := v.t.orgs[v.t.users[u].org]
	id := v.s.userID(u)
	w.open("")
	w.str("id", id)
	w.str("type", "User")
	w.str("status", s.objectStatus(p))
	w.open("_links")
	w.link("user", v.prefix()+"/Organizations/"+org.id+"/Users/"+id)
	w.close()
	w.close()
}
