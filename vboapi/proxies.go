package vboapi

import (
	"context"
	"net/url"
	"strconv"
)

// Proxy is a backup proxy server as GET /vN/Proxies describes it. Pointers
// are nil where the server sent null or the version has no such field.
type Proxy struct {
	ID, HostName, Description string
	FQDN                      string // v7 and later
	Type                      string // Local, Domain or Workgroup
	Port                      *int
	Status                    string // Online, Offline, or a value the schema does not list, as sent
	// MaintenanceMode is Disabled, Enabling or Enabled (v8).
	MaintenanceMode string
	// ThreadsNumber and the throttling value and unit come with the
	// extended view only, and v8 has no threadsNumber.
	ThreadsNumber     *int
	NetworkThrottling *bool
	ThrottlingValue   *int64
	ThrottlingUnit    string // Mbps, MBs or KBs
	// The rest is v8 only.
	CPUUsagePercent, MemoryUsagePercent *float64
	Version, OperatingSystem            string
	ServiceAccount, ProxyPoolID         string
	Roles                               []string
}

// Online reports whether the server last saw the proxy online: false for
// Offline and for a status the schema does not list, which Status tells
// apart.
func (p Proxy) Online() bool { return p.Status == "Online" }

type wireProxy struct {
	ID                      string   `json:"id"`
	HostName                string   `json:"hostName"`
	FQDN                    string   `json:"fqdn"`
	Description             string   `json:"description"`
	Type                    string   `json:"type"`
	Port                    *int     `json:"port"`
	Status                  string   `json:"status"`
	MaintenanceModeState    string   `json:"maintenanceModeState"`
	ThreadsNumber           *int     `json:"threadsNumber"`
	EnableNetworkThrottling *bool    `json:"enableNetworkThrottling"`
	ThrottlingValue         *int64   `json:"throttlingValue"`
	ThrottlingUnit          string   `json:"throttlingUnit"`
	CPUUsagePercent         *float64 `json:"cpuUsagePercent"`
	MemoryUsagePercent      *float64 `json:"memoryUsagePercent"`
	Version                 string   `json:"version"`
	OperatingSystem         string   `json:"operatingSystem"`
	ServiceAccount          string   `json:"serviceAccount"`
	ProxyPoolID             string   `json:"proxyPoolId"`
	Role                    []string `json:"role"`
}

// Proxies lists the backup proxy servers (v6 and later). extended asks v6
// and v7 for the extended view, which adds threadsNumber and throttling
// but makes the server contact every proxy; v8 has no such view and pages
// instead.
func (c *Client) Proxies(ctx context.Context, extended bool) ([]Proxy, error) {
	v, err := c.versionHaving("GET /Proxies", nil)
	if err != nil {
		return nil, err
	}
	l := list{endpoint: vpath(v, "/Proxies"), path: vpath(v, "/Proxies"), paged: v.Paged()}
	if v != V8 {
		// Sent either way: the default is true on v6 and false on v7.
		l.query = url.Values{"extendedView": {strconv.FormatBool(extended)}}
	}
	var proxies []Proxy
	err = readList(ctx, c, l, 10000, func(w *wireProxy) error {
		if w.ID == "" {
			return nil // nothing can name its series: left out
		}
		proxies = append(proxies, Proxy{
			ID: w.ID, HostName: w.HostName, Description: w.Description, FQDN: w.FQDN, Type: w.Type,
			Port: w.Port, Status: w.Status, MaintenanceMode: w.MaintenanceModeState,
			ThreadsNumber: w.ThreadsNumber, NetworkThrottling: w.EnableNetworkThrottling,
			ThrottlingValue: w.ThrottlingValue, ThrottlingUnit: w.ThrottlingUnit,
			CPUUsagePercent: w.CPUUsagePercent, MemoryUsagePercent: w.MemoryUsagePercent,
			Version: w.Version, OperatingSystem: w.OperatingSystem, ServiceAccount: w.ServiceAccount,
			ProxyPoolID: w.ProxyPoolID, Roles: w.Role,
		})
		return nil
	})
	if err != nil {
		return nil, err
	}
	return proxies, nil
}
