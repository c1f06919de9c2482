package collector

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/synctest"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/vbo365-exporter/vbo365_exporter/simulator"
)

// opsTenant has two organizations, archive repositories (so copy jobs and
// object storage) and an offline proxy, so that every collector has
// something of each kind to report.
var opsTenant = simulator.TenantOptions{Organizations: 2, Users: 40, Repositories: 2,
	Ops: simulator.OpsOptions{ArchiveRepositories: 2, OfflineProxy: true, NearFullRepository: true}}

// forEachVersion runs test in a synctest bubble against a simulator of
// each version (v8 of both minor releases, test seeing "v8" for either),
// running only the named collectors with settings c.
func forEachVersion(t *testing.T, tenant simulator.TenantOptions, c Collectors, name string,
	test func(t *testing.T, v string, e *Exporter, sim *simulator.Simulator)) {
	for _, run := range versionRuns() {
		t.Run(run.String(), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				e, sim := opsExporterRun(t, run.version, tenant, c.Only(name), nil, true, opsRun{release: run.release})
				test(t, run.version, e, sim)
			})
		})
	}
}

func TestLicenseCollector(t *testing.T) {
	forEachVersion(t, opsTenant, DefaultCollectors(), "license", func(t *testing.T, v string, e *Exporter, sim *simulator.Simulator) {
		ot, inv := sim.OpsTruth(), sim.InventoryTruth()
		var want metricList
		want.oneHot(licenseStatusDesc, knownLicenseStatuses, ot.LicenseStatus, "east")
		want.oneHot(licenseTypeDesc, knownLicenseTypes, inv.License.Type, "east")
		want.timestamp(licenseExpiryDesc, ot.LicenseExpires, "east")
		pkg := ""
		if v == "v6" {
			want.timestamp(licenseSupportExpiryDesc, inv.License.SupportExpires, "east")
		} else {
			want.timestamp(licenseGraceExpiryDesc, inv.License.GracePeriodExpires, "east")
			pkg = inv.License.Package
		}
		want.gauge(licenseUnitsDesc, float64(ot.LicenseTotal), "east")
		want.gauge(licenseUsedUnitsDesc, float64(ot.LicenseUsed), "east")
		want.gauge(licenseNewUsersDesc, 0, "east")
		want.gauge(licenseInfoDesc, 1, "east", inv.License.ID, inv.License.LicensedTo, pkg)
		for _, o := range inv.Organizations {
			want.gauge(organizationLicensedUsersDesc, float64(ot.LicensedUsers[o.ID]), "east", o.ID, o.Name)
			want.gauge(organizationNewUsersDesc, 0, "east", o.ID, o.Name)
		}
		compareScraper(t, e, licenseScraper{}, want)
	})
}

func TestRepositoriesCollector(t *testing.T) {
	forEachVersion(t, opsTenant, DefaultCollectors(), "repositories", func(t *testing.T, v string, e *Exporter, sim *simulator.Simulator) {
		var want metricList
		for _, r := range sim.InventoryTruth().Repositories {
			labels := []string{"east", r.ID, r.Name}
			storageID, storageType := "", ""
			if r.Archive {
				storageID, storageType = r.StorageID, r.StorageType
				want.gauge(repositoryUsedDesc, float64(r.StorageUsedBytes), labels...)
				want.gauge(repositoryStorageUsedDesc, float64(r.StorageUsedBytes), labels...)
				if r.StorageLimitGB > 0 {
					want.gauge(repositoryStorageLimitDesc, float64(r.StorageLimitGB<<30), labels...)
					want.gauge(repositoryStorageFreeDesc, float64(r.StorageLimitGB<<30-r.StorageUsedBytes), labels...)
				}
				if v != "v6" {
					want.gauge(repositoryImmutableDesc, b2f(r.ImmutableDays > 0), labels...)
				}
				if v == "v8" && r.ImmutableDays > 0 {
					want.gauge(repositoryImmutablePeriodDesc, float64(r.ImmutableDays*86400), labels...)
				}
			} else {
				want.gauge(repositoryCapacityDesc, float64(r.CapacityBytes), labels...)
				want.gauge(repositoryFreeDesc, float64(r.FreeBytes), labels...)
				want.gauge(repositoryUsedDesc, float64(r.CapacityBytes-r.FreeBytes), labels...)
			}
			want.gauge(repositoryOutOfSyncDesc, 0, labels...)
			if v == "v8" {
				want.gauge(repositoryOutOfOrderDesc, 0, labels...)
				want.gauge(repositoryOutdatedDesc, 0, labels...)
			}
			want.gauge(repositoryInfoDesc, 1, with(labels, r.ProxyID, storageID, storageType, strconv.FormatBool(r.Archive))...)
		}
		compareScraper(t, e, repositoriesScraper{}, want)
	})
}

func TestProxiesCollector(t *testing.T) {
	for _, extended := range []bool{false, true} {
		t.Run(fmt.Sprintf("extended=%v", extended), func(t *testing.T) {
			c := DefaultCollectors()
			c.ProxyExtendedView = extended
			forEachVersion(t, opsTenant, c, "proxies", func(t *testing.T, v string, e *Exporter, sim *simulator.Simulator) {
				var want metricList
				for _, p := range sim.InventoryTruth().Proxies {
					labels := []string{"east", p.ID, p.HostName}
					want.gauge(proxyOnlineDesc, b2f(p.Online), labels...)
					want.oneHot(proxyStatusDesc, knownProxyStatuses, p.Status, labels...)
					fqdn, version, os := p.FQDN, "", ""
					switch {
					case v == "v8":
						want.oneHot(proxyMaintenanceDesc, knownMaintenanceStates, p.MaintenanceMode, labels...)
						if p.Online {
							want.gauge(proxyCPUDesc, p.CPUPercent/100, labels...)
							want.gauge(proxyMemoryDesc, p.MemoryPercent/100, labels...)
						}
						version, os = p.Version, p.OperatingSystem
					case extended && p.Online:
						want.gauge(proxyThreadsDesc, float64(p.Threads), labels...)
					}
					if v == "v6" {
						fqdn = ""
					}
					want.gauge(proxyInfoDesc, 1, with(labels, fqdn, version, os, "")...)
				}
				compareScraper(t, e, proxiesScraper{}, want)
			})
		})
	}
}

func TestHealthCollector(t *testing.T) {
	for _, tc := range []struct {
		unhealthy bool
		release   string
	}{{false, simulator.V8Release84}, {true, simulator.V8Release84}, {false, simulator.V8Release80}} {
		t.Run(fmt.Sprintf("unhealthy=%v/release=%s", tc.unhealthy, tc.release), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				unhealthy := tc.unhealthy
				tenant := simulator.TenantOptions{Users: 20, Ops: simulator.OpsOptions{Unhealthy: unhealthy}}
				e, sim := opsExporterRun(t, "v8", tenant, DefaultCollectors().Only("health"), nil, true, opsRun{release: tc.release})
				status := "Healthy"
				if !sim.OpsTruth().Healthy {
					status = "Unhealthy"
				}
				var want metricList
				want.oneHot(healthStatusDesc, knownHealthStatuses, status, "east")
				want.oneHot(healthEntryStatusDesc, knownHealthStatuses, "Healthy", "east", "NATS")
				want.oneHot(healthEntryStatusDesc, knownHealthStatuses, status, "east", "PostgreSQL")
				compareScraper(t, e, healthScraper{}, want)
			})
		})
	}
}

// TestHealth503IsUnhealthy: the health endpoint answering 503, as ASP.NET
// health checks do when unhealthy, is an unhealthy server, not a failure.
func TestHealth503IsUnhealthy(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e, sim := opsExporter(t, "v8", simulator.TenantOptions{Users: 20}, DefaultCollectors().Only("health"), nil, false)
		sim.AddFault(simulator.Fault{Endpoint: simulator.EndpointHealth, Kind: simulator.StatusError, Status: 503})
		var want metricList
		want.oneHot(healthStatusDesc, knownHealthStatuses, "Unhealthy", "east")
		compareScraper(t, e, healthScraper{}, want)
	})
}

func TestOrganizationsCollector(t *testing.T) {
	forEachVersion(t, opsTenant, DefaultCollectors(), "organizations", func(t *testing.T, v string, e *Exporter, sim *simulator.Simulator) {
		var want metricList
		for _, o := range sim.InventoryTruth().Organizations {
			labels := []string{"east", o.ID, o.Name}
			want.gauge(organizationBackedUpDesc, 1, labels...)
			want.timestamp(organizationFirstBackupDesc, o.FirstBackup, labels...)
			want.timestamp(organizationLastBackupDesc, o.LastBackup, labels...)
			want.gauge(organizationInfoDesc, 1, with(labels, o.Name, "Office365", "Worldwide")...)
		}
		for _, st := range sim.SyncTruth() {
			if v == "v6" {
				break
			}
			labels := []string{"east", st.OrganizationID, st.OrganizationName}
			want.gauge(organizationSyncSuccessDesc, b2f(st.Result == "Success"), labels...)
			want.timestamp(organizationSyncEndDesc, st.End, labels...)
			if v == "v8" {
				want.gauge(organizationSyncRunningDesc, 0, labels...)
			}
		}
		compareScraper(t, e, organizationsScraper{}, want)
	})
}

func TestCopyJobsCollector(t *testing.T) {
	forEachVersion(t, opsTenant, DefaultCollectors(), "copyjobs", func(t *testing.T, v string, e *Exporter, sim *simulator.Simulator) {
		copies := sim.InventoryTruth().CopyJobs
		if len(copies) == 0 {
			t.Fatal("the tenant has no copy jobs")
		}
		var want metricList
		for _, c := range copies {
			labels := []string{"east", c.ID, c.Name}
			want.gauge(copyJobEnabledDesc, 1, labels...)
			want.timestamp(copyJobLastRunDesc, c.LastRun, labels...)
			if v != "v6" {
				want.timestamp(copyJobLastBackupDesc, c.LastBackup, labels...)
			}
			want.oneHot(copyJobLastStatusDesc, knownStatuses, c.LastStatus, labels...)
			want.gauge(copyJobInfoDesc, 1, with(labels, c.BackupJobID, c.RepositoryID, c.OrganizationID, "Immediate")...)
		}
		compareScraper(t, e, copyJobsScraper{}, want)
	})
}

func b2f(b bool) float64 { return float64(b2i(b)) }

// seriesCounts counts the series of each metric family of a scrape of e.
func seriesCounts(t *testing.T, e *Exporter) map[string]int {
	t.Helper()
	mfs := gatherOnce(t, e)
	out := map[string]int{}
	for _, mf := range mfs {
		out[mf.GetName()] = len(mf.GetMetric())
	}
	return out
}

// operationsList is a list an operations collector reads, and the
// versions that have it.
type operationsList struct {
	endpoint, collector string
	versions            []string
}

// operationsLists are the lists of the operations collectors but the
// organizations' (whose list and sync state tests name on their own).
var operationsLists = []operationsList{
	{simulator.EndpointLicense, "license", v6PlusVersions},
	{simulator.EndpointLicensingInformation, "license", v6PlusVersions},
	{simulator.EndpointRepositories, "repositories", v6PlusVersions},
	{simulator.EndpointObjectStorages, "repositories", []string{"v6", "v7"}},
	{simulator.EndpointProxies, "proxies", v6PlusVersions},
	{simulator.EndpointHealth, "health", []string{"v8"}},
	{simulator.EndpointCopyJobs, "copyjobs", v6PlusVersions},
	{simulator.EndpointJobSessions, "sessions", v6PlusVersions},
	{simulator.EndpointProcessedObjects, "sessions", []string{"v7", "v8"}},
}

// TestFailingCollectorIsLocal: a collector whose endpoint always fails
// reports success 0, and every other series is there as without the fault.
func TestFailingCollectorIsLocal(t *testing.T) {
	for _, tc := range append(slices.Clone(operationsLists),
		operationsList{simulator.EndpointOrganizationSyncState, "organizations", []string{"v7"}},
		operationsList{simulator.EndpointOrganizationsSyncState, "organizations", []string{"v8"}},
	) {
		for _, v := range tc.versions {
			t.Run(tc.endpoint+"/"+v, func(t *testing.T) {
				synctest.Test(t, func(t *testing.T) {
					clean, _ := opsExporter(t, v, opsTenant, DefaultCollectors(), nil, false)
					want := seriesCounts(t, clean)
					e, sim := opsExporter(t, v, opsTenant, DefaultCollectors(), nil, false)
					sim.AddFault(simulator.Fault{Endpoint: tc.endpoint, Kind: simulator.StatusError, Status: 500})
					got := seriesCounts(t, e)
					res := e.LastResults()[0]
					if !res.Up {
						t.Fatalf("server down: %v", res.Err)
					}
					mine := map[string]bool{}
					for _, sc := range DefaultCollectors().newScrapers() {
						if sc.Name() == tc.collector {
							for _, n := range names(sc.Descs()...) {
								mine[n] = true
							}
						}
					}
					for name, n := range want {
						if !mine[name] && got[name] != n {
							t.Errorf("%s: %d series with the fault, %d without", name, got[name], n)
						}
					}
					for _, c := range res.Collectors {
						if failed := c.Err != nil; failed != (c.Name == tc.collector) {
							t.Errorf("collector %s: error %v", c.Name, c.Err)
						}
					}
					if s := successes(t, e); s[tc.collector] != 0 {
						t.Errorf("vbo365_collector_success{collector=%q} = %v", tc.collector, s[tc.collector])
					}
				})
			})
		}
	}
}

// TestServerDownFailsEveryCollector: without a token nothing is read, and
// every enabled collector says so beside vbo365_up 0; the one the version
// lacked in the last poll stays skipped.
func TestServerDownFailsEveryCollector(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e, sim := opsExporter(t, "v7", simulator.TenantOptions{Users: 20}, DefaultCollectors(), nil, false)
		e.Poll(context.Background())
		sim.AddFault(simulator.Fault{Endpoint: simulator.EndpointJobs, Kind: simulator.StatusError, Status: 400})
		got := successes(t, e)
		if e.LastResults()[0].Up {
			t.Fatal("server up despite the fault")
		}
		for _, name := range Names() {
			v, ok := got[name]
			switch {
			case name == "health" && ok:
				t.Errorf("health, which v7 lacks, reports success %v", v)
			case name != "health" && (!ok || v != 0):
				t.Errorf("collector %s: success %v (present %v), want 0", name, v, ok)
			}
		}
		if n := seriesCounts(t, e)["vbo365_up"]; n != 1 {
			t.Errorf("%d vbo365_up series", n)
		}
	})
}

// panicScraper is a collector with a bug.
type panicScraper struct{}

func (panicScraper) Name() string              { return "panics" }
func (panicScraper) Help() string              { return "" }
func (panicScraper) Descs() []*prometheus.Desc { return nil }
func (panicScraper) Scrape(context.Context, *Target) ([]prometheus.Metric, error) {
	panic("bug")
}

// TestPanicFailsOneCollector: a panic in a collector fails it only.
func TestPanicFailsOneCollector(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e, _ := opsExporter(t, "v8", simulator.TenantOptions{Users: 20}, DefaultCollectors().Only("jobs", "license"), nil, true)
		e.pollers[0].run.scrapers = append(e.pollers[0].run.scrapers, panicScraper{})
		got := successes(t, e)
		if got["panics"] != 0 || got["license"] != 1 || got["jobs"] != 1 {
			t.Errorf("successes %v", got)
		}
		if err := e.LastResults()[0].Collector("panics").Err; err == nil || !strings.Contains(err.Error(), "internal error: bug") {
			t.Errorf("error %v", err)
		}
	})
}
