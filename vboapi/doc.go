// Package vboapi speaks the Veeam Backup for Microsoft 365 REST API, v1 and
// v6 to v8: it finds the version a server serves without credentials, logs in
// with the password grant and keeps the token fresh, retries what is safe to
// retry, and reads one resource per file. v1's selected mailboxes are decoded
// token by token with jsontext as each page arrives; the resources of v6 and
// later go through one reader for pages and plain arrays. It knows nothing
// about Prometheus metrics beyond counting its own requests.
package vboapi
