// Package contract checks HTTP traffic of the Veeam Backup for Microsoft 365
// REST API v6, v7 and v8 against Veeam's published OpenAPI schemas, which
// it embeds (see openapi/README.md). Tests wrap a handler, the simulator or
// a fake server, with Validator.Handler, drive traffic through it and end
// with Validator.Check; fixture tests call ValidateFixture.
//
// It is test support only: nothing in the exporter binary imports it.
//
// Checks done by kin-openapi: routing to an operation, declared path and
// query parameters (type, format, enum), the request body of POST /token,
// the security requirement (with a presence-only bearer check), and response status,
// Content-Type and body against the schema (types, required, enum,
// nullable, formats as registered in schemaOptions).
//
// Checks added here: undeclared query parameters; operations missing from
// the schema (404 and 405 answers excepted); x-anonymous operations exempt
// from the bearer requirement, and 401 answers exempt from it too; success
// statuses that are not documented (kin-openapi would match them to the
// failure "default"); uuid and RFC 3339 date-time formats; and, with
// StrictProperties, object properties and form fields the schema does not
// declare.
package contract
