// Package deploy holds no code: its tests check the files under deploy/
// that users copy, beside them. deploy_test.go checks the rules, the
// dashboard, the Kubernetes manifests, the systemd unit and the docs that
// name the service; fleet_test.go the fleet recipe.
package deploy

// Checks of the files under deploy/: the Prometheus rules and their unit
// tests, the example Prometheus config, the Grafana dashboard, the
// Kubernetes manifests and the systemd unit. They are examples users copy
// verbatim, so a typo in a metric name or a config key there is a silent
// monitoring gap; these tests tie them to the exporter's real metric names
// and config loader.

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-kit/log"
	"github.com/prometheus/client_golang/prometheus"
	versioncollector "github.com/prometheus/client_golang/prometheus/collectors/version"
	"github.com/prometheus/common/model"
	"go.yaml.in/yaml/v3"

	"github.com/vbo365-exporter/vbo365_exporter/collector"
	"github.com/vbo365-exporter/vbo365_exporter/config"
	"github.com/vbo365-exporter/vbo365_exporter/vboapi"
)

const (
	rulesFile       = "prometheus/vbo365-rules.yml"
	rulesTestFile   = "prometheus/vbo365-rules_test.yml"
	promConfigFile  = "prometheus/prometheus.yml"
	dashboardFile   = "grafana/vbo365.json"
	systemdUnit     = "systemd/vbo365_exporter.service"
	fleetPromConfig = "prometheus/prometheus-fleet.yml"
	fleetK8sDir     = "kubernetes/fleet"
)

// exporterName is the name the exporter registers as a Windows service and
// prefixes its build_info with: the constant of that name in main.go, read
// from the source because package main cannot be imported.
func exporterName(t *testing.T) string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "../main.go", nil, parser.SkipObjectResolution)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.CONST {
			continue
		}
		for _, spec := range g.Specs {
			v := spec.(*ast.ValueSpec)
			if len(v.Names) == 1 && v.Names[0].Name == "exporterName" && len(v.Values) == 1 {
				if lit, ok := v.Values[0].(*ast.BasicLit); ok && lit.Kind == token.STRING {
					name, err := strconv.Unquote(lit.Value)
					if err != nil {
						t.Fatal(err)
					}
					return name
				}
			}
		}
	}
	t.Fatal("../main.go has no string constant exporterName")
	return ""
}

// requireTool finds an external checker. Developers without it get a skip;
// CI (CI=true, as .ci/run installs the tools) must not pass silently.
func requireTool(t *testing.T, name string) string {
	t.Helper()
	bin, err := exec.LookPath(name)
	if err == nil {
		return bin
	}
	if os.Getenv("CI") == "true" && name == "promtool" {
		t.Fatalf("%s not found in PATH but CI=true: install Debian's prometheus package (.ci/run does)", name)
	}
	t.Skipf("%s not found in PATH; skipping the checks that need it", name)
	return ""
}

func runTool(t *testing.T, bin string, args ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, bin, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", filepath.Base(bin), strings.Join(args, " "), err, out)
	}
}

// recordingRegisterer keeps what is registered so its descriptors can be
// listed, including vectors that have no series yet.
type recordingRegisterer struct{ collectors []prometheus.Collector }

func (r *recordingRegisterer) Register(c prometheus.Collector) error {
	r.collectors = append(r.collectors, c)
	return nil
}

func (r *recordingRegisterer) MustRegister(cs ...prometheus.Collector) {
	r.collectors = append(r.collectors, cs...)
}

func (r *recordingRegisterer) Unregister(prometheus.Collector) bool { return true }

var (
	fqNameRE     = regexp.MustCompile(`fqName: "([^"]+)"`)
	labelNamesRE = regexp.MustCompile(`variableLabels: \{([^}]*)\}`)
)

// namesOf is the series names of metricLabels' answer.
func namesOf(labels map[string][]string) map[string]bool {
	names := map[string]bool{}
	for name := range labels {
		names[name] = true
	}
	return names
}

// metricLabels is every vbo365_* series name the exporter can expose, with
// its variable labels, taken from the exporter's own descriptors rather
// than from a list that could drift. Histograms contribute their _bucket,
// _sum and _count series.
func metricLabels(t *testing.T) map[string][]string {
	t.Helper()
	reg := &recordingRegisterer{}
	exporter := collector.New(log.NewNopLogger(), vboapi.NewMetrics(reg), "test")
	defer exporter.Close()
	config.NewSafeConfig(reg)
	cs := append([]prometheus.Collector{exporter.Collector(context.Background()), versioncollector.NewCollector(exporterName(t))}, reg.collectors...)
	names := map[string][]string{}
	for _, c := range cs {
		_, histogram := c.(*prometheus.HistogramVec)
		ch := make(chan *prometheus.Desc, 64)
		go func() { c.Describe(ch); close(ch) }()
		for d := range ch {
			m := fqNameRE.FindStringSubmatch(d.String())
			l := labelNamesRE.FindStringSubmatch(d.String())
			if m == nil || l == nil {
				t.Fatalf("cannot read the name or the labels of %s", d)
			}
			var labels []string
			for _, name := range strings.Split(l[1], ",") {
				if name = strings.TrimSpace(name); name != "" {
					labels = append(labels, name)
				}
			}
			if histogram {
				for _, suffix := range []string{"_bucket", "_sum", "_count"} {
					names[m[1]+suffix] = labels
				}
				continue
			}
			names[m[1]] = labels
		}
	}
	for _, want := range []string{"vbo365_up", "vbo365_job_mailboxes", "vbo365_api_retries_total", "vbo365_exporter_build_info", "vbo365_exporter_config_last_reload_successful"} {
		if _, ok := names[want]; !ok {
			t.Fatalf("metric discovery is broken: %s not found among %v", want, names)
		}
	}
	if !slices.Contains(names["vbo365_job_info"], "organization_id") || !slices.Contains(names["vbo365_job_mailboxes"], "job_id") {
		t.Fatalf("label discovery is broken: vbo365_job_info %v, vbo365_job_mailboxes %v", names["vbo365_job_info"], names["vbo365_job_mailboxes"])
	}
	return names
}

// infoOnlyLabels are the labels vbo365_job_info carries beyond the
// per-job ones of vbo365_job_mailboxes.
func infoOnlyLabels(t *testing.T, labels map[string][]string) []string {
	t.Helper()
	var out []string
	for _, l := range labels["vbo365_job_info"] {
		if !slices.Contains(labels["vbo365_job_mailboxes"], l) {
			out = append(out, l)
		}
	}
	if len(out) == 0 {
		t.Fatal("vbo365_job_info has no labels beyond the per-job ones")
	}
	return out
}

var ignoringRE = regexp.MustCompile(`\bignoring\s*\(([^)]*)\)`)

// checkInfoJoins makes every join with vbo365_job_info that matches
// with ignoring (...) ignore every label only the info carries. Prometheus
// drops empty labels, so which of them a job's info has depends on the API
// version (v1: all_mailboxes; v6 and later: backup_type, repository_id),
// and a label missing from the list leaves the jobs that have it unmatched:
// a sum that silently leaves out a whole server.
func checkInfoJoins(t *testing.T, where, expr string, infoOnly []string) {
	t.Helper()
	if !slices.Contains(identifierRE.FindAllString(expr, -1), "vbo365_job_info") {
		return
	}
	for _, m := range ignoringRE.FindAllStringSubmatch(expr, -1) {
		var ignored []string
		for _, l := range strings.Split(m[1], ",") {
			ignored = append(ignored, strings.TrimSpace(l))
		}
		for _, l := range infoOnly {
			if !slices.Contains(ignored, l) {
				t.Errorf("%s: %s leaves out %s, a label of vbo365_job_info (the exporter's labels beyond the per-job ones: %v), so jobs whose info has it do not match: %s",
					where, strings.TrimSpace(m[0]), l, infoOnly, expr)
			}
		}
	}
}

// identifierRE matches PromQL identifiers including recording-rule
// names with colons, so that `server:vbo365_mailboxes:sum` is one token and
// not mistaken for a use of vbo365_mailboxes.
var identifierRE = regexp.MustCompile(`[A-Za-z_:][A-Za-z0-9_:]*`)

// checkMetricNames reports vbo365_* names in expr that the exporter
// does not expose.
func checkMetricNames(t *testing.T, where, expr string, known map[string]bool) {
	t.Helper()
	for _, id := range identifierRE.FindAllString(expr, -1) {
		if strings.HasPrefix(id, "vbo365_") && !strings.Contains(id, ":") && !known[id] {
			t.Errorf("%s: unknown metric %s in %q", where, id, expr)
		}
	}
}

// --- Prometheus rules ---

type promRule struct {
	Record      string            `yaml:"record"`
	Alert       string            `yaml:"alert"`
	Expr        string            `yaml:"expr"`
	For         string            `yaml:"for"`
	Labels      map[string]string `yaml:"labels"`
	Annotations map[string]string `yaml:"annotations"`
}

type promRuleFile struct {
	Groups []struct {
		Name  string     `yaml:"name"`
		Rules []promRule `yaml:"rules"`
	} `yaml:"groups"`
}

type promRuleTests struct {
	RuleFiles []string `yaml:"rule_files"`
	Tests     []struct {
		AlertRuleTest []struct {
			AlertName string `yaml:"alertname"`
			ExpAlerts []any  `yaml:"exp_alerts"`
		} `yaml:"alert_rule_test"`
		PromQLExprTest []struct {
			Expr string `yaml:"expr"`
		} `yaml:"promql_expr_test"`
	} `yaml:"tests"`
}

func readYAML(t *testing.T, file string, v any) {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(data, v); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
}

func TestRulesWithPromtool(t *testing.T) {
	promtool := requireTool(t, "promtool")
	runTool(t, promtool, "check", "rules", rulesFile)
	runTool(t, promtool, "test", "rules", rulesTestFile)
	// Also resolves rule_files relative to the config and checks them.
	runTool(t, promtool, "check", "config", promConfigFile)
}

func TestRulesContent(t *testing.T) {
	labels := metricLabels(t)
	known := namesOf(labels)
	infoOnly := infoOnlyLabels(t, labels)
	var rules promRuleFile
	readYAML(t, rulesFile, &rules)
	var tests promRuleTests
	readYAML(t, rulesTestFile, &tests)

	alerts := map[string]promRule{}
	var records []string
	for _, g := range rules.Groups {
		for _, r := range g.Rules {
			checkMetricNames(t, rulesFile+" "+r.Record+r.Alert, r.Expr, known)
			checkInfoJoins(t, rulesFile+" "+r.Record+r.Alert, r.Expr, infoOnly)
			if r.Record != "" {
				records = append(records, r.Record)
				continue
			}
			if _, dup := alerts[r.Alert]; dup {
				t.Errorf("alert %s is defined twice", r.Alert)
			}
			alerts[r.Alert] = r
		}
	}

	required := []string{
		"Vbo365MailboxesNotBackedUp", "Vbo365JobScrapeFailing", "Vbo365ServerDown", "Vbo365ExporterDown",
		"Vbo365JobFailed", "Vbo365JobWarning", "Vbo365JobNotRunRecently", "Vbo365JobNeverRan",
		"Vbo365JobDisabled", "Vbo365ExporterConfigReloadFailed", "Vbo365MailboxBackupTooOld",
		"Vbo365JobsUnidentified",
	}
	// The operations alerts (docs/alerts-operations.md) carry a runbook
	// annotation too: what to check, for whoever receives them.
	operations := []string{
		"Vbo365CollectorFailing", "Vbo365JobDurationLong", "Vbo365JobDurationVeryLong",
		"Vbo365LicenseExceeded", "Vbo365LicenseExpiring", "Vbo365LicenseExpired",
		"Vbo365OrganizationNotBackedUp", "Vbo365ServerUnhealthy", "Vbo365ProxyOffline",
		"Vbo365ProxyInMaintenance", "Vbo365RepositoryLowFreeSpace", "Vbo365RepositoryVeryLowFreeSpace",
		"Vbo365RepositoryImmutabilityShortened", "Vbo365OrganizationSyncFailing", "Vbo365OrganizationSyncStale",
		"Vbo365UnknownStatus",
	}
	// So do the workload alerts (docs/alerts-workloads.md).
	workloads := []string{
		"Vbo365ArchivesNotBackedUp", "Vbo365OneDrivesNotBackedUp", "Vbo365PersonalSitesNotBackedUp",
		"Vbo365SitesNotBackedUp", "Vbo365TeamsNotBackedUp", "Vbo365WorkloadScrapeFailing",
		"Vbo365ObjectBackupTooOld",
	}
	// So do the restore and access alerts (docs/alerts-audit.md).
	restores := []string{
		"Vbo365RestoreBulkExport", "Vbo365RestoreSessionsFailing", "Vbo365RestorePortalSwitched",
		"Vbo365RbacRoleOperatorsChanged", "Vbo365RbacRoleChanged", "Vbo365RestoreInitiatorsFolded",
	}
	withRunbook := append(append(slices.Clone(operations), workloads...), restores...)
	for _, name := range append(slices.Clone(required), withRunbook...) {
		if _, ok := alerts[name]; !ok {
			t.Errorf("alert %s is missing from %s", name, rulesFile)
		}
	}
	for _, name := range withRunbook {
		r, ok := alerts[name]
		if !ok {
			continue
		}
		if strings.TrimSpace(r.Annotations["runbook"]) == "" {
			t.Errorf("alert %s: needs a runbook annotation", name)
		}
		// The object the alert is about, by name, and its server.
		for prefix, label := range map[string]string{
			"vbo365_repository_": "{{ $labels.repository_name }}", "repository_id:": "{{ $labels.repository_name }}",
			"vbo365_proxy_": "{{ $labels.proxy_name }}", "vbo365_organization_": "{{ $labels.organization_name }}",
		} {
			if strings.Contains(r.Expr, prefix) && !strings.Contains(r.Annotations["summary"], label) {
				t.Errorf("alert %s: summary must name %s", name, label)
			}
		}
		if !strings.Contains(r.Annotations["summary"], "{{ $labels.server }}") || !strings.Contains(r.Annotations["description"], "{{ $labels.server }}") {
			t.Errorf("alert %s: summary and description must both name {{ $labels.server }}", name)
		}
	}
	for name, r := range alerts {
		if d, err := model.ParseDuration(r.For); err != nil || d <= 0 {
			t.Errorf("alert %s: `for` must be a positive duration, got %q", name, r.For)
		}
		if sev := r.Labels["severity"]; !slices.Contains([]string{"critical", "warning", "info"}, sev) {
			t.Errorf("alert %s: severity label %q is not critical, warning or info", name, sev)
		}
		text := r.Annotations["summary"] + "\n" + r.Annotations["description"]
		if r.Annotations["summary"] == "" || r.Annotations["description"] == "" {
			t.Errorf("alert %s: needs both a summary and a description", name)
		}
		// Whoever receives the alert must see which server and job it is
		// about without opening Prometheus.
		if strings.Contains(r.Expr, "vbo365_job_") {
			for _, label := range []string{"{{ $labels.server }}", "{{ $labels.job_name }}"} {
				if !strings.Contains(r.Annotations["summary"], label) || !strings.Contains(r.Annotations["description"], label) {
					t.Errorf("alert %s: summary and description must both name %s", name, label)
				}
			}
		} else if strings.Contains(r.Expr, "vbo365_up") && !strings.Contains(text, "{{ $labels.server }}") {
			t.Errorf("alert %s: annotations must name {{ $labels.server }}", name)
		}
	}
	if d, _ := model.ParseDuration(alerts["Vbo365JobDisabled"].For); d != model.Duration(12*time.Hour) {
		t.Errorf("Vbo365JobDisabled: for = %s, want 12h", d)
	}
	if expr := alerts["Vbo365MailboxesNotBackedUp"].Expr; strings.Contains(expr, "ratio") {
		t.Errorf("Vbo365MailboxesNotBackedUp must compare counts, not the ratio (NaN for empty jobs): %s", expr)
	}

	// Every alert is shown to fire and shown to stay quiet, and every
	// recording rule's output is checked.
	fires, quiet := map[string]bool{}, map[string]bool{}
	var testedExprs []string
	for _, tc := range tests.Tests {
		for _, a := range tc.AlertRuleTest {
			if len(a.ExpAlerts) > 0 {
				fires[a.AlertName] = true
			} else {
				quiet[a.AlertName] = true
			}
		}
		for _, e := range tc.PromQLExprTest {
			testedExprs = append(testedExprs, e.Expr)
		}
	}
	for name := range alerts {
		if !fires[name] {
			t.Errorf("%s: no test case where alert %s fires", rulesTestFile, name)
		}
		if !quiet[name] {
			t.Errorf("%s: no test case where alert %s must not fire", rulesTestFile, name)
		}
	}
	for _, rec := range records {
		found := false
		for _, e := range testedExprs {
			found = found || slices.Contains(identifierRE.FindAllString(e, -1), rec)
		}
		if !found {
			t.Errorf("%s: recording rule %s has no promql_expr_test", rulesTestFile, rec)
		}
	}
	if !slices.Contains(tests.RuleFiles, filepath.Base(rulesFile)) {
		t.Errorf("%s does not load %s", rulesTestFile, filepath.Base(rulesFile))
	}
}

// --- Grafana dashboard ---

type dashboardPanel struct {
	ID          int    `json:"id"`
	Type        string `json:"type"`
	Title       string `json:"title"`
	Description string `json:"description"`
	Datasource  *struct {
		Type string `json:"type"`
		UID  string `json:"uid"`
	} `json:"datasource"`
	GridPos struct{ X, Y, W, H int } `json:"gridPos"`
	Targets []struct {
		Expr       string `json:"expr"`
		RefID      string `json:"refId"`
		Datasource *struct {
			UID string `json:"uid"`
		} `json:"datasource"`
	} `json:"targets"`
	Transformations []struct {
		ID      string         `json:"id"`
		Options map[string]any `json:"options"`
	} `json:"transformations"`
	Options struct {
		Content string `json:"content"`
	} `json:"options"`
	Panels []dashboardPanel `json:"panels"`
}

type dashboardJSON struct {
	UID           string           `json:"uid"`
	Title         string           `json:"title"`
	SchemaVersion int              `json:"schemaVersion"`
	Panels        []dashboardPanel `json:"panels"`
	Templating    struct {
		List []struct {
			Name  string          `json:"name"`
			Type  string          `json:"type"`
			Query json.RawMessage `json:"query"`
		} `json:"list"`
	} `json:"templating"`
}

// selectorRE matches a metric name followed by an optional label
// matcher block.
var selectorRE = regexp.MustCompile(`([A-Za-z_:][A-Za-z0-9_:]*)(\{[^}]*\})?`)

var grafanaVarRE = regexp.MustCompile(`\$\{?(\w+)\}?`)

func TestGrafanaDashboard(t *testing.T) {
	labels := metricLabels(t)
	known := namesOf(labels)
	infoOnly := infoOnlyLabels(t, labels)
	data, err := os.ReadFile(dashboardFile)
	if err != nil {
		t.Fatal(err)
	}
	var d dashboardJSON
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&d); err != nil {
		t.Fatalf("%s: %v", dashboardFile, err)
	}
	if d.UID == "" || d.Title == "" || d.SchemaVersion < 36 {
		t.Errorf("uid %q, title %q, schemaVersion %d: want both set and schemaVersion >= 36", d.UID, d.Title, d.SchemaVersion)
	}

	vars := map[string]string{}
	for _, v := range d.Templating.List {
		var q string
		if err := json.Unmarshal(v.Query, &q); err != nil {
			var obj struct {
				Query string `json:"query"`
			}
			if err := json.Unmarshal(v.Query, &obj); err != nil {
				t.Errorf("variable %s: unreadable query %s", v.Name, v.Query)
			}
			q = obj.Query
		}
		vars[v.Name] = v.Type + " " + q
	}
	for name, want := range map[string]string{
		"datasource": "datasource prometheus",
		"server":     "query label_values(vbo365_up, server)",
		"job":        `query label_values(vbo365_job_info{server=~"$server"}, job_name)`,
	} {
		if vars[name] != want {
			t.Errorf("variable %s = %q, want %q", name, vars[name], want)
		}
	}

	var all []dashboardPanel
	var walk func([]dashboardPanel)
	walk = func(ps []dashboardPanel) {
		for _, p := range ps {
			all = append(all, p)
			walk(p.Panels)
		}
	}
	walk(d.Panels)

	ids := map[int]string{}
	var exprs []string
	mailboxListNoted, listsMailboxes := false, false
	objectListNoted, listsObjects := false, false
	for i, p := range all {
		where := fmt.Sprintf("panel %d %q", p.ID, p.Title)
		if prev, dup := ids[p.ID]; dup || p.ID == 0 {
			t.Errorf("%s: id missing or shared with %q", where, prev)
		}
		ids[p.ID] = p.Title
		g := p.GridPos
		if g.W <= 0 || g.H <= 0 || g.X < 0 || g.X+g.W > 24 {
			t.Errorf("%s: gridPos %+v outside the 24-column grid", where, g)
		}
		for _, q := range all[:i] {
			h := q.GridPos
			if g.X < h.X+h.W && h.X < g.X+g.W && g.Y < h.Y+h.H && h.Y < g.Y+g.H {
				t.Errorf("%s overlaps panel %d %q", where, q.ID, q.Title)
			}
		}
		if strings.Contains(p.Options.Content, "unprotected_mailbox_series") {
			mailboxListNoted = true
		}
		if strings.Contains(p.Options.Content, "unprotected_object_series") {
			objectListNoted = true
		}
		if p.Type == "row" || p.Type == "text" {
			continue
		}
		if p.Datasource == nil || p.Datasource.UID != "${datasource}" {
			t.Errorf("%s: datasource must be ${datasource}", where)
		}
		if len(p.Targets) == 0 {
			t.Errorf("%s: no queries", where)
		}
		refs := map[string]bool{}
		for _, tg := range p.Targets {
			if refs[tg.RefID] || tg.RefID == "" {
				t.Errorf("%s: refId %q missing or repeated", where, tg.RefID)
			}
			refs[tg.RefID] = true
			if tg.Datasource == nil || tg.Datasource.UID != "${datasource}" {
				t.Errorf("%s query %s: datasource must be ${datasource}", where, tg.RefID)
			}
			if strings.TrimSpace(tg.Expr) == "" {
				t.Errorf("%s query %s: empty expr", where, tg.RefID)
				continue
			}
			exprs = append(exprs, tg.Expr)
			checkMetricNames(t, where, tg.Expr, known)
			checkInfoJoins(t, where, tg.Expr, infoOnly)
			checkDashboardFilters(t, where, tg.Expr)
			listsMailboxes = listsMailboxes || strings.Contains(tg.Expr, "vbo365_mailbox_not_backed_up")
			if strings.Contains(tg.Expr, "vbo365_object_not_backed_up") {
				listsObjects = true
				objectListNoted = objectListNoted || strings.Contains(p.Description, "unprotected_object_series")
			}
		}
		if p.Type == "table" && len(p.Targets) > 1 {
			if len(p.Transformations) == 0 || p.Transformations[0].ID != "merge" {
				t.Errorf("%s: a table of several queries needs a merge transformation first", where)
			}
			for _, tr := range p.Transformations {
				if tr.ID != "organize" {
					continue
				}
				renames, _ := tr.Options["renameByName"].(map[string]any)
				for field := range renames {
					if ref, ok := strings.CutPrefix(field, "Value #"); ok && !refs[ref] {
						t.Errorf("%s: organize renames %q but there is no query %s", where, field, ref)
					}
				}
			}
		}
	}
	// The mailbox list is empty by default; the dashboard must say why.
	if listsMailboxes && !mailboxListNoted {
		t.Errorf("the dashboard lists vbo365_mailbox_not_backed_up but no text panel says it needs unprotected_mailbox_series")
	}
	// So is the list of other objects; its panel or a text panel must say so.
	if listsObjects && !objectListNoted {
		t.Errorf("the dashboard lists vbo365_object_not_backed_up but neither that panel's description nor a text panel says it needs unprotected_object_series")
	}
	checkPromQL(t, exprs)
}

// checkDashboardFilters makes every query honour the server and job
// variables the same way: job by job_name (never job_id), server by server.
func checkDashboardFilters(t *testing.T, where, expr string) {
	t.Helper()
	if strings.Contains(expr, `job_id=~"$job"`) {
		t.Errorf("%s: filter jobs with job_name=~\"$job\", not job_id: %s", where, expr)
	}
	for _, m := range selectorRE.FindAllStringSubmatch(expr, -1) {
		name, matchers := m[1], m[2]
		if !strings.HasPrefix(name, "vbo365_") || strings.HasPrefix(name, "vbo365_exporter_") {
			continue
		}
		if !strings.Contains(matchers, `server=~"$server"`) {
			t.Errorf("%s: %s must be filtered by server=~\"$server\": %s", where, name, expr)
		}
		if (strings.HasPrefix(name, "vbo365_job_") || strings.HasPrefix(name, "vbo365_mailbox_")) && !strings.Contains(matchers, `job_name=~"$job"`) {
			t.Errorf("%s: %s must be filtered by job_name=~\"$job\": %s", where, name, expr)
		}
	}
}

// checkPromQL parses every dashboard query with Prometheus' own
// parser, by handing them to `promtool check rules` as recording rules
// after substituting the Grafana variables.
func checkPromQL(t *testing.T, exprs []string) {
	t.Helper()
	promtool, err := exec.LookPath("promtool")
	if err != nil {
		t.Log("promtool not found; dashboard queries were not parsed")
		return
	}
	subst := map[string]string{"__rate_interval": "5m", "__interval": "1m", "__range": "1h"}
	var rules []map[string]string
	for i, e := range exprs {
		e = grafanaVarRE.ReplaceAllStringFunc(e, func(v string) string {
			name := grafanaVarRE.FindStringSubmatch(v)[1]
			if s, ok := subst[name]; ok {
				return s
			}
			return ".*"
		})
		rules = append(rules, map[string]string{"record": fmt.Sprintf("dashboard:query_%d", i), "expr": e})
	}
	out, err := yaml.Marshal(map[string]any{"groups": []any{map[string]any{"name": "dashboard", "rules": rules}}})
	if err != nil {
		t.Fatal(err)
	}
	rulesFile := filepath.Join(t.TempDir(), "dashboard-queries.yml")
	if err := os.WriteFile(rulesFile, out, 0o600); err != nil {
		t.Fatal(err)
	}
	runTool(t, promtool, "check", "rules", rulesFile)
}

// --- Kubernetes manifests ---

type k8sObject struct {
	APIVersion string `yaml:"apiVersion"`
	Kind       string `yaml:"kind"`
	Metadata   struct {
		Name   string            `yaml:"name"`
		Labels map[string]string `yaml:"labels"`
	} `yaml:"metadata"`
	Type       string            `yaml:"type"`
	Data       map[string]string `yaml:"data"`
	StringData map[string]string `yaml:"stringData"`
	Spec       yaml.Node         `yaml:"spec"`
	file       string
}

type k8sProbe struct {
	HTTPGet *struct {
		Path string `yaml:"path"`
		Port any    `yaml:"port"`
	} `yaml:"httpGet"`
}

type k8sContainer struct {
	Name  string   `yaml:"name"`
	Image string   `yaml:"image"`
	Args  []string `yaml:"args"`
	Ports []struct {
		Name          string `yaml:"name"`
		ContainerPort int    `yaml:"containerPort"`
	} `yaml:"ports"`
	LivenessProbe  k8sProbe `yaml:"livenessProbe"`
	ReadinessProbe k8sProbe `yaml:"readinessProbe"`
	Resources      struct {
		Requests map[string]string `yaml:"requests"`
		Limits   map[string]string `yaml:"limits"`
	} `yaml:"resources"`
	SecurityContext struct {
		ReadOnlyRootFilesystem   *bool `yaml:"readOnlyRootFilesystem"`
		AllowPrivilegeEscalation *bool `yaml:"allowPrivilegeEscalation"`
		Capabilities             struct {
			Drop []string `yaml:"drop"`
		} `yaml:"capabilities"`
	} `yaml:"securityContext"`
	VolumeMounts []struct {
		Name      string `yaml:"name"`
		MountPath string `yaml:"mountPath"`
		SubPath   string `yaml:"subPath"`
	} `yaml:"volumeMounts"`
}

type k8sVolume struct {
	Name      string `yaml:"name"`
	ConfigMap *struct {
		Name string `yaml:"name"`
	} `yaml:"configMap"`
	Secret *struct {
		SecretName string `yaml:"secretName"`
	} `yaml:"secret"`
}

type deploymentSpec struct {
	Selector struct {
		MatchLabels map[string]string `yaml:"matchLabels"`
	} `yaml:"selector"`
	Template struct {
		Metadata struct {
			Labels map[string]string `yaml:"labels"`
		} `yaml:"metadata"`
		Spec struct {
			SecurityContext struct {
				RunAsNonRoot *bool `yaml:"runAsNonRoot"`
				RunAsUser    *int  `yaml:"runAsUser"`
			} `yaml:"securityContext"`
			Containers []k8sContainer `yaml:"containers"`
			Volumes    []k8sVolume    `yaml:"volumes"`
		} `yaml:"spec"`
	} `yaml:"template"`
}

type serviceSpec struct {
	Selector map[string]string `yaml:"selector"`
	Ports    []struct {
		Name       string `yaml:"name"`
		Port       int    `yaml:"port"`
		TargetPort any    `yaml:"targetPort"`
	} `yaml:"ports"`
}

type serviceMonitorSpec struct {
	Selector struct {
		MatchLabels map[string]string `yaml:"matchLabels"`
	} `yaml:"selector"`
	Endpoints []struct {
		Port          string `yaml:"port"`
		Path          string `yaml:"path"`
		Interval      string `yaml:"interval"`
		ScrapeTimeout string `yaml:"scrapeTimeout"`
		Relabelings   []struct {
			TargetLabel string `yaml:"targetLabel"`
			Replacement string `yaml:"replacement"`
		} `yaml:"relabelings"`
	} `yaml:"endpoints"`
}

func loadK8s(t *testing.T) map[string][]k8sObject {
	t.Helper()
	files, err := filepath.Glob("kubernetes/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no deploy/kubernetes/*.yaml files (%v)", err)
	}
	byKind := map[string][]k8sObject{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		dec := yaml.NewDecoder(bytes.NewReader(data))
		dec.KnownFields(true)
		for {
			var o k8sObject
			err := dec.Decode(&o)
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			if o.APIVersion == "" || o.Kind == "" || o.Metadata.Name == "" {
				t.Errorf("%s: a document lacks apiVersion, kind or metadata.name", f)
			}
			o.file = f
			byKind[o.Kind] = append(byKind[o.Kind], o)
		}
	}
	for _, kind := range []string{"Deployment", "Service", "ConfigMap", "Secret", "ServiceMonitor"} {
		if len(byKind[kind]) != 1 {
			t.Fatalf("want exactly one %s in deploy/kubernetes, found %d", kind, len(byKind[kind]))
		}
	}
	if v := byKind["ServiceMonitor"][0].APIVersion; v != "monitoring.coreos.com/v1" {
		t.Errorf("ServiceMonitor apiVersion %q, want monitoring.coreos.com/v1", v)
	}
	return byKind
}

func decodeSpec(t *testing.T, o k8sObject, v any) {
	t.Helper()
	if err := o.Spec.Decode(v); err != nil {
		t.Fatalf("%s %s: %v", o.file, o.Kind, err)
	}
}

func labelsMatch(selector, labels map[string]string) bool {
	if len(selector) == 0 {
		return false
	}
	for k, v := range selector {
		if labels[k] != v {
			return false
		}
	}
	return true
}

func TestKubernetesManifests(t *testing.T) {
	objs := loadK8s(t)
	dep, svc, sm := objs["Deployment"][0], objs["Service"][0], objs["ServiceMonitor"][0]
	cm, secret := objs["ConfigMap"][0], objs["Secret"][0]

	var ds deploymentSpec
	decodeSpec(t, dep, &ds)
	pod := ds.Template.Spec
	if !labelsMatch(ds.Selector.MatchLabels, ds.Template.Metadata.Labels) {
		t.Errorf("Deployment selector %v does not match its pod labels %v", ds.Selector.MatchLabels, ds.Template.Metadata.Labels)
	}
	if pod.SecurityContext.RunAsNonRoot == nil || !*pod.SecurityContext.RunAsNonRoot ||
		pod.SecurityContext.RunAsUser == nil || *pod.SecurityContext.RunAsUser == 0 {
		t.Errorf("pod must set runAsNonRoot: true and a non-zero runAsUser")
	}
	if len(pod.Containers) != 1 {
		t.Fatalf("want one container, found %d", len(pod.Containers))
	}
	c := pod.Containers[0]
	sc := c.SecurityContext
	if sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem || sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation ||
		!slices.Contains(sc.Capabilities.Drop, "ALL") {
		t.Errorf("container must set readOnlyRootFilesystem: true, allowPrivilegeEscalation: false and drop ALL capabilities")
	}
	if c.Resources.Requests["memory"] == "" || c.Resources.Requests["cpu"] == "" || c.Resources.Limits["memory"] == "" {
		t.Errorf("container must request cpu and memory and limit memory")
	}
	portName := ""
	for _, p := range c.Ports {
		if p.ContainerPort == 9924 {
			portName = p.Name
		}
	}
	if portName == "" {
		t.Fatalf("container does not expose port 9924")
	}
	for _, pr := range []struct {
		name  string
		probe k8sProbe
		path  string
	}{{"livenessProbe", c.LivenessProbe, "/-/healthy"}, {"readinessProbe", c.ReadinessProbe, "/-/ready"}} {
		if pr.probe.HTTPGet == nil || pr.probe.HTTPGet.Path != pr.path {
			t.Errorf("%s must be an httpGet of %s", pr.name, pr.path)
			continue
		}
		if port := fmt.Sprint(pr.probe.HTTPGet.Port); port != portName && port != "9924" {
			t.Errorf("%s port %s is not the exporter's port", pr.name, port)
		}
	}

	var ss serviceSpec
	decodeSpec(t, svc, &ss)
	if !labelsMatch(ss.Selector, ds.Template.Metadata.Labels) {
		t.Errorf("Service selector %v does not select the pods %v", ss.Selector, ds.Template.Metadata.Labels)
	}
	if len(ss.Ports) != 1 || (fmt.Sprint(ss.Ports[0].TargetPort) != portName && fmt.Sprint(ss.Ports[0].TargetPort) != "9924") {
		t.Fatalf("Service must have one port targeting the exporter's port, got %+v", ss.Ports)
	}
	var ms serviceMonitorSpec
	decodeSpec(t, sm, &ms)
	if !labelsMatch(ms.Selector.MatchLabels, svc.Metadata.Labels) {
		t.Errorf("ServiceMonitor selector %v does not select the Service labels %v", ms.Selector.MatchLabels, svc.Metadata.Labels)
	}
	if len(ms.Endpoints) != 1 || ms.Endpoints[0].Port != ss.Ports[0].Name {
		t.Fatalf("ServiceMonitor must have one endpoint on Service port %q", ss.Ports[0].Name)
	}
	ep := ms.Endpoints[0]
	interval, err1 := model.ParseDuration(ep.Interval)
	timeout, err2 := model.ParseDuration(ep.ScrapeTimeout)
	if err1 != nil || err2 != nil || timeout <= 0 || timeout > interval {
		t.Errorf("ServiceMonitor interval %q and scrapeTimeout %q: want durations with 0 < scrapeTimeout <= interval", ep.Interval, ep.ScrapeTimeout)
	}
	jobLabel := ""
	for _, r := range ep.Relabelings {
		if r.TargetLabel == "job" {
			jobLabel = r.Replacement
		}
	}
	if jobLabel != "vbo365" {
		t.Errorf("ServiceMonitor must set job=\"vbo365\", which the alert Vbo365ExporterDown expects; got %q", jobLabel)
	}

	password := secret.StringData["password"]
	if !strings.Contains(password, "CHANGE-ME") {
		t.Errorf("the Secret's password must stay an obvious placeholder (CHANGE-ME...), got a real-looking value")
	}
	checkK8sConfig(t, c, pod.Volumes, cm, secret)
}

// checkK8sConfig lays out the pod's mounted ConfigMap and Secret in a
// temp dir, points the config's absolute paths into it and loads it with the
// exporter's own loader, so a wrong key, path or mount fails here rather
// than in a crash-looping pod.
func checkK8sConfig(t *testing.T, c k8sContainer, volumes []k8sVolume, cm, secret k8sObject) {
	t.Helper()
	configPath := ""
	for _, a := range c.Args {
		if v, ok := strings.CutPrefix(a, "--config.file="); ok {
			configPath = v
		}
	}
	// A path inside the Linux container, whatever OS runs this test.
	if !path.IsAbs(configPath) {
		t.Fatalf("container args must pass --config.file=<absolute path>, got %q", c.Args)
	}
	root := t.TempDir()
	var mounts []string
	for _, m := range c.VolumeMounts {
		if m.SubPath != "" {
			// A subPath mount is never updated when the ConfigMap or
			// Secret changes, which would make edits silently ignored.
			t.Errorf("volumeMount %s uses subPath", m.Name)
		}
		dir := filepath.Join(root, m.MountPath)
		if err := os.MkdirAll(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		mounts = append(mounts, m.MountPath)
		idx := slices.IndexFunc(volumes, func(v k8sVolume) bool { return v.Name == m.Name })
		if idx < 0 {
			t.Fatalf("volumeMount %s has no volume", m.Name)
		}
		files := map[string]string{}
		switch v := volumes[idx]; {
		case v.ConfigMap != nil && v.ConfigMap.Name == cm.Metadata.Name:
			files = cm.Data
		case v.Secret != nil && v.Secret.SecretName == secret.Metadata.Name:
			for k, s := range secret.StringData {
				files[k] = s
			}
			for k, s := range secret.Data {
				b, err := base64.StdEncoding.DecodeString(s)
				if err != nil {
					t.Fatalf("Secret data %s is not base64: %v", k, err)
				}
				files[k] = string(b)
			}
		default:
			t.Fatalf("volume %s refers to neither the ConfigMap %s nor the Secret %s", m.Name, cm.Metadata.Name, secret.Metadata.Name)
		}
		for name, content := range files {
			if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
				t.Fatal(err)
			}
		}
	}
	local := filepath.Join(root, configPath)
	body, err := os.ReadFile(local)
	if err != nil {
		t.Fatalf("--config.file=%s is not provided by any mounted volume: %v", configPath, err)
	}
	// Longest mount first, so /a/b is not rewritten as if it were /a.
	sort.Slice(mounts, func(i, j int) bool { return len(mounts[i]) > len(mounts[j]) })
	text := string(body)
	for i, m := range mounts {
		text = strings.ReplaceAll(text, m+"/", fmt.Sprintf("\x00%d\x00/", i))
	}
	for i, m := range mounts {
		text = strings.ReplaceAll(text, fmt.Sprintf("\x00%d\x00/", i), filepath.Join(root, m)+"/")
	}
	if err := os.WriteFile(local, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(local)
	if err != nil {
		t.Fatalf("the ConfigMap's config does not load: %v", err)
	}
	for _, s := range cfg.Servers {
		if s.PasswordFile == "" || s.PasswordValue() != secret.StringData["password"] {
			t.Errorf("server %s: password_file must point at the mounted Secret key \"password\"", s.Name)
		}
	}
}

// --- systemd ---

func TestSystemdUnit(t *testing.T) {
	data, err := os.ReadFile(systemdUnit)
	if err != nil {
		t.Fatal(err)
	}
	settings := map[string][]string{}
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' || line[0] == '[' {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			t.Fatalf("%s: cannot parse %q", systemdUnit, line)
		}
		settings[k] = append(settings[k], v)
	}
	want := map[string]string{
		"ExecStart":               "/usr/local/bin/vbo365_exporter --config.file=/etc/vbo365_exporter/config.yml",
		"ExecReload":              "/bin/kill -HUP $MAINPID",
		"DynamicUser":             "yes",
		"NoNewPrivileges":         "yes",
		"CapabilityBoundingSet":   "",
		"ProtectSystem":           "strict",
		"ProtectHome":             "yes",
		"PrivateTmp":              "yes",
		"PrivateDevices":          "yes",
		"ProtectKernelTunables":   "yes",
		"ProtectKernelModules":    "yes",
		"ProtectKernelLogs":       "yes",
		"ProtectControlGroups":    "yes",
		"RestrictAddressFamilies": "AF_INET AF_INET6 AF_UNIX",
		"RestrictNamespaces":      "yes",
		"LockPersonality":         "yes",
		"MemoryDenyWriteExecute":  "yes",
		"ReadOnlyPaths":           "/etc/vbo365_exporter",
	}
	for k, v := range want {
		if got := settings[k]; len(got) != 1 || got[0] != v {
			t.Errorf("%s: %s=%q, want %q", systemdUnit, k, got, v)
		}
	}
	if !slices.Contains(settings["SystemCallFilter"], "@system-service") {
		t.Errorf("%s: SystemCallFilter must include @system-service", systemdUnit)
	}
	// The path the config must use is /run/credentials/<unit>/<name>; make
	// sure the README documents exactly that.
	creds := settings["LoadCredential"]
	if len(creds) != 1 {
		t.Fatalf("%s: want one LoadCredential, got %q", systemdUnit, creds)
	}
	name, _, _ := strings.Cut(creds[0], ":")
	credPath := "/run/credentials/" + filepath.Base(systemdUnit) + "/" + name
	readme, err := os.ReadFile("systemd/README.md")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(readme), "password_file: "+credPath) {
		t.Errorf("deploy/systemd/README.md must show password_file: %s", credPath)
	}

	analyze := requireTool(t, "systemd-analyze")
	// verify insists that ExecStart names an existing executable; use this
	// test binary in a copy of the unit.
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	unit := strings.ReplaceAll(string(data), "/usr/local/bin/vbo365_exporter", self)
	unitFile := filepath.Join(t.TempDir(), filepath.Base(systemdUnit))
	if err := os.WriteFile(unitFile, []byte(unit), 0o644); err != nil {
		t.Fatal(err)
	}
	runTool(t, analyze, "verify", unitFile)
}

// --- Windows and release notes ---

func TestDocsNameTheService(t *testing.T) {
	win, err := os.ReadFile("windows/README.md")
	if err != nil {
		t.Fatal(err)
	}
	// The service support registers under exporterName; sc.exe must use it.
	name := exporterName(t)
	if !strings.Contains(string(win), "sc.exe create "+name+" ") {
		t.Errorf("deploy/windows/README.md must create the service as %q", name)
	}
	version, err := os.ReadFile("../VERSION")
	if err != nil {
		t.Fatal(err)
	}
	changelog, err := os.ReadFile("../CHANGELOG.md")
	if err != nil {
		t.Fatal(err)
	}
	heading := regexp.MustCompile(`(?m)^## ` + regexp.QuoteMeta(strings.TrimSpace(string(version))) + ` / \d{4}-\d{2}-\d{2}$`)
	if !heading.Match(changelog) {
		t.Errorf("CHANGELOG.md has no \"## %s / YYYY-MM-DD\" section for the version in VERSION", strings.TrimSpace(string(version)))
	}
}
