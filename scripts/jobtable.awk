# Reads one /metrics answer of vbo365_exporter (the text format) and prints
# a table with a line per job: mailboxes, backed up, not backed up, the
# objects of other workloads not backed up, and the job's last status.
# scripts/demo.sh uses it so that the demo opens with the answer; it is
# plain POSIX awk (Debian's mawk runs it) so the demo needs nothing new.
#
#   curl -s http://127.0.0.1:9924/metrics | awk -f scripts/jobtable.awk

# label returns the value of key in a series' label set, unescaped; "" when
# the series has no such label.
function label(s, key,    i, c, out) {
	i = index(s, "{" key "=\"")
	if (i == 0) i = index(s, "," key "=\"")
	if (i == 0) return ""
	i += length(key) + 3
	out = ""
	for (; i <= length(s); i++) {
		c = substr(s, i, 1)
		if (c == "\\") { i++; c = substr(s, i, 1); if (c == "n") c = " " }
		else if (c == "\"") break
		out = out c
	}
	return out
}

function remember(id, name) {
	if (!(id in names)) order[++jobs] = id
	names[id] = name
}

/^vbo365_job_(mailboxes|mailboxes_backed_up|objects|objects_backed_up|last_status|enabled)\{/ {
	metric = substr($0, 1, index($0, "{") - 1)
	id = label($0, "job_id")
	key = id SUBSEP label($0, "server")
	remember(key, label($0, "job_name"))
	value = $NF
	if (metric == "vbo365_job_mailboxes") mailboxes[key] = value
	else if (metric == "vbo365_job_mailboxes_backed_up") backed[key] = value
	else if (metric == "vbo365_job_last_status" && value == 1) state[key] = label($0, "status")
	else if (metric == "vbo365_job_enabled" && value == 0) disabled[key] = 1
	else if (metric == "vbo365_job_objects" || metric == "vbo365_job_objects_backed_up") {
		w = label($0, "workload")
		if (w == "mailbox") next
		if (!((key, w) in seen)) workloads[key] = workloads[key] " " w
		seen[key, w] = 1
		if (metric == "vbo365_job_objects") objects[key, w] = value
		else objectsBacked[key, w] = value
	}
}

# others lists the workloads of a job with objects not backed up, as
# "archive 3, site 1"; "none" when every object is, "-" when the version
# has no workload figures.
function others(key,    n, i, list, w, missing, out) {
	if (!(key in workloads)) return "-"
	n = split(workloads[key], list, " ")
	out = ""
	for (i = 1; i <= n; i++) {
		w = list[i]
		if (!((key, w) in objects) || !((key, w) in objectsBacked)) continue
		missing = objects[key, w] - objectsBacked[key, w]
		if (missing > 0) out = out (out == "" ? "" : ", ") w " " missing
	}
	return out == "" ? "none" : out
}

# row adds one line of cells (tab-separated) to the table.
function row(line,    n, c, j) {
	rows[++nrows] = line
	n = split(line, c, "\t")
	for (j = 1; j <= n; j++) if (length(c[j]) > width[j]) width[j] = length(c[j])
}

END {
	for (i = 1; i <= jobs; i++) {
		key = order[i]
		read = (key in mailboxes) && (key in backed)
		st = (key in state) ? state[key] : "-"
		if (key in disabled) st = st ", disabled"
		if (!read) st = st ", not read"
		line[i] = names[key] "\t" (read ? mailboxes[key] : "-") "\t" (read ? backed[key] : "-") "\t" \
			(read ? mailboxes[key] - backed[key] : "-") "\t" others(key) "\t" st
	}
	# By job name, as the status page lists them; a handful of jobs, so
	# an insertion sort does.
	for (i = 2; i <= jobs; i++)
		for (j = i; j > 1 && line[j] < line[j-1]; j--) { t = line[j]; line[j] = line[j-1]; line[j-1] = t }
	row("JOB\tMAILBOXES\tBACKED UP\tNOT BACKED UP\tOTHER WORKLOADS NOT BACKED UP\tSTATE")
	for (i = 1; i <= jobs; i++) row(line[i])
	for (i = 1; i <= nrows; i++) {
		n = split(rows[i], c, "\t")
		out = ""
		for (j = 1; j <= n; j++) {
			# Counts right-aligned, text left-aligned.
			f = (j >= 2 && j <= 4) ? "%" width[j] "s" : "%-" width[j] "s"
			out = out (j > 1 ? "  " : "") sprintf(f, c[j])
		}
		sub(/ +$/, "", out)
		print out
	}
}
