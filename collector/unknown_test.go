package collector

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"testing/synctest"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/vbo365-exporter/vbo365_exporter/config"
	"github.com/vbo365-exporter/vbo365_exporter/simulator"
)

var descHelp = regexp.MustCompile(`fqName: "([^"]+)", help: ("(?:[^"\\]|\\.)*")`)

// family is the exposition of d's metric family with samples, one a line:
// the HELP and TYPE lines come from d, so that the samples, written out
// literally by the test, are what it compares.
func family(t *testing.T, d *prometheus.Desc, samples ...string) string {
	t.Helper()
	m := descHelp.FindStringSubmatch(d.String())
	if m == nil {
		t.Fatalf("no name and help in %s", d)
	}
	help, err := strconv.Unquote(m[2])
	if err != nil {
		t.Fatal(err)
	}
	help = strings.NewReplacer(`\`, `\\`, "\n", `\n`).Replace(help)
	return fmt.Sprintf("# HELP %s %s\n# TYPE %s gauge\n%s\n", m[1], help, m[1], strings.Join(samples, "\n"))
}

// pausedJob configures s for the simulator's Paused backup job alone and
// keeps its truth in *job.
func pausedJob(t *testing.T, job *simulator.ProtectionTruth) func(*config.Server, *simulator.Simulator) {
	return func(s *config.Server, sim *simulator.Simulator) {
		paused := ""
		for _, ss := range sim.OpsTruth().Sessions {
			if ss.JobType == "Backup" && ss.Status == "Paused" {
				paused = ss.JobID
			}
		}
		for _, j := range sim.ProtectionTruth() {
			if j.JobID == paused {
				*job = j
			}
		}
		if job.JobID == "" {
			t.Fatal("the simulator has no Paused job")
		}
		s.Jobs = []config.Job{{ID: job.JobID}}
	}
}

// statusSamples are the samples of a job status series of labels: the
// known statuses at 0, value at 1.
func statusSamples(name, labels, value string) []string {
	var out []string
	for _, k := range knownStatuses {
		out = append(out, fmt.Sprintf(`%s{%s,status=%q} 0`, name, labels, k))
	}
	return append(out, fmt.Sprintf(`%s{%s,status=%q} 1`, name, labels, value))
}

// unknownStatusWant is the exposition of the status series of a simulator
// serving OpsOptions.UnknownValues, reporting on its Paused job alone.
func unknownStatusWant(t *testing.T, inv simulator.InventoryTruth, job simulator.ProtectionTruth) string {
	jl := fmt.Sprintf(`job_id=%q,job_name=%q,server="east"`, job.JobID, job.JobName)
	p1, p2 := inv.Proxies[0], inv.Proxies[1]
	pl1 := fmt.Sprintf(`proxy_id=%q,proxy_name=%q,server="east"`, p1.ID, p1.HostName)
	pl2 := fmt.Sprintf(`proxy_id=%q,proxy_name=%q,server="east"`, p2.ID, p2.HostName)
	cj := inv.CopyJobs[0]
	cl := fmt.Sprintf(`job_id=%q,job_name=%q,server="east"`, cj.ID, cj.Name)
	return family(t, jobLastStatusDesc, statusSamples("vbo365_job_last_status", jl, "Paused")...) +
		family(t, lastSessionStatusDesc, statusSamples("vbo365_job_last_session_status", jl, "Paused")...) +
		family(t, copyJobLastStatusDesc, statusSamples("vbo365_copy_job_last_status", cl, "Paused")...) +
		family(t, licenseStatusDesc,
			`vbo365_license_status{server="east",status="Valid"} 0`,
			`vbo365_license_status{server="east",status="Expired"} 0`,
			`vbo365_license_status{server="east",status="Grace"} 1`) +
		family(t, licenseTypeDesc,
			`vbo365_license_type{license_type="Subscription",server="east"} 0`,
			`vbo365_license_type{license_type="Evaluation",server="east"} 0`,
			`vbo365_license_type{license_type="NFR",server="east"} 0`,
			`vbo365_license_type{license_type="Rental",server="east"} 0`,
			`vbo365_license_type{license_type="Community",server="east"} 0`,
			`vbo365_license_type{license_type="AwsPrivateOffer",server="east"} 0`,
			`vbo365_license_type{license_type="Free",server="east"} 1`) +
		// The proxy in status Maintenance is neither online nor offline.
		family(t, proxyOnlineDesc, `vbo365_proxy_online{`+pl2+`} 1`) +
		family(t, proxyStatusDesc,
			`vbo365_proxy_status{`+pl1+`,status="Online"} 0`,
			`vbo365_proxy_status{`+pl1+`,status="Offline"} 0`,
			`vbo365_proxy_status{`+pl1+`,status="Maintenance"} 1`,
			`vbo365_proxy_status{`+pl2+`,status="Online"} 1`,
			`vbo365_proxy_status{`+pl2+`,status="Offline"} 0`) +
		family(t, healthEntryStatusDesc,
			`vbo365_health_entry_status{entry="NATS",server="east",status="Healthy"} 0`,
			`vbo365_health_entry_status{entry="NATS",server="east",status="Unhealthy"} 0`,
			`vbo365_health_entry_status{entry="NATS",server="east",status="Degraded"} 1`,
			`vbo365_health_entry_status{entry="PostgreSQL",server="east",status="Healthy"} 1`,
			`vbo365_health_entry_status{entry="PostgreSQL",server="east",status="Unhealthy"} 0`)
}

// repositoryInfoWant is the exposition of vbo365_repository_info of inv,
// whose last repository is the archive on OracleCloud object storage.
func repositoryInfoWant(t *testing.T, inv simulator.InventoryTruth) string {
	archive := inv.Repositories[len(inv.Repositories)-1]
	info := family(t, repositoryInfoDesc, fmt.Sprintf(
		`vbo365_repository_info{long_term="true",object_storage_id=%q,object_storage_type="OracleCloud",proxy_id=%q,repository_id=%q,repository_name=%q,server="east"} 1`,
		archive.StorageID, archive.ProxyID, archive.ID, archive.Name))
	for _, r := range inv.Repositories[:len(inv.Repositories)-1] {
		info += fmt.Sprintf(`vbo365_repository_info{long_term="false",object_storage_id="",object_storage_type="",proxy_id=%q,repository_id=%q,repository_name=%q,server="east"} 1`+"\n",
			r.ProxyID, r.ID, r.Name)
	}
	return info
}

// TestUnknownValuesPassThrough: values Veeam's schemas do not list, served
// by a v8 simulator (OpsOptions.UnknownValues) and read by the decoders,
// come out of every collector as label values spelled as the API spelled
// them, beside the known values at 0, and every collector succeeds. The
// exchanges break the schemas' enums on purpose, so they are not
// contract-checked here (contract.TestSimulatorUnknownValues lists them).
func TestUnknownValuesPassThrough(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		tenant := simulator.TenantOptions{Users: 40, Repositories: 2, Ops: simulator.OpsOptions{UnknownValues: true, ArchiveRepositories: 1}}
		var job simulator.ProtectionTruth
		c := DefaultCollectors().Without("protection")
		e, sim := opsExporterRun(t, "v8", tenant, c, nil, false, opsRun{server: pausedJob(t, &job)})
		inv := sim.InventoryTruth()
		col := e.Collector(context.Background())
		names := []string{"vbo365_job_last_status", "vbo365_job_last_session_status", "vbo365_copy_job_last_status",
			"vbo365_license_status", "vbo365_license_type", "vbo365_proxy_online", "vbo365_proxy_status", "vbo365_health_entry_status"}
		if err := testutil.CollectAndCompare(col, strings.NewReader(unknownStatusWant(t, inv, job)), names...); err != nil {
			t.Error(err)
		}
		// The repository's object storage type is a label of its info.
		if err := testutil.CollectAndCompare(col, strings.NewReader(repositoryInfoWant(t, inv)), "vbo365_repository_info"); err != nil {
			t.Error(err)
		}
		got, n := successes(t, e), 0
		for _, name := range Names() {
			if !c.Enabled(name) {
				continue
			}
			n++
			if v, ok := got[name]; !ok || v != 1 {
				t.Errorf("vbo365_collector_success{collector=%q} = %v (present %v), want 1", name, v, ok)
			}
		}
		if len(got) != n || n < 8 {
			t.Errorf("successes of %d collectors: %v", n, got)
		}
	})
}
