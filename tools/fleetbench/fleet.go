//go:build linux

package main

import (
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/vbo365-exporter/vbo365_exporter/simulator"
)

// server is one simulated VBO server of the fleet.
type server struct {
	name     string
	url      string
	v8       bool
	password string
	sim      *simulator.Simulator
	srv      *http.Server
	// jobs and mailboxes are the truth a complete probe must show.
	jobs, mailboxes int
}

type fleet struct {
	servers []*server
	// loopbackSpread is true when each server got an address of its own;
	// false when the kernel refused and all share 127.0.0.1.
	loopbackSpread bool
}

// startFleet starts o.servers simulators, server i on 127.0.<1+i/250>.<1+i%250>.
func startFleet(o *options) (*fleet, error) {
	f := &fleet{loopbackSpread: true}
	for i := range o.servers {
		s := &server{name: fmt.Sprintf("vbo-%03d", i+1), password: fmt.Sprintf("fleetbench-password-%03d", i+1)}
		s.v8 = o.v8Every > 0 && i%o.v8Every == o.v8Every-1
		s.sim = simulator.New(simOptions(o, s, int64(i+1)))
		s.jobs, s.mailboxes = truthOf(s)
		ln, err := listen(fmt.Sprintf("127.0.%d.%d:0", 1+i/250, 1+i%250))
		if err != nil {
			f.loopbackSpread = false
			if ln, err = listen("127.0.0.1:0"); err != nil {
				f.close()
				return nil, err
			}
		}
		s.url = "http://" + ln.Addr().String()
		s.srv = &http.Server{Handler: s.sim, ErrorLog: log.New(io.Discard, "", 0), ReadHeaderTimeout: 10 * time.Second}
		go func() { _ = s.srv.Serve(ln) }() // ends with ErrServerClosed when the fleet stops
		f.servers = append(f.servers, s)
	}
	return f, nil
}

func listen(addr string) (net.Listener, error) { return net.Listen("tcp", addr) }

func simOptions(o *options, s *server, seed int64) simulator.Options {
	opts := simulator.Options{
		Username: "fleetbench", Password: s.password, Seed: seed,
		BaseDelay: o.Base, PerItemDelay: o.PerItem,
	}
	if s.v8 {
		opts.Versions = []string{"v6", "v7", "v8"}
		opts.Tenant = simulator.TenantOptions{Users: o.users}
		return opts
	}
	opts.Jobs = o.jobs
	per := make([]int, o.jobs)
	for j := range per {
		per[j] = o.mailboxes / o.jobs
		if j < o.mailboxes%o.jobs {
			per[j]++
		}
	}
	opts.MailboxesPerJob = per
	return opts
}

// truthOf is the number of jobs and the mailboxes summed over them.
func truthOf(s *server) (jobs, mailboxes int) {
	if s.v8 {
		for _, j := range s.sim.ProtectionTruth() {
			jobs, mailboxes = jobs+1, mailboxes+j.Mailboxes
		}
		return jobs, mailboxes
	}
	for _, j := range s.sim.Truth() {
		jobs, mailboxes = jobs+1, mailboxes+j.Mailboxes
	}
	return jobs, mailboxes
}

func (f *fleet) close() {
	for _, s := range f.servers {
		s.srv.Close()
	}
}

// configYAML is the exporter's config for the first n servers.
func (f *fleet) configYAML(n int) string {
	var b strings.Builder
	b.WriteString("servers:\n")
	for _, s := range f.servers[:n] {
		version := "v1"
		if s.v8 {
			version = "auto"
		}
		fmt.Fprintf(&b, "  - name: %s\n    url: %s\n    username: fleetbench\n    password: %s\n    api_version: %s\n    request_timeout: 20s\n",
			s.name, s.url, s.password, version)
	}
	return b.String()
}

// counts are the fleet's v1 and v8 servers, jobs and mailboxes.
func (f *fleet) counts() (v1, v8, jobs, mailboxes int) {
	for _, s := range f.servers {
		if s.v8 {
			v8++
		} else {
			v1++
		}
		jobs += s.jobs
		mailboxes += s.mailboxes
	}
	return v1, v8, jobs, mailboxes
}
