//go:build linux

package harness

import (
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// Common are the flags every tool has.
type Common struct {
	Exporter string // the exporter binary; "" builds one
	Keep     bool   // keep the temporary directory
	Out      string // also write the report here (bench, fleetbench)
}

// Register adds -exporter and -keep to fs; with report, -o too.
func (c *Common) Register(fs *flag.FlagSet, report bool) {
	fs.StringVar(&c.Exporter, "exporter", "", "exporter binary; empty builds one into a temporary directory")
	fs.BoolVar(&c.Keep, "keep", false, "keep the temporary directory (configs and process logs)")
	if report {
		fs.StringVar(&c.Out, "o", "", "also write the Markdown report to this file")
	}
}

// Latency is the simulator's latency model.
type Latency struct {
	Base, PerItem time.Duration
}

// Register adds -delay.base and -delay.per-item to fs.
func (l *Latency) Register(fs *flag.FlagSet) {
	fs.DurationVar(&l.Base, "delay.base", 20*time.Millisecond, "simulator latency per request")
	fs.DurationVar(&l.PerItem, "delay.per-item", 50*time.Microsecond, "simulator latency per item returned")
}

// SetupLog makes the log say which tool speaks, and when.
func SetupLog(tool string) {
	log.SetFlags(log.Ltime)
	log.SetPrefix(tool + ": ")
}

// TempDir makes the run's directory; cleanup removes it unless keep, in
// which case its path is logged so that the logs can be read afterwards.
func TempDir(tool string, keep bool) (dir string, cleanup func(), err error) {
	dir, err = os.MkdirTemp("", "vbo365-"+tool+"-")
	if err != nil {
		return "", nil, err
	}
	if keep {
		log.Printf("temporary files in %s", dir)
		return dir, func() {}, nil
	}
	return dir, func() { os.RemoveAll(dir) }, nil
}

// WriteReport prints report and, with a path, writes it there too.
func WriteReport(report, path string) error {
	var w io.Writer = os.Stdout
	if path != "" {
		f, err := os.Create(path)
		if err != nil {
			return err
		}
		defer f.Close()
		w = io.MultiWriter(os.Stdout, f)
	}
	_, err := io.WriteString(w, report)
	return err
}

// rootModule is the exporter's module, which the tools' go.mod replaces
// with this checkout.
const rootModule = "github.com/vbo365-exporter/vbo365_exporter"

// Build builds pkg (a package path below the exporter's module, "" for the
// exporter itself) into out the way `make build` does, so the numbers are
// those of the shipped static binaries. It builds in this checkout's root,
// wherever the tool was started.
func Build(out, pkg string) error {
	root, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", rootModule).Output()
	if err != nil {
		return fmt.Errorf("finding the exporter's module (run the tool inside this checkout): %w", err)
	}
	log.Printf("building %s", filepath.Base(out))
	cmd := exec.Command("go", "build", "-trimpath", "-o", out, "./"+pkg)
	cmd.Dir = strings.TrimSpace(string(root))
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	return cmd.Run()
}
