package collector

import (
	"errors"
	"strings"
)

var errJobNotFound = errors.New("the server's job list has no job with this id")

// normalizeID makes GUIDs comparable whatever their case or braces, since a
// job id pasted from PowerShell may be written either way.
func normalizeID(id string) string {
	return strings.ToLower(strings.Trim(id, "{} "))
}
