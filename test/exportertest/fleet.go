package exportertest

import (
	"fmt"
	"net/url"
	"reflect"
	"strconv"
	"testing"

	"go.yaml.in/yaml/v3"
)

// fleetConfig names the shipped file in messages.
const fleetConfig = "deploy/prometheus/prometheus-fleet.yml"

// FleetShardConfig is deploy/prometheus/prometheus-fleet.yml (raw) for
// shard of shards, with the exporter at addr: the SHARD rules, the service
// discovery URL and the address replacement are set as the file's header
// says, and nothing else of the shipped file changes but what tune does.
// The deploy check and the end-to-end fleet test both render it, so the
// file they check is the one they run.
func FleetShardConfig(t testing.TB, raw []byte, shard, shards int, addr string, tune func(job map[string]any)) map[string]any {
	t.Helper()
	var cfg map[string]any
	if err := yaml.Unmarshal(raw, &cfg); err != nil {
		t.Fatalf("%s: %v", fleetConfig, err)
	}
	if g, ok := cfg["global"].(map[string]any); ok {
		if el, ok := g["external_labels"].(map[string]any); ok {
			el["shard"] = strconv.Itoa(shard)
		}
	}
	jobs, _ := cfg["scrape_configs"].([]any)
	for _, j := range jobs {
		job := j.(map[string]any)
		FleetPointAt(t, job, addr)
		if job["job_name"] == "vbo365" {
			fleetSetShard(t, job, shard, shards)
		}
		if tune != nil {
			tune(job)
		}
	}
	return cfg
}

// FleetPointAt sends a scrape job's discovery, probes and scrapes to the
// exporter at addr.
func FleetPointAt(t testing.TB, job map[string]any, addr string) {
	t.Helper()
	sds, _ := job["http_sd_configs"].([]any)
	for _, sd := range sds {
		m := sd.(map[string]any)
		u, err := url.Parse(fmt.Sprint(m["url"]))
		if err != nil {
			t.Fatalf("%s: http_sd_configs url: %v", fleetConfig, err)
		}
		u.Host = addr
		m["url"] = u.String()
	}
	rules, _ := job["relabel_configs"].([]any)
	for _, r := range rules {
		m := r.(map[string]any)
		if m["target_label"] == "__address__" && m["replacement"] != nil {
			m["replacement"] = addr
		}
	}
	statics, _ := job["static_configs"].([]any)
	for _, sc := range statics {
		sc.(map[string]any)["targets"] = []any{addr}
	}
}

// fleetSetShard sets the two SHARD rules of the probe job: the hashmod
// rule's modulus, and the regex of the keep rule on the label it writes.
// It fails when the job does not have exactly one of each.
func fleetSetShard(t testing.TB, job map[string]any, shard, shards int) {
	t.Helper()
	rules, _ := job["relabel_configs"].([]any)
	var hashmods, keeps []map[string]any
	for _, r := range rules {
		if m := r.(map[string]any); m["action"] == "hashmod" {
			hashmods = append(hashmods, m)
		}
	}
	if len(hashmods) == 1 {
		for _, r := range rules {
			m := r.(map[string]any)
			if m["action"] == "keep" && reflect.DeepEqual(m["source_labels"], []any{hashmods[0]["target_label"]}) {
				keeps = append(keeps, m)
			}
		}
	}
	if len(hashmods) != 1 || len(keeps) != 1 {
		t.Fatalf("%s: the vbo365 job has %d hashmod rules and %d keep rules on the label one writes, want one each (the SHARD rules)", fleetConfig, len(hashmods), len(keeps))
	}
	hashmods[0]["modulus"] = shards
	keeps[0]["regex"] = strconv.Itoa(shard)
}
