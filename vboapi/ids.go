package vboapi

import "strings"

// NormalizeID makes GUIDs comparable whatever their case or braces, since a
// job id pasted from PowerShell may be written either way.
func NormalizeID(id string) string {
	return strings.ToLower(strings.Trim(id, "{} "))
}
