#!/usr/bin/env bash
# Starts the bundled VBO365 simulator (HTTPS, self-signed) and the exporter
# pointed at it with ca_file, scrapes /metrics once and prints the vbo365_
# series, leaving out histogram buckets and the vbo365_job_last_status series
# that are 0. Everything runs on loopback and stops when the script ends.
#
# By default the simulator is a Veeam Backup for Microsoft 365 8.x server: it
# serves REST API v6, v7 and v8 with a generated tenant of 300 users and its
# default jobs (an EntireOrganization job, SelectedItems jobs of users,
# groups and nested groups, a few guest members that match no user, a
# mailbox last backed up years ago). The exporter detects v8
# (api_version: auto), so the output shows vbo365_server_info with
# api_version="v8", vbo365_job_info with backup_type and repository_id,
# vbo365_job_scope_unresolved and vbo365_job_oldest_backup_timestamp_seconds.
# The tenant also has SharePoint sites, teams, and jobs that select them and
# users' archives and OneDrives (--tenant.workloads), so the output shows
# vbo365_job_objects{workload=...} and vbo365_object_not_backed_up.
#
#   DEMO_API=v1 make demo   # an old VBO server instead: REST API v1, 4 jobs
#
# Ports: SIM_PORT (default 18443) and EXPORTER_PORT (default 19924).
set -euo pipefail
cd "$(dirname "$0")/.."

sim_port=${SIM_PORT:-18443}
exporter_port=${EXPORTER_PORT:-19924}
demo_api=${DEMO_API:-v8}
case "$demo_api" in
v8) sim_args=(--api-versions v6,v7,v8 --tenant.users 300 --tenant.workloads --backed-up-fraction 0.92) ;;
v1) sim_args=(--api-versions v1 --jobs 4 --mailboxes-per-job 2500,120,0,40 --backed-up-fraction 0.92) ;;
*)
	echo "demo: DEMO_API must be v8 (the default) or v1, got '$demo_api'" >&2
	exit 2
	;;
esac
work=$(mktemp -d)
pids=()
cleanup() {
	for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

# A throwaway demo password, in a file readable only by this user.
umask 077
head -c 18 /dev/urandom | base64 | tr -d '/+=' > "$work/vbo.password"

./vbo365-simulator --listen-address "127.0.0.1:$sim_port" --tls.cert-out "$work/sim-ca.pem" \
	--username 'DEMO\svc-monitor' --password-file "$work/vbo.password" \
	"${sim_args[@]}" \
	>"$work/simulator.out" 2>"$work/simulator.log" &
pids+=($!)

cat > "$work/config.yml" <<YAML
servers:
  - name: demo
    url: https://localhost:$sim_port
    username: 'DEMO\svc-monitor'
    password_file: vbo.password
    tls_config:
      ca_file: sim-ca.pem
    api_version: auto
    page_size: 500
    unprotected_mailbox_series: 3
    unprotected_object_series: 2
YAML

wait_for() { # url, what
	for _ in $(seq 1 100); do
		curl -sf -o /dev/null --cacert "$work/sim-ca.pem" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	echo "demo: $2 did not start; its log:" >&2
	cat "$work/$2.log" >&2
	exit 1
}
for _ in $(seq 1 100); do grep -q ready "$work/simulator.out" 2>/dev/null && break; sleep 0.1; done
grep -q ready "$work/simulator.out" || { echo "demo: the simulator did not start:" >&2; cat "$work/simulator.log" >&2; exit 1; }

./vbo365_exporter --config.file "$work/config.yml" --web.listen-address "127.0.0.1:$exporter_port" \
	2>"$work/vbo365_exporter.log" &
pids+=($!)
wait_for "http://127.0.0.1:$exporter_port/-/ready" vbo365_exporter

echo "# simulator ($demo_api): https://localhost:$sim_port  exporter: http://127.0.0.1:$exporter_port/metrics"
curl -sf "http://127.0.0.1:$exporter_port/metrics" | grep -E '^vbo365_' |
	grep -vE '^vbo365_[a-z_]*_bucket\{|^vbo365_job_last_status\{.*\} 0$'
echo
echo "# exporter log:"
cat "$work/vbo365_exporter.log"
