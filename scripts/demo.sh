#!/usr/bin/env bash
# Starts the bundled VBO365 simulator (HTTPS, self-signed) and the exporter
# pointed at it with ca_file, scrapes /metrics once and prints a line per
# job (mailboxes, backed up, not backed up, other workloads' objects not
# backed up, last status; scripts/jobtable.awk), then where the rest is: the
# status page, /metrics and the exporter's log. In a terminal both keep
# running until Enter; otherwise (CI, `make demo </dev/null`) they stop at
# once. Everything runs on loopback.
#
#   DEMO_FULL=1 make demo   # also every vbo365_ series of the scrape, leaving
#                           # out histogram buckets and the 0 series of
#                           # vbo365_job_last_status, and the whole log
#
# By default the simulator is a Veeam Backup for Microsoft 365 8.x server: it
# serves REST API v6, v7 and v8 with a generated tenant of 300 users and its
# default jobs (an EntireOrganization job, SelectedItems jobs of users,
# groups and nested groups, a few guest members that match no user, a
# mailbox last backed up years ago). The exporter detects v8
# (api_version: auto), so the full output shows vbo365_server_info with
# api_version="v8", vbo365_job_info with backup_type and repository_id,
# vbo365_job_scope_unresolved and vbo365_job_oldest_backup_timestamp_seconds.
# The tenant also has SharePoint sites, teams, and jobs that select them and
# users' archives and OneDrives (--tenant.workloads): the table's other
# workloads, and vbo365_job_objects{workload=...} and
# vbo365_object_not_backed_up in the full output. Its Restore Portal is on,
# and it runs a restore session every 10 s, each ending 30 s after it
# started: the exporter counts the sessions that end while it runs, so the
# one scrape below has the portal and RBAC series only; left running, the
# status page lists the sessions and /metrics has vbo365_restore_* from
# about a minute in.
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
v8) sim_args=(--api-versions v6,v7,v8 --tenant.users 300 --tenant.workloads --backed-up-fraction 0.92
	--ops.restore-portal --ops.restores-per-minute 6 --ops.restore-duration 20s) ;;
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

# The log outlives the script, so that the path printed below stays good.
log_file=$(mktemp "${TMPDIR:-/tmp}/vbo365_exporter-demo.XXXXXX")
./vbo365_exporter --config.file "$work/config.yml" --web.listen-address "127.0.0.1:$exporter_port" \
	2>"$log_file" &
pids+=($!)
ln -s "$log_file" "$work/vbo365_exporter.log"
wait_for "http://127.0.0.1:$exporter_port/-/ready" vbo365_exporter

exporter=http://127.0.0.1:$exporter_port
curl -sf "$exporter/metrics" >"$work/metrics.txt"
case "$demo_api" in
v8) server="a VB365 8.x server (REST API v6, v7 and v8)" ;;
v1) server="a VBO server with REST API v1" ;;
esac
echo "The simulator plays $server at https://localhost:$sim_port;"
echo "the exporter read it once. Per job:"
echo
awk -f scripts/jobtable.awk "$work/metrics.txt"

if [ -n "${DEMO_FULL:-}" ]; then
	echo
	echo "# every vbo365_ series of that scrape (no histogram buckets, no 0 of vbo365_job_last_status):"
	grep -E '^vbo365_' "$work/metrics.txt" | grep -vE '^vbo365_[a-z_]*_bucket\{|^vbo365_job_last_status\{.*\} 0$'
	echo
	echo "# exporter log:"
	cat "$log_file"
fi

warnings=$(grep -c '^level=warn' "$log_file" || true)
echo
echo "The rest:"
echo "  status page   $exporter/"
if [ "$demo_api" = v8 ]; then
	echo "                (a restore session ends every 10 s from about 40 s in: the page lists them)"
fi
echo "  all series    $exporter/metrics   (DEMO_FULL=1 make demo prints them here)"
echo "  exporter log  $log_file   ($warnings warnings)"
echo
if [ -t 0 ]; then
	echo "The simulator and the exporter keep running: press Enter (or Ctrl-C) to stop them."
	read -r _ || true
else
	echo "The simulator and the exporter stop now (stdin is not a terminal); run make demo in a"
	echo "terminal to keep them running."
fi
