package simulator

import (
	"reflect"
	"testing"
	"time"
)

func TestParseFault(t *testing.T) {
	tests := []struct {
		spec    string
		want    Fault
		wantErr bool
	}{
		{"mailboxes:status=503:requests=1,2", Fault{Endpoint: "mailboxes", Kind: StatusError, Status: 503, Requests: []int{1, 2}}, false},
		{"mailboxes:kind=slow-drip:probability=0.1", Fault{Endpoint: "mailboxes", Kind: SlowDrip, Probability: 0.1}, false},
		{"token:status=429:retry-after=3s", Fault{Endpoint: "token", Kind: TooManyRequests, Status: 429, RetryAfter: 3 * time.Second}, false},
		{"kind=huge-body:size=2MiB", Fault{Kind: HugeBody, Size: 2 << 20}, false},
		{"all:kind=Revoked:requests=3-5,9", Fault{Kind: Revoked, Requests: []int{3, 4, 5, 9}}, false},
		{"MAILBOXES:job=abc-1:kind=odd-booleans:size=10k", Fault{Endpoint: "mailboxes", JobID: "abc-1", Kind: OddBooleans, Size: 10 << 10}, false},
		{"*:kind=html-error:status=502", Fault{Kind: HTMLError, Status: 502}, false},
		{"user-data:kind=null-storm:probability=0.5", Fault{Endpoint: "user-data", Kind: NullStorm, Probability: 0.5}, false},
		{"mailboxes", Fault{}, true},
		{"mailbox:status=500", Fault{}, true},
		{"jobs:kind=explode", Fault{}, true},
		{"jobs:status=999", Fault{}, true},
		{"jobs:status=500:requests=0", Fault{}, true},
		{"jobs:status=500:requests=5-2", Fault{}, true},
		{"jobs:status=500:requests=1-1000000", Fault{}, true},
		{"jobs:status=500:probability=1.5", Fault{}, true},
		{"jobs:status=500:color=red", Fault{}, true},
		{"jobs:status", Fault{}, true},
		{"jobs:kind=huge-body:size=-1", Fault{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.spec, func(t *testing.T) {
			got, err := ParseFault(tt.spec)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err %v, wantErr %v", err, tt.wantErr)
			}
			if err == nil && !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestParseCounts(t *testing.T) {
	tests := []struct {
		in      string
		want    []int
		wantErr bool
	}{
		{"100", []int{100}, false},
		{"10, 20,0", []int{10, 20, 0}, false},
		{"", nil, true},
		{"5,,6", nil, true},
		{"-1", nil, true},
		{"ten", nil, true},
	}
	for _, tt := range tests {
		got, err := ParseCounts(tt.in)
		if (err != nil) != tt.wantErr || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("ParseCounts(%q) = %v, %v", tt.in, got, err)
		}
	}
}
