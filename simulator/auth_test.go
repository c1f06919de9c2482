package simulator

import (
	"net/http"
	"net/url"
	"slices"
	"testing"
	"time"
)

func TestTokenGrants(t *testing.T) {
	srv, sim := NewServer(t, Options{TokenLifetime: 90 * time.Second})
	c := &client{t: t, base: srv.URL, hc: srv.Client()}
	tests := []struct {
		name      string
		form      url.Values
		status    int
		wantError string
	}{
		{"password", url.Values{"grant_type": {"password"}, "username": {"admin"}, "password": {"secret"}}, 200, ""},
		{"username case-insensitive", url.Values{"grant_type": {"password"}, "username": {"ADMIN"}, "password": {"secret"}}, 200, ""},
		{"wrong password", url.Values{"grant_type": {"password"}, "username": {"admin"}, "password": {"nope"}}, 400, "invalid_grant"},
		{"wrong user", url.Values{"grant_type": {"password"}, "username": {"root"}, "password": {"secret"}}, 400, "invalid_grant"},
		{"missing grant", url.Values{"username": {"admin"}, "password": {"secret"}}, 400, "unsupported_grant_type"},
		{"unknown grant", url.Values{"grant_type": {"client_credentials"}}, 400, "unsupported_grant_type"},
		{"unknown refresh", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {"bogus"}}, 400, "invalid_grant"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := c.postToken(tt.form)
			if status != tt.status {
				t.Fatalf("status %d, want %d (%s)", status, tt.status, body)
			}
			var tok tokenResp
			mustJSON(t, body, &tok)
			if tok.Error != tt.wantError {
				t.Errorf("error %q, want %q", tok.Error, tt.wantError)
			}
			if tt.status != 200 {
				return
			}
			if len(tok.AccessToken) < 40 || len(tok.RefreshToken) < 40 || tok.AccessToken == tok.RefreshToken {
				t.Errorf("weak tokens %q %q", tok.AccessToken, tok.RefreshToken)
			}
			if tok.TokenType != "bearer" || tok.ExpiresIn != 90 || tok.UserName != tt.form.Get("username") {
				t.Errorf("unexpected token body %s", body)
			}
			iss, err1 := time.Parse(http.TimeFormat, tok.Issued)
			exp, err2 := time.Parse(http.TimeFormat, tok.Expires)
			if err1 != nil || err2 != nil || exp.Sub(iss) != 90*time.Second {
				t.Errorf(".issued %q .expires %q", tok.Issued, tok.Expires)
			}
		})
	}
	if got := sim.Requests(EndpointToken); got != int64(len(tests)) {
		t.Errorf("token requests %d, want %d", got, len(tests))
	}
}

func TestRefreshIsSingleUse(t *testing.T) {
	srv, sim := NewServer(t, Options{})
	c := &client{t: t, base: srv.URL, hc: srv.Client()}
	_, body := c.postToken(url.Values{"grant_type": {"password"}, "username": {"admin"}, "password": {"secret"}})
	var first tokenResp
	mustJSON(t, body, &first)

	status, body := c.postToken(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {first.RefreshToken}})
	var second tokenResp
	mustJSON(t, body, &second)
	if status != 200 || second.AccessToken == "" || second.RefreshToken == first.RefreshToken {
		t.Fatalf("refresh: %d %s", status, body)
	}
	c.token = second.AccessToken
	if st, _ := c.get("/v1/Jobs"); st != 200 {
		t.Errorf("refreshed token rejected: %d", st)
	}
	if status, _ := c.postToken(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {first.RefreshToken}}); status != 400 {
		t.Errorf("reused refresh token: status %d, want 400", status)
	}
	secrets := sim.IssuedSecrets()
	for _, s := range []string{first.AccessToken, first.RefreshToken, second.AccessToken, second.RefreshToken} {
		if !slices.Contains(secrets, s) {
			t.Errorf("IssuedSecrets misses %q", s)
		}
	}
}

func TestBearerCheck(t *testing.T) {
	srv, sim := NewServer(t, Options{TokenLifetime: 300 * time.Millisecond})
	good := newClient(t, srv)
	tests := []struct {
		name, header string
		status       int
	}{
		{"none", "", 401},
		{"wrong scheme", "Basic " + good.token, 401},
		{"unknown token", "Bearer not-a-token", 401},
		{"valid", "Bearer " + good.token, 200},
		{"lower-case scheme", "bearer " + good.token, 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodGet, srv.URL+"/v1/Jobs", nil)
			if tt.header != "" {
				req.Header.Set("Authorization", tt.header)
			}
			resp, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tt.status {
				t.Errorf("status %d, want %d", resp.StatusCode, tt.status)
			}
		})
	}
	status, body := (&client{t: t, base: srv.URL, hc: srv.Client()}).get("/v1/Jobs")
	if status != 401 || string(body) != `{"message":"Authorization has been denied for this request."}` {
		t.Errorf("401 body %d %s", status, body)
	}

	t.Run("expiry", func(t *testing.T) {
		time.Sleep(350 * time.Millisecond)
		if st, _ := good.get("/v1/Jobs"); st != 401 {
			t.Errorf("expired token: status %d, want 401", st)
		}
	})
	t.Run("revoke", func(t *testing.T) {
		c := newClient(t, srv)
		sim.RevokeTokens()
		if st, _ := c.get("/v1/Jobs"); st != 401 {
			t.Errorf("revoked token: status %d, want 401", st)
		}
	})
}
