package simulator

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// maxSpecRequests bounds range expansion so a typo like 1-999999999 cannot
// exhaust memory.
const maxSpecRequests = 100000

// ParseFault reads the compact spec the command's --fault flag takes:
//
//	[ENDPOINT:]KEY=VALUE[:KEY=VALUE...]
//
// ENDPOINT is an endpoint name (token, jobs, job, mailboxes, users,
// group-members, user-data, ...: see Endpoints), or all/* (or omitted) for
// every endpoint; job= takes the id Fault.JobID describes. Keys: kind (a FaultKind name such as slow-drip), status (alone
// it implies status-error, or too-many-requests for 429), requests (1-based
// numbers and ranges: 1,3,5-7), probability (0..1), job (a job id),
// retry-after (a Go duration, or none for no header), empty-body (true
// or false) and size (bytes, suffix k/m/g or KiB/MiB/GiB).
// Examples: "mailboxes:status=503:requests=1,2",
// "mailboxes:kind=slow-drip:probability=0.1".
func ParseFault(spec string) (Fault, error) {
	var f Fault
	parts := strings.Split(strings.TrimSpace(spec), ":")
	if len(parts) > 0 && !strings.Contains(parts[0], "=") {
		switch ep := strings.ToLower(parts[0]); {
		case slices.Contains(Endpoints, ep):
			f.Endpoint = ep
		case ep == "all" || ep == "*" || ep == "":
		default:
			return f, fmt.Errorf("fault %q: unknown endpoint %q", spec, parts[0])
		}
		parts = parts[1:]
	}
	for _, p := range parts {
		k, v, ok := strings.Cut(p, "=")
		if !ok || v == "" {
			return f, fmt.Errorf("fault %q: %q is not key=value", spec, p)
		}
		var err error
		switch strings.ToLower(k) {
		case "kind":
			f.Kind = FaultKind(strings.ToLower(v))
			if !slices.Contains(FaultKinds, f.Kind) {
				err = fmt.Errorf("unknown kind %q", v)
			}
		case "status":
			f.Status, err = strconv.Atoi(v)
			if err == nil && (f.Status < 100 || f.Status > 599) {
				err = fmt.Errorf("status %d out of range", f.Status)
			}
		case "requests":
			f.Requests, err = parseRequests(v)
		case "probability":
			f.Probability, err = strconv.ParseFloat(v, 64)
			if err == nil && (f.Probability < 0 || f.Probability > 1) {
				err = fmt.Errorf("probability %v not in [0,1]", f.Probability)
			}
		case "job":
			f.JobID = v
		case "retry-after":
			if strings.EqualFold(v, "none") {
				f.RetryAfter = -1
			} else {
				f.RetryAfter, err = time.ParseDuration(v)
			}
		case "empty-body":
			f.EmptyBody, err = strconv.ParseBool(v)
		case "size":
			f.Size, err = parseSize(v)
		default:
			err = fmt.Errorf("unknown key %q", k)
		}
		if err != nil {
			return f, fmt.Errorf("fault %q: %w", spec, err)
		}
	}
	switch {
	case f.Kind != "":
	case f.Status == 429:
		f.Kind = TooManyRequests
	case f.Status != 0:
		f.Kind = StatusError
	default:
		return f, fmt.Errorf("fault %q: needs kind= or status=", spec)
	}
	return f, nil
}

func parseRequests(v string) ([]int, error) {
	var out []int
	for _, item := range strings.Split(v, ",") {
		lo, hi, isRange := strings.Cut(item, "-")
		a, err := strconv.Atoi(lo)
		b := a
		if err == nil && isRange {
			b, err = strconv.Atoi(hi)
		}
		if err != nil || a < 1 || b < a {
			return nil, fmt.Errorf("bad request number %q", item)
		}
		if len(out)+(b-a+1) > maxSpecRequests {
			return nil, fmt.Errorf("more than %d request numbers", maxSpecRequests)
		}
		for n := a; n <= b; n++ {
			out = append(out, n)
		}
	}
	return out, nil
}

func parseSize(v string) (int64, error) {
	mult := int64(1)
	lv := strings.ToLower(v)
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"kib", 1 << 10}, {"mib", 1 << 20}, {"gib", 1 << 30}, {"k", 1 << 10}, {"m", 1 << 20}, {"g", 1 << 30}} {
		if strings.HasSuffix(lv, u.suffix) {
			lv, mult = strings.TrimSuffix(lv, u.suffix), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(lv, 10, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("bad size %q", v)
	}
	return n * mult, nil
}

// ParseCounts reads a comma-separated list of non-negative integers, the
// form of the command's --mailboxes-per-job flag.
func ParseCounts(v string) ([]int, error) {
	var out []int
	for _, item := range strings.Split(v, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(item))
		if err != nil || n < 0 {
			return nil, fmt.Errorf("bad count %q in %q", item, v)
		}
		out = append(out, n)
	}
	return out, nil
}
