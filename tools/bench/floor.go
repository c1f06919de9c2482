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
	client, done, err := floorClient(sc.concurrency, caFile)
	if err != nil {
		return 0, err
	}
	defer done()
	form := url.Values{"grant_type": {"password"}, "username": {"bench"}, "password": {"bench-password"}}
	token, err := floorToken(client, baseURL+"/v1/Token", form)
	if err != nil {
		return 0, err
	}
	var jobs []struct {
		ID string `json:"id"`
	}
	err = floorGet(client, baseURL+"/v1/Jobs", token, func(r io.Reader) error { return json.NewDecoder(r).Decode(&jobs) })
	if err != nil || len(jobs) != len(sc.jobs) {
		return 0, fmt.Errorf("floor: job list: %d jobs, %v", len(jobs), err)
	}

	var paths []string // every page the exporter reads, the last short one included
	for j, n := range sc.jobs {
		for off := 0; off <= n; off += sc.pageSize {
			paths = append(paths, fmt.Sprintf("/v1/Jobs/%s/SelectedMailboxes?offset=%d&limit=%d", jobs[j].ID, off, sc.pageSize))
		}
	}
	perRound, _, err := floorRounds(client, baseURL, token, paths, sc.concurrency, rounds)
	if err != nil {
		return 0, err
	}
	return perRound / float64(sc.total()), nil
}

// v8Floor is httpFloor for a v8 scenario: the model's needed requests,
// bodies thrown away; it returns the median getrusage seconds per round.
func v8Floor(sc scenario, baseURL string, m *v8Model, rounds int) (cpu, wall float64, err error) {
	client, done, err := floorClient(sc.concurrency, "")
	if err != nil {
		return 0, 0, err
	}
	defer done()
	form := url.Values{"grant_type": {"password"}, "username": {"bench"}, "password": {"bench-password"}, "disable_antiforgery_token": {"true"}}
	token, err := floorToken(client, baseURL+"/v8/token", form)
	if err != nil {
		return 0, 0, err
	}
	paths := make([]string, len(m.needs))
	for i, n := range m.needs {
		paths[i] = n.path
	}
	return floorRounds(client, baseURL, token, paths, sc.concurrency, rounds)
}

// floorClient is a client set up like the exporter's transport.
func floorClient(concurrency int, caFile string) (*http.Client, func(), error) {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxConnsPerHost, t.MaxIdleConnsPerHost = concurrency+1, concurrency+1
	t.ReadBufferSize = 64 << 10 // as the exporter's transport
	if caFile != "" {
		pem, err := os.ReadFile(caFile)
		if err != nil {
			return nil, nil, err
		}
		pool := x509.NewCertPool()
		pool.AppendCertsFromPEM(pem)
		t.TLSClientConfig = &tls.Config{RootCAs: pool}
	}
	return &http.Client{Transport: t, Timeout: time.Minute}, t.CloseIdleConnections, nil
}

func floorToken(client *http.Client, tokenURL string, form url.Values) (string, error) {
	resp, err := client.PostForm(tokenURL, form)
	if err != nil {
		return "", err
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	err = json.NewDecoder(resp.Body).Decode(&tok)
	resp.Body.Close()
	if err != nil || tok.AccessToken == "" {
		return "", fmt.Errorf("floor: no token (%v)", err)
	}
	return tok.AccessToken, nil
}

// floorGet reads url into read, which sees the body of a 200 only.
func floorGet(client *http.Client, url, token string, read func(io.Reader) error) error {
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("floor: %s: %s", url, resp.Status)
	}
	return read(resp.Body)
}

// floorRounds reads every path, concurrency at a time, rounds times, and
// returns the median CPU seconds (getrusage) and wall seconds of a round.
func floorRounds(client *http.Client, baseURL, token string, paths []string, concurrency, rounds int) (cpu, wall float64, err error) {
	discard := func(r io.Reader) error {
		_, err := io.CopyBuffer(io.Discard, r, make([]byte, 64<<10))
		return err
	}
	var perRound, walls []float64
	for range rounds {
		before, start := rusageCPU(), time.Now()
		work := make(chan string)
		errs := make(chan error, concurrency)
		var wg sync.WaitGroup
		for range concurrency {
			wg.Go(func() {
				for p := range work {
					if err := floorGet(client, baseURL+p, token, discard); err != nil {
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
			return 0, 0, err
		default:
		}
		perRound = append(perRound, rusageCPU()-before)
		walls = append(walls, time.Since(start).Seconds())
	}
	slices.Sort(perRound)
	slices.Sort(walls)
	return perRound[len(perRound)/2], walls[len(walls)/2], nil
}
