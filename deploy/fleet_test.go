package deploy

// The fleet recipe: deploy/prometheus/prometheus-fleet.yml and
// deploy/kubernetes/fleet/. The end-to-end fleet test (test/e2e) runs the
// same file on two real Prometheus servers; these checks keep the file and
// the Kubernetes recipe valid and in step.

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/vbo365-exporter/vbo365_exporter/test/exportertest"
)

// TestFleetPrometheusConfig: promtool accepts the shipped fleet
// config, and each of its shards rendered as the header says.
func TestFleetPrometheusConfig(t *testing.T) {
	promtool := requireTool(t, "promtool")
	runTool(t, promtool, "check", "config", fleetPromConfig)
	raw, err := os.ReadFile(fleetPromConfig)
	if err != nil {
		t.Fatal(err)
	}
	rules, err := filepath.Abs(rulesFile)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	const shards = 3
	for shard := range shards {
		cfg := exportertest.FleetShardConfig(t, raw, shard, shards, "vbo365-exporter.example.com:9924", nil)
		cfg["rule_files"] = []any{rules}
		file := filepath.Join(dir, fmt.Sprintf("shard-%d.yml", shard))
		exportertest.WriteYAML(t, file, cfg)
		runTool(t, promtool, "check", "config", file)
	}
}

// fleetObjects decodes every document of deploy/kubernetes/fleet.
func fleetObjects(t *testing.T) map[string][]map[string]any {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(fleetK8sDir, "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no %s/*.yaml (%v)", fleetK8sDir, err)
	}
	byKind := map[string][]map[string]any{}
	for _, file := range files {
		raw, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		dec := yaml.NewDecoder(strings.NewReader(string(raw)))
		for {
			var o map[string]any
			if err := dec.Decode(&o); err == io.EOF {
				break
			} else if err != nil {
				t.Fatalf("%s: %v", file, err)
			}
			kind, _ := o["kind"].(string)
			byKind[kind] = append(byKind[kind], o)
		}
	}
	return byKind
}

// dig walks a decoded YAML tree along keys (strings) and list indexes
// (ints), returning nil when the path does not exist.
func dig(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				return nil
			}
			v = m[k]
		case int:
			l, ok := v.([]any)
			if !ok || k >= len(l) {
				return nil
			}
			v = l[k]
		}
	}
	return v
}

func named(objs []map[string]any, name string) map[string]any {
	for _, o := range objs {
		if dig(o, "metadata", "name") == name {
			return o
		}
	}
	return nil
}

// TestFleetKubernetes checks the Kubernetes recipe: the exporter
// Deployment is the single-target one with more replicas and
// --no-metrics.servers, and its config loads; the Services select it; the
// Prometheus StatefulSet's init container, run here with sh, renders a
// config per pod that promtool accepts and whose probe job is the shipped
// prometheus-fleet.yml's, shard for shard.
func TestFleetKubernetes(t *testing.T) {
	objs := fleetObjects(t)
	dep := named(objs["Deployment"], "vbo365-exporter-fleet")
	if dep == nil {
		t.Fatalf("%s has no Deployment vbo365-exporter-fleet", fleetK8sDir)
	}
	checkFleetDeployment(t, dep)
	checkFleetServices(t, objs["Service"], dep)
	sts := named(objs["StatefulSet"], "vbo365-prometheus")
	cm := named(objs["ConfigMap"], "vbo365-prometheus-fleet")
	if sts == nil || cm == nil {
		t.Fatalf("%s lacks the StatefulSet vbo365-prometheus or the ConfigMap vbo365-prometheus-fleet", fleetK8sDir)
	}
	checkFleetPrometheus(t, sts, cm)
}

// checkFleetDeployment compares the fleet Deployment's pod with the
// single-target one: only the labels, the replica count, the flag, the
// resources and the spread over nodes may differ. Its config must load as
// the single-target one's does.
func checkFleetDeployment(t *testing.T, dep map[string]any) {
	t.Helper()
	base := loadK8s(t)
	if n, _ := dig(dep, "spec", "replicas").(int); n < 2 {
		t.Errorf("fleet Deployment: replicas %v, want 2 or more", dig(dep, "spec", "replicas"))
	}
	raw, err := os.ReadFile("kubernetes/deployment.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var single map[string]any
	if err := yaml.Unmarshal(raw, &single); err != nil {
		t.Fatal(err)
	}
	args, _ := dig(dep, "spec", "template", "spec", "containers", 0, "args").([]any)
	if !slices.Contains(args, any("--no-metrics.servers")) {
		t.Errorf("fleet Deployment args %v lack --no-metrics.servers", args)
	}
	strip := func(o map[string]any) map[string]any {
		spec := dig(o, "spec", "template", "spec").(map[string]any)
		c := dig(spec, "containers", 0).(map[string]any)
		out := map[string]any{}
		for k, v := range spec {
			if k != "topologySpreadConstraints" && k != "containers" {
				out[k] = v
			}
		}
		for k, v := range c {
			if k != "args" && k != "resources" {
				out["container."+k] = v
			}
		}
		return out
	}
	if a, b := strip(dep), strip(single); !reflect.DeepEqual(a, b) {
		t.Errorf("the fleet Deployment's pod differs from deploy/kubernetes/deployment.yaml's beyond args, resources and spread:\n%v\n%v", a, b)
	}
	if !labelsMatch(toStrings(dig(dep, "spec", "selector", "matchLabels")), toStrings(dig(dep, "spec", "template", "metadata", "labels"))) {
		t.Errorf("fleet Deployment selector does not select its pods")
	}
	var ds deploymentSpec
	var node yaml.Node
	if err := node.Encode(dep["spec"]); err != nil {
		t.Fatal(err)
	}
	if err := node.Decode(&ds); err != nil {
		t.Fatal(err)
	}
	checkK8sConfig(t, ds.Template.Spec.Containers[0], ds.Template.Spec.Volumes, base["ConfigMap"][0], base["Secret"][0])
}

func toStrings(v any) map[string]string {
	m, _ := v.(map[string]any)
	out := map[string]string{}
	for k, s := range m {
		out[k] = fmt.Sprint(s)
	}
	return out
}

// checkFleetServices: one ClusterIP Service with client affinity
// and one headless Service, both on the exporter pods' port.
func checkFleetServices(t *testing.T, services []map[string]any, dep map[string]any) {
	t.Helper()
	pods := toStrings(dig(dep, "spec", "template", "metadata", "labels"))
	for name, headless := range map[string]bool{"vbo365-exporter-fleet": false, "vbo365-exporter-fleet-pods": true} {
		svc := named(services, name)
		if svc == nil {
			t.Errorf("no Service %s", name)
			continue
		}
		if !labelsMatch(toStrings(dig(svc, "spec", "selector")), pods) {
			t.Errorf("Service %s does not select the fleet's pods", name)
		}
		if got := dig(svc, "spec", "clusterIP") == "None"; got != headless {
			t.Errorf("Service %s: headless %v, want %v", name, got, headless)
		}
		if !headless && dig(svc, "spec", "sessionAffinity") != "ClientIP" {
			t.Errorf("Service %s: sessionAffinity %v, want ClientIP (see the comment there)", name, dig(svc, "spec", "sessionAffinity"))
		}
		if dig(svc, "spec", "ports", 0, "port") != 9924 || dig(svc, "spec", "ports", 0, "targetPort") != "http-metrics" {
			t.Errorf("Service %s must serve port 9924 from the container port http-metrics", name)
		}
	}
}

// checkFleetPrometheus runs the init container's script for every
// pod of the StatefulSet, checks each rendered config with promtool and
// compares its probe job with prometheus-fleet.yml's for that shard.
func checkFleetPrometheus(t *testing.T, sts, cm map[string]any) {
	t.Helper()
	replicas, _ := dig(sts, "spec", "replicas").(int)
	init := dig(sts, "spec", "template", "spec", "initContainers", 0)
	env := map[string]string{}
	for _, e := range dig(init, "env").([]any) {
		if v, ok := dig(e, "value").(string); ok {
			env[fmt.Sprint(dig(e, "name"))] = v
		}
	}
	if env["SHARD_COUNT"] != strconv.Itoa(replicas) || replicas < 2 {
		t.Fatalf("StatefulSet replicas %d and SHARD_COUNT %q must be the same number, 2 or more", replicas, env["SHARD_COUNT"])
	}
	script, _ := dig(init, "args", 0).(string)
	sh := requireTool(t, "sh")
	promtool := requireTool(t, "promtool")
	shipped, err := os.ReadFile(fleetPromConfig)
	if err != nil {
		t.Fatal(err)
	}
	template := fmt.Sprint(dig(cm, "data", "prometheus.yml"))
	for shard := range replicas {
		root := t.TempDir()
		mounts := map[string]string{} // container path -> local path
		for _, m := range dig(init, "volumeMounts").([]any) {
			mounts[fmt.Sprint(dig(m, "mountPath"))] = filepath.Join(root, fmt.Sprint(dig(m, "name")))
		}
		local := script
		for path, dir := range mounts {
			if err := os.MkdirAll(dir, 0o700); err != nil {
				t.Fatal(err)
			}
			local = strings.ReplaceAll(local, path+"/", dir+"/")
		}
		tmplDir, outDir := mounts["/etc/prometheus-template"], mounts["/etc/prometheus"]
		if tmplDir == "" || outDir == "" {
			t.Fatalf("the init container must mount the template at /etc/prometheus-template and the config at /etc/prometheus, has %v", mounts)
		}
		if err := os.WriteFile(filepath.Join(tmplDir, "prometheus.yml"), []byte(template), 0o600); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(sh, "-c", local)
		cmd.Env = append(os.Environ(), fmt.Sprintf("POD_NAME=vbo365-prometheus-%d", shard), "SHARD_COUNT="+env["SHARD_COUNT"])
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("the init container's script for pod %d: %v\n%s", shard, err, out)
		}
		rendered, err := os.ReadFile(filepath.Join(outDir, "prometheus.yml"))
		if err != nil {
			t.Fatal(err)
		}
		rules, _ := filepath.Abs(filepath.Dir(rulesFile))
		checkable := filepath.Join(root, "check.yml")
		if err := os.WriteFile(checkable, []byte(strings.ReplaceAll(string(rendered), "/etc/prometheus-rules/", rules+"/")), 0o600); err != nil {
			t.Fatal(err)
		}
		runTool(t, promtool, "check", "config", checkable)

		var got map[string]any
		if err := yaml.Unmarshal(rendered, &got); err != nil {
			t.Fatal(err)
		}
		want := exportertest.FleetShardConfig(t, shipped, shard, replicas, "EXPORTER", nil)
		for _, c := range []map[string]any{got, want} {
			for _, j := range c["scrape_configs"].([]any) {
				exportertest.FleetPointAt(t, j.(map[string]any), "EXPORTER")
			}
		}
		if a, b := probeJob(got), probeJob(want); !reflect.DeepEqual(a, b) {
			t.Errorf("pod %d: the rendered probe job differs from %s's shard %d:\n%v\n%v", shard, fleetPromConfig, shard, a, b)
		}
		if a, b := dig(got, "global", "external_labels"), dig(want, "global", "external_labels"); !reflect.DeepEqual(a, b) {
			t.Errorf("pod %d: external_labels %v, want %v", shard, a, b)
		}
		checkFleetAddresses(t, shard, rendered)
	}
}

// checkFleetAddresses: the rendered config discovers and probes
// through the Service vbo365-exporter-fleet and scrapes each replica's
// /metrics through the headless one.
func checkFleetAddresses(t *testing.T, pod int, rendered []byte) {
	t.Helper()
	var cfg map[string]any
	if err := yaml.Unmarshal(rendered, &cfg); err != nil {
		t.Fatal(err)
	}
	probe := probeJob(cfg)
	if u := dig(probe, "http_sd_configs", 0, "url"); u != "http://vbo365-exporter-fleet:9924/sd" {
		t.Errorf("pod %d: service discovery at %v, want the Service vbo365-exporter-fleet", pod, u)
	}
	found := false
	for _, r := range dig(probe, "relabel_configs").([]any) {
		if dig(r, "target_label") == "__address__" {
			found = dig(r, "replacement") == "vbo365-exporter-fleet:9924"
		}
	}
	if !found {
		t.Errorf("pod %d: the probes do not go to the Service vbo365-exporter-fleet:9924", pod)
	}
	for _, j := range cfg["scrape_configs"].([]any) {
		if dig(j, "job_name") != "vbo365-exporter" {
			continue
		}
		if dig(j, "dns_sd_configs", 0, "names", 0) != "vbo365-exporter-fleet-pods" || dig(j, "dns_sd_configs", 0, "port") != 9924 {
			t.Errorf("pod %d: the vbo365-exporter job must find the replicas through the headless Service vbo365-exporter-fleet-pods, port 9924", pod)
		}
		return
	}
	t.Errorf("pod %d: no vbo365-exporter job for the replicas' own metrics", pod)
}

func probeJob(cfg map[string]any) any {
	for _, j := range cfg["scrape_configs"].([]any) {
		if dig(j, "job_name") == "vbo365" {
			return j
		}
	}
	return nil
}
