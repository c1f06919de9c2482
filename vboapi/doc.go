// Package vboapi speaks the Veeam Backup for Microsoft 365 v1 REST API: it
// logs in with the password grant and keeps the token fresh, retries what is
// safe to retry, and pages through a job's selected mailboxes, decoding each
// page as it streams in. It knows nothing about Prometheus metrics beyond
// counting its own requests.
package vboapi
