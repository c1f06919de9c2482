package vboapi

import (
	"context"
	"net/url"
)

// RbacRole is a restore operator role: who (its operators) may restore
// what (the whole organization, or chosen objects).
type RbacRole struct {
	// ID is empty when the server sent none; its operators cannot then
	// be asked for.
	ID             string
	OrganizationID string
	Name           string
	Description    string
	RoleType       string // EntireOrganization or SpecificObjects
}

type wireRbacRole struct {
	ID             string `json:"id"`
	OrganizationID string `json:"organizationId"`
	Name           string `json:"name"`
	Description    string `json:"description"`
	RoleType       string `json:"roleType"`
}

// RbacRoles lists the restore operator roles (v6 and later), a plain
// array on every version.
func (c *Client) RbacRoles(ctx context.Context) ([]RbacRole, error) {
	v, err := c.versionHaving("GET /RbacRoles", nil)
	if err != nil {
		return nil, err
	}
	var out []RbacRole
	err = readList(ctx, c, list{endpoint: vpath(v, "/RbacRoles"), path: vpath(v, "/RbacRoles")}, 0, func(w *wireRbacRole) error {
		out = append(out, RbacRole{ID: w.ID, OrganizationID: w.OrganizationID, Name: w.Name, Description: w.Description, RoleType: w.RoleType})
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// RbacOperator is one operator of a role: a user or, on v8, a group
// (v6 and v7 also list sites and teams, as the schemas have it).
type RbacOperator struct {
	ID   string
	Type string // User, Group (Site, Team on v6 and v7)
}

type wireRbacOperator struct {
	ID   string `json:"id"`
	Type string `json:"type"`
}

// RbacRoleOperators lists the operators of role roleID (v6 and later), a
// plain array on every version.
func (c *Client) RbacRoleOperators(ctx context.Context, roleID string) ([]RbacOperator, error) {
	v, err := c.versionHaving("GET /RbacRoles/{id}/operators", nil)
	if err != nil {
		return nil, err
	}
	var out []RbacOperator
	l := list{endpoint: vpath(v, "/RbacRoles/{id}/operators"), path: vpath(v, "/RbacRoles/"+url.PathEscape(roleID)+"/operators")}
	err = readList(ctx, c, l, 0, func(w *wireRbacOperator) error {
		out = append(out, RbacOperator{ID: w.ID, Type: w.Type})
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
