package simulator

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"io"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// newSecret returns an opaque token; 48 random bytes give a 64-character
// base64url string, about the weight of the DPAPI blobs the real server
// hands out.
func newSecret() string {
	var b [48]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// oauthError renders the RFC 6749 section 5.2 body the OWIN token endpoint
// of v1 uses, which differs from the {"message"} shape of the other
// endpoints. v6 and later declare RESTExceptionInfo ({"message"}) for every
// failed token request, and tokenError gives them that.
func oauthError(code, desc string) *reply {
	b := append([]byte(`{"error":`), appendString(nil, code)...)
	if desc != "" {
		b = append(b, `,"error_description":`...)
		b = appendString(b, desc)
	}
	return bytesReply(http.StatusBadRequest, append(b, '}'))
}

func tokenError(v6plus bool, code, desc string) *reply {
	if !v6plus {
		return oauthError(code, desc)
	}
	if desc == "" {
		desc = code
	}
	return messageReply(http.StatusBadRequest, desc)
}

// tokenReply implements POST /vN/token for the password and refresh_token
// grants. Refresh tokens are single use: each refresh yields a new pair.
// v6+ (v6plus) also takes a JSON body, as their schemas allow, and writes
// .issued and .expires as RFC 3339 date-times, the format those schemas
// declare; other fields, such as disable_antiforgery_token, are ignored.
func (s *Simulator) tokenReply(r *http.Request, v6plus bool) *reply {
	fail := func(code, desc string) *reply { return tokenError(v6plus, code, desc) }
	form, ok := tokenForm(r, v6plus)
	if !ok {
		return fail("invalid_request", "")
	}
	badGrant := fail("invalid_grant", "The user name or password is incorrect.")
	var user string
	switch form.Get("grant_type") {
	case "password":
		user = form.Get("username")
		okUser := strings.EqualFold(user, s.opts.Username)
		okPass := subtle.ConstantTimeCompare([]byte(form.Get("password")), []byte(s.opts.Password)) == 1
		if !okUser || !okPass {
			return badGrant
		}
	case "refresh_token":
		s.mu.Lock()
		u, ok := s.refresh[form.Get("refresh_token")]
		delete(s.refresh, form.Get("refresh_token"))
		s.mu.Unlock()
		if !ok {
			return badGrant
		}
		user = u
	default:
		return fail("unsupported_grant_type", "")
	}
	return s.issue(user, v6plus)
}

// tokenForm reads the grant from a form body, or on v6+ from a JSON object
// whose scalar members are taken as their text.
func tokenForm(r *http.Request, v6plus bool) (url.Values, bool) {
	if v6plus && strings.HasPrefix(strings.ToLower(r.Header.Get("Content-Type")), "application/json") {
		var m map[string]any
		if json.NewDecoder(io.LimitReader(r.Body, 1<<16)).Decode(&m) != nil {
			return nil, false
		}
		form := url.Values{}
		for k, v := range m {
			switch v := v.(type) {
			case string:
				form.Set(k, v)
			case bool:
				form.Set(k, strconv.FormatBool(v))
			}
		}
		return form, true
	}
	if err := r.ParseForm(); err != nil {
		return nil, false
	}
	return r.PostForm, true
}

// issue mints a token pair. .issued/.expires use the RFC 1123 form the OWIN
// server writes (RFC 3339 on v6+); expires_in is rounded up so sub-second
// test lifetimes do not read as already expired.
func (s *Simulator) issue(user string, v6plus bool) *reply {
	access, refresh := newSecret(), newSecret()
	now := time.Now().UTC()
	exp := now.Add(s.opts.TokenLifetime)
	s.mu.Lock()
	s.access[access] = exp
	s.refresh[refresh] = user
	s.secrets = append(s.secrets, access, refresh)
	s.mu.Unlock()

	b := append([]byte(`{"access_token":`), appendString(nil, access)...)
	b = append(b, `,"token_type":"bearer","expires_in":`...)
	b = strconv.AppendInt(b, int64(math.Ceil(s.opts.TokenLifetime.Seconds())), 10)
	b = append(b, `,"refresh_token":`...)
	b = appendString(b, refresh)
	b = append(b, `,"userName":`...)
	b = appendString(b, user)
	layout := http.TimeFormat
	if v6plus {
		layout = time.RFC3339
	}
	b = append(b, `,".issued":`...)
	b = appendString(b, now.Format(layout))
	b = append(b, `,".expires":`...)
	b = appendString(b, exp.Format(layout))
	rep := bytesReply(http.StatusOK, append(b, '}'))
	rep.header["Cache-Control"] = "no-cache"
	rep.header["Pragma"] = "no-cache"
	return rep
}

// authorize checks the bearer token; expired tokens are forgotten so the
// table does not grow without bound in long benchmarks.
func (s *Simulator) authorize(r *http.Request) (string, bool) {
	scheme, tok, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "bearer") {
		return "", false
	}
	tok = strings.TrimSpace(tok)
	s.mu.Lock()
	defer s.mu.Unlock()
	exp, ok := s.access[tok]
	if ok && !time.Now().Before(exp) {
		delete(s.access, tok)
		ok = false
	}
	return tok, ok
}

// revoke invalidates one access token, as a server-side logout would.
func (s *Simulator) revoke(tok string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.access, tok)
}

// RevokeTokens makes every issued access token fail with 401 although it has
// not expired, as after a REST service restart. Refresh tokens stay usable,
// so a client can recover with a refresh grant.
func (s *Simulator) RevokeTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.access)
}

// IssuedSecrets lists every access and refresh token issued so far, so tests
// can check none of them leaks into logs or metrics.
func (s *Simulator) IssuedSecrets() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.secrets...)
}
