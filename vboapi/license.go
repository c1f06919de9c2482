package vboapi

import (
	"context"
	"net/url"
	"time"
)

// License is the licence installed on the server, as GET /vN/License
// describes it. Times are zero where the API gave none or the version has
// no such field; the numbers, which the schemas declare non-nullable, are 0
// where absent.
type License struct {
	ID string
	// Status (Valid or Expired) and Type (Subscription, Evaluation, NFR,
	// Rental, Community or AwsPrivateOffer) are as the server sent them:
	// real servers send values the schema does not list (types Free, None).
	Status     string
	Type       string
	LicensedTo string
	Email      string
	SupportID  string
	// ContactPerson is v6 only; Package (what Veeam Service Provider
	// Console or Veeam ONE may monitor) is v7 and later.
	ContactPerson, Package string
	// Expires is expirationDate on v6, renamed licenseExpires on v7.
	Expires            time.Time
	GracePeriodExpires time.Time // v7 and later
	SupportExpires     time.Time // v6 only: v7 dropped supportExpirationDate
	TotalNumber        int       // units within the licence
	UsedNumber         int       // units consumed by objects
	NewNumber          int       // users with the "new user" status (Rental)
	// Known says which of the three counts the server gave: a null or
	// absent count is unknown, and its series is left out, not 0.
	Known LicenseCounts
}

// LicenseCounts flags, for each count of a licence, whether it is known.
type LicenseCounts struct{ Total, Used, New bool }

// intOf is *p, and whether p was given.
func intOf(p *int) (int, bool) {
	if p == nil {
		return 0, false
	}
	return *p, true
}

type wireLicense struct {
	LicenseID             string  `json:"licenseID"`
	Email                 string  `json:"email"`
	Status                string  `json:"status"`
	ExpirationDate        *string `json:"expirationDate"`
	LicenseExpires        *string `json:"licenseExpires"`
	GracePeriodExpires    *string `json:"gracePeriodExpires"`
	Type                  string  `json:"type"`
	Package               string  `json:"package"`
	LicensedTo            string  `json:"licensedTo"`
	ContactPerson         string  `json:"contactPerson"`
	TotalNumber           *int    `json:"totalNumber"`
	UsedNumber            *int    `json:"usedNumber"`
	NewNumber             *int    `json:"newNumber"`
	SupportID             string  `json:"supportID"`
	SupportExpirationDate *string `json:"supportExpirationDate"`
}

// License reads the installed licence (v6 and later).
func (c *Client) License(ctx context.Context) (License, error) {
	v, err := c.versionHaving("GET /License", nil)
	if err != nil {
		return License{}, err
	}
	path := vpath(v, "/License")
	var w wireLicense
	if err := c.getJSON(ctx, path, path, nil, func(raw []byte) error { return decodeStrict(raw, &w) }); err != nil {
		return License{}, err
	}
	expires := parseAPITime(w.LicenseExpires)
	if expires.IsZero() {
		expires = parseAPITime(w.ExpirationDate)
	}
	l := License{
		ID: w.LicenseID, Status: w.Status, Type: w.Type, LicensedTo: w.LicensedTo, Email: w.Email,
		SupportID: w.SupportID, ContactPerson: w.ContactPerson, Package: w.Package,
		Expires:            expires,
		GracePeriodExpires: parseAPITime(w.GracePeriodExpires),
		SupportExpires:     parseAPITime(w.SupportExpirationDate),
	}
	l.TotalNumber, l.Known.Total = intOf(w.TotalNumber)
	l.UsedNumber, l.Known.Used = intOf(w.UsedNumber)
	l.NewNumber, l.Known.New = intOf(w.NewNumber)
	return l, nil
}

// OrganizationLicensing is one organization's use of the licence.
type OrganizationLicensing struct {
	// LicensedUsers counts the licences its users consume, those beyond
	// the licence's limit included.
	LicensedUsers int
	// NewUsers is, on a Rental licence, its users with the "new user"
	// status; 0 on a Subscription licence.
	NewUsers int
	// KnownLicensed and KnownNew say whether the server gave each count:
	// a null or absent one is unknown, not 0.
	KnownLicensed, KnownNew bool
}

type wireOrganizationLicensing struct {
	LicensedUsers *int `json:"licensedUsers"`
	NewUsers      *int `json:"newUsers"`
}

// OrganizationLicensing reads GET /vN/Organizations/{id}/LicensingInformation
// (v6 and later).
func (c *Client) OrganizationLicensing(ctx context.Context, orgID string) (OrganizationLicensing, error) {
	v, err := c.versionHaving("GET /Organizations/{id}/LicensingInformation", nil)
	if err != nil {
		return OrganizationLicensing{}, err
	}
	var w wireOrganizationLicensing
	err = c.getJSON(ctx, vpath(v, "/Organizations/{id}/LicensingInformation"),
		vpath(v, "/Organizations/"+url.PathEscape(orgID)+"/LicensingInformation"), nil,
		func(raw []byte) error { return decodeStrict(raw, &w) })
	if err != nil {
		return OrganizationLicensing{}, err
	}
	var out OrganizationLicensing
	out.LicensedUsers, out.KnownLicensed = intOf(w.LicensedUsers)
	out.NewUsers, out.KnownNew = intOf(w.NewUsers)
	return out, nil
}
