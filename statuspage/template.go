package statuspage

import "html/template"

// Ratios are floored, not rounded, so 99.996% never shows as 1.0000.
var tableTemplate = template.Must(template.New("status").Parse(`
<h2>Last poll</h2>
{{- if not . }}
<p id="no-poll">No poll yet: the table fills after the first scrape of the metrics endpoint.</p>
{{- end }}
{{- range . }}
<table class="vbo-status" data-server="{{ .Name }}">
<caption>Server <b>{{ .Name }}</b>: up <span class="up-{{ .Up }}">{{ .Up }}</span>, polled {{ .Polled }}, took {{ .Duration }}
{{- if .LastError }}<br><span class="err">Last error ({{ .LastErrorAt }}): {{ .LastError }}</span>{{ end }}</caption>
<thead><tr><th>job</th><th>job id</th><th>success</th><th>mailboxes</th><th>backed up</th><th>ratio</th><th>not backed up</th><th title="objects of other workloads not backed up, of those in scope">other workloads not backed up</th><th>last error</th></tr></thead>
<tbody>
{{- range .Jobs }}
<tr{{ if .Alarm }} class="alarm"{{ end }} data-job-id="{{ .ID }}"><td>{{ .Name }}</td><td><code>{{ .ID }}</code></td><td>{{ .Success }}</td><td>{{ .Mailboxes }}</td><td>{{ .BackedUp }}</td><td>{{ .Ratio }}</td><td>{{ .NotBackedUp }}</td><td>{{ .Workloads }}</td><td>{{ if .LastError }}{{ .LastError }} <small>{{ .LastErrorAt }}</small>{{ end }}</td></tr>
{{- end }}
</tbody>
</table>
{{- $server := .Name }}
<div class="vbo-ops" data-server="{{ $server }}">
{{- range .Ops }}
<table class="vbo-status" data-server="{{ $server }}" data-collector="{{ .Collector }}">
<caption><b>{{ $server }}</b> {{ .Title }}
{{- if .Err }}<br><span class="err">Failed: {{ .Err }}</span>{{ end }}</caption>
{{- if .Rows }}
<thead><tr>{{ range .Columns }}<th>{{ . }}</th>{{ end }}</tr></thead>
<tbody>
{{- range .Rows }}
<tr{{ if .Alarm }} class="alarm"{{ end }} data-id="{{ .ID }}">{{ range .Cells }}<td>{{ . }}</td>{{ end }}</tr>
{{- end }}
</tbody>
{{- else }}
<tbody><tr class="note"><td>{{ .Note }}</td></tr></tbody>
{{- end }}
</table>
{{- end }}
</div>
{{- end }}
`))

const css = `
table.vbo-status { border-collapse: collapse; margin: 1em 0; font-size: 0.9em; }
table.vbo-status caption { text-align: left; padding: 0.3em 0; }
table.vbo-status th, table.vbo-status td { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: left; }
table.vbo-status tr.alarm td { background: #fde8e8; }
.up-no, .err { color: #b00020; font-weight: bold; }
div.vbo-ops { display: flex; flex-wrap: wrap; align-items: flex-start; column-gap: 2em; }
table.vbo-status tr.note td { color: #555; font-style: italic; }
`
