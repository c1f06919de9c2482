#!/usr/bin/env bash
# Starts the bundled VBO365 simulator (HTTPS, self-signed) and the exporter
# pointed at it with ca_file, scrapes /metrics once and prints the vbo365_
# series. Everything runs on loopback and stops when the script ends.
# Ports: SIM_PORT (default 18443) and EXPORTER_PORT (default 19924).
set -euo pipefail
cd "$(dirname "$0")/.."

sim_port=${SIM_PORT:-18443}
exporter_port=${EXPORTER_PORT:-19924}
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
	--jobs 4 --mailboxes-per-job 2500,120,0,40 --backed-up-fraction 0.92 \
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
    page_size: 500
    unprotected_mailbox_series: 3
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

echo "# simulator: https://localhost:$sim_port  exporter: http://127.0.0.1:$exporter_port/metrics"
curl -sf "http://127.0.0.1:$exporter_port/metrics" | grep -E '^(# (HELP|TYPE) )?vbo365_' | grep -v '^# '
echo
echo "# exporter log:"
cat "$work/vbo365_exporter.log"
