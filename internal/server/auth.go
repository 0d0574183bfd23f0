package server

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

const (
	sessionCookie = "parallax_session"
	csrfCookie    = "parallax_csrf"
	csrfField     = "csrf"
	sessionLife   = 12 * time.Hour
)

var errWritesDisabled = fmt.Errorf("writes are disabled: start parallax serve with --token or PARALLAX_TOKEN: %w", errForbidden)

// tokenOK compares a presented token with the configured one in constant time.
func (s *Server) tokenOK(presented string) bool {
	return s.cfg.Token != "" && subtle.ConstantTimeCompare([]byte(presented), []byte(s.cfg.Token)) == 1
}

// requireToken guards an API write: Authorization: Bearer TOKEN.
func (s *Server) requireToken(next http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.cfg.Token == "" {
			s.apiFail(w, r, errWritesDisabled)
			return
		}
		bearer, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || !s.tokenOK(strings.TrimSpace(bearer)) {
			s.apiFail(w, r, fmt.Errorf("a write needs the header Authorization: Bearer TOKEN with the server's token: %w", errUnauthorized))
			return
		}
		next(w, detached(r))
	})
}

// detached returns r with a context that a client going away does not
// cancel. A write once begun is carried through: cut short, a batch or a
// correction may be stored while the story index, which follows the
// store, is left to be made again, and the client, gone, learns nothing
// either way. Every write is bounded by its own limits (the fetcher's
// timeouts, the store's busy timeout).
func detached(r *http.Request) *http.Request {
	return r.WithContext(context.WithoutCancel(r.Context()))
}

// sign is the HMAC of the parts under the server's key, URL-safe base64.
func (s *Server) sign(parts ...string) string {
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte(strings.Join(parts, "\x00")))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// startSession sets the session cookie: its expiry and a signature of it,
// so the server keeps no session state.
func (s *Server) startSession(w http.ResponseWriter, r *http.Request, now time.Time) {
	exp := strconv.FormatInt(now.Add(sessionLife).Unix(), 10)
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: exp + "." + s.sign("session", exp),
		Path: "/", MaxAge: int(sessionLife.Seconds()),
		HttpOnly: true, Secure: r.TLS != nil, SameSite: http.SameSiteStrictMode,
	})
}

func (s *Server) endSession(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: r.TLS != nil, SameSite: http.SameSiteStrictMode,
	})
}

// signedIn reports whether the request carries a valid, unexpired session
// (and writes are enabled at all).
func (s *Server) signedIn(r *http.Request, now time.Time) bool {
	if s.cfg.Token == "" {
		return false
	}
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return false
	}
	exp, sig, ok := strings.Cut(c.Value, ".")
	if !ok || !hmac.Equal([]byte(sig), []byte(s.sign("session", exp))) {
		return false
	}
	unix, err := strconv.ParseInt(exp, 10, 64)
	return err == nil && now.Unix() < unix
}

// csrfToken returns the token every form of this page must carry, setting
// the CSRF cookie when the browser has none. The token is the signature of
// the cookie's random value, so a forged form from elsewhere, which can
// neither read the cookie nor sign, cannot produce it.
func (s *Server) csrfToken(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(csrfCookie); err == nil && c.Value != "" {
		return s.sign("csrf", c.Value)
	}
	v := rand.Text()
	http.SetCookie(w, &http.Cookie{
		Name: csrfCookie, Value: v, Path: "/",
		HttpOnly: true, Secure: r.TLS != nil, SameSite: http.SameSiteStrictMode,
	})
	return s.sign("csrf", v)
}

// checkCSRF verifies a posted form's token against the browser's cookie.
func (s *Server) checkCSRF(r *http.Request) error {
	c, err := r.Cookie(csrfCookie)
	if err != nil || c.Value == "" {
		return fmt.Errorf("the form has expired: reload the page and try again: %w", errForbidden)
	}
	if !hmac.Equal([]byte(r.PostFormValue(csrfField)), []byte(s.sign("csrf", c.Value))) {
		return fmt.Errorf("the form's security token does not match: reload the page and try again: %w", errForbidden)
	}
	return nil
}
