package vboapi

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package if any test leaves a goroutine behind: a
// leaked poll, page fetch or connection reader would grow without bound in
// an exporter that runs for months. Nothing is ignored; tests close their
// clients, exporters and servers in cleanup instead.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
