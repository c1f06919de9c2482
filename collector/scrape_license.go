package collector

import (
	"context"
	"fmt"
	"sync"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/vbo365-exporter/vbo365_exporter/vboapi"
)

var organizationLabels = []string{"server", "organization_id", "organization_name"}

var (
	licenseStatusDesc = newDesc("license_status",
		"v6 and later: 1 for the licence's status (Valid or Expired), 0 for the other.", serverLabels, "status")
	licenseTypeDesc = newDesc("license_type",
		"v6 and later: 1 for the licence's type, 0 for the other known types.", serverLabels, "license_type")
	licenseExpiryDesc = newDesc("license_expiry_timestamp_seconds",
		"v6 and later: Unix time at which the licence expires (expirationDate on v6, licenseExpires on v7 and later); absent when the server gives none.", serverLabels)
	licenseGraceExpiryDesc = newDesc("license_grace_period_expiry_timestamp_seconds",
		"v7 and later: Unix time at which the licence's grace period ends; absent when the server gives none.", serverLabels)
	licenseSupportExpiryDesc = newDesc("license_support_expiry_timestamp_seconds",
		"v6 only (v7 dropped the field): Unix time at which the support contract expires.", serverLabels)
	licenseUnitsDesc = newDesc("license_units",
		"v6 and later: units the licence covers (totalNumber).", serverLabels)
	licenseUsedUnitsDesc = newDesc("license_used_units",
		"v6 and later: units that protected objects consume (usedNumber); it may exceed vbo365_license_units.", serverLabels)
	licenseNewUsersDesc = newDesc("license_new_users",
		"v6 and later: users with the \"new user\" status (newNumber); 0 but on a Rental licence.", serverLabels)
	licenseInfoDesc = newDesc("license_info",
		"v6 and later: descriptive facts about the licence, as labels; package is empty on v6. The value is always 1.", serverLabels, "license_id", "licensed_to", "package")
	organizationLicensedUsersDesc = newDesc("organization_licensed_users",
		"v6 and later: licences the organization's users consume, those beyond the licence's limit included (licensedUsers).", organizationLabels)
	organizationNewUsersDesc = newDesc("organization_license_new_users",
		"v6 and later: the organization's users with the \"new user\" status on a Rental licence (newUsers); 0 on a Subscription licence.", organizationLabels)
)

var (
	knownLicenseStatuses = []string{"Valid", "Expired"}
	knownLicenseTypes    = []string{"Subscription", "Evaluation", "NFR", "Rental", "Community", "AwsPrivateOffer"}
)

// licenseScraper reads the installed licence and each organization's use
// of it: 2 requests, and one per organization.
type licenseScraper struct{}

func (licenseScraper) Name() string { return "license" }

func (licenseScraper) Help() string {
	return "v6 and later: the licence's status, type, expiry and units, and the licensed users of each organization " +
		"(one request per organization)."
}

func (licenseScraper) Descs() []*prometheus.Desc {
	return []*prometheus.Desc{licenseStatusDesc, licenseTypeDesc, licenseExpiryDesc, licenseGraceExpiryDesc,
		licenseSupportExpiryDesc, licenseUnitsDesc, licenseUsedUnitsDesc, licenseNewUsersDesc, licenseInfoDesc,
		organizationLicensedUsersDesc, organizationNewUsersDesc}
}

func (licenseScraper) Scrape(ctx context.Context, t *Target) ([]prometheus.Metric, error) {
	l, err := t.Client.License(ctx)
	if err != nil {
		return nil, err
	}
	if t.res != nil {
		t.res.License = &l
	}
	var out metricList
	out.oneHot(licenseStatusDesc, knownLicenseStatuses, l.Status, t.Server)
	out.oneHot(licenseTypeDesc, knownLicenseTypes, l.Type, t.Server)
	out.timestamp(licenseExpiryDesc, l.Expires, t.Server)
	out.timestamp(licenseGraceExpiryDesc, l.GracePeriodExpires, t.Server)
	out.timestamp(licenseSupportExpiryDesc, l.SupportExpires, t.Server)
	// A count the server sent null or left out is unknown: its series
	// is left out rather than shown as 0.
	out.gaugeIf(l.Known.Total, licenseUnitsDesc, float64(l.TotalNumber), t.Server)
	out.gaugeIf(l.Known.Used, licenseUsedUnitsDesc, float64(l.UsedNumber), t.Server)
	out.gaugeIf(l.Known.New, licenseNewUsersDesc, float64(l.NewNumber), t.Server)
	if l.ID != "" || l.LicensedTo != "" || l.Package != "" { // else nothing to describe
		out.gauge(licenseInfoDesc, 1, t.Server, l.ID, l.LicensedTo, l.Package)
	}

	orgs, err := t.Client.Organizations(ctx)
	if err != nil {
		return out, fmt.Errorf("listing the organizations: %w", err)
	}
	usage := make([]vboapi.OrganizationLicensing, len(orgs))
	errs := make([]error, len(orgs))
	var wg sync.WaitGroup
	for i, o := range orgs {
		wg.Go(func() { usage[i], errs[i] = t.Client.OrganizationLicensing(ctx, o.ID) })
	}
	wg.Wait()
	var failed error
	for i, o := range orgs {
		if errs[i] != nil {
			if failed == nil {
				failed = fmt.Errorf("licensing of organization %q: %w", o.Name, errs[i])
			}
			continue
		}
		labels := []string{t.Server, o.ID, o.Name}
		out.gaugeIf(usage[i].KnownLicensed, organizationLicensedUsersDesc, float64(usage[i].LicensedUsers), labels...)
		out.gaugeIf(usage[i].KnownNew, organizationNewUsersDesc, float64(usage[i].NewUsers), labels...)
	}
	return out, failed
}

// gaugeIf adds v unless known is false: a count the API did not give.
func (l *metricList) gaugeIf(known bool, d *prometheus.Desc, v float64, labels ...string) {
	if known {
		l.gauge(d, v, labels...)
	}
}
