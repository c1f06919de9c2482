//go:build linux

package main

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"slices"
	"sync"
	"time"
)

// httpFloor is the CPU a bare client spends receiving the same pages as the
// exporter, over the same transport settings and concurrency, while decoding
// nothing: the part of the exporter's CPU that no decoder can remove. It runs
// in the harness process, which is otherwise idle meanwhile, and returns the
// median over rounds of getrusage seconds per mailbox.
func httpFloor(sc scenario, baseURL, caFile string, rounds int) (float64, error) {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxConnsPerHost, t.MaxIdleConnsPerHost = sc.concurrency+1, sc.concurrency+1
	t.ReadBufferSize = 64 << 10 // as the exporter's transport
	if caFile != "" {
		pem, err := os.ReadFile(caFile)
		if err != nil {
			return 0, err
		}
		pool := x509.NewCertPool()
		pool.AppendCertsFromPEM(pem)
		t.TLSClientConfig = &tls.Config{RootCAs: pool}
	}
	defer t.CloseIdleConnections()
	client := &http.Client{Transport: t, Timeout: time.Minute}

	form := url.Values{"grant_type": {"password"}, "username": {"bench"}, "password": {"bench-password"}}
	resp, err := client.PostForm(baseURL+"/v1/Token", form)
	if err != nil {
		return 0, err
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	err = json.NewDecoder(resp.Body).Decode(&tok)
	resp.Body.Close()
	if err != nil || tok.AccessToken == "" {
		return 0, fmt.Errorf("floor: no token (%v)", err)
	}
	// get reads path into read, which sees the body of a 200 only.
	get := func(path string, read func(io.Reader) error) error {
		req, err := http.NewRequest(http.MethodGet, baseURL+path, nil)
		if err != nil {
			return err
		}
		req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("floor: %s: %s", path, resp.Status)
		}
		return read(resp.Body)
	}
	discard := func(r io.Reader) error {
		_, err := io.CopyBuffer(io.Discard, r, make([]byte, 64<<10))
		return err
	}
	var jobs []struct {
		ID string `json:"id"`
	}
	err = get("/v1/Jobs", func(r io.Reader) error { return json.NewDecoder(r).Decode(&jobs) })
	if err != nil || len(jobs) != len(sc.jobs) {
		return 0, fmt.Errorf("floor: job list: %d jobs, %v", len(jobs), err)
	}

	var paths []string // every page the exporter reads, the last short one included
	for j, n := range sc.jobs {
		for off := 0; off <= n; off += sc.pageSize {
			paths = append(paths, fmt.Sprintf("/v1/Jobs/%s/SelectedMailboxes?offset=%d&limit=%d", jobs[j].ID, off, sc.pageSize))
		}
	}
	var perMailbox []float64
	for range rounds {
		before := rusageCPU()
		work := make(chan string)
		errs := make(chan error, sc.concurrency)
		var wg sync.WaitGroup
		for range sc.concurrency {
			wg.Go(func() {
				for p := range work {
					if err := get(p, discard); err != nil {
						errs <- err
						for range work { // drain, so the sender finishes
						}
						return
					}
				}
			})
		}
		for _, p := range paths {
			work <- p
		}
		close(work)
		wg.Wait()
		select {
		case err := <-errs:
			return 0, err
		default:
		}
		perMailbox = append(perMailbox, (rusageCPU()-before)/float64(sc.total()))
	}
	slices.Sort(perMailbox)
	return perMailbox[len(perMailbox)/2], nil
}
