// Package fetch is Parallax's HTTP client for pages and feeds. It is safe to
// point at any URL a user or a feed names: it times out, limits body size
// and redirects, and refuses loopback, private and link-local addresses
// after DNS resolution, so a name that resolves to 127.0.0.1 is refused as
// surely as the literal address.
package fetch

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"syscall"
	"time"

	"github.com/parallax-news/parallax/internal/source/content"
)

// UserAgent names Parallax to the sites it fetches from.
const UserAgent = "Parallax/0.1 (+https://github.com/parallax-news/parallax)"

// Defaults for zero Options fields.
const (
	DefaultTimeout        = 30 * time.Second
	DefaultConnectTimeout = 10 * time.Second
	DefaultMaxBodySize    = 32 << 20
	DefaultMaxRedirects   = 5
	// DefaultPerHost is how many requests run at once to one host: a feed
	// of fifty teasers is then not fifty requests at once to its publisher.
	DefaultPerHost = 2
	// DefaultHostGap spaces the requests through one of a host's slots. The
	// limit alone lets a server that answers from its cache in 10 ms take
	// 200 requests a second from two slots, the bursts that rate limiters
	// and bot filters block; with the gap a host gets at most PerHost
	// requests a gap (8 a second by default), and a server whose answers
	// take longer than the gap never waits for it.
	DefaultHostGap = 250 * time.Millisecond
)

// Errors callers test with errors.Is.
var (
	// ErrTooLarge is content.ErrTooLarge, so one test covers files and URLs.
	ErrTooLarge         = content.ErrTooLarge
	ErrTooManyRedirects = errors.New("too many redirects")
	ErrPrivateAddress   = errors.New("refusing loopback, private or link-local address (--allow-private allows it)")
	ErrScheme           = errors.New("only http and https URLs can be fetched")
	ErrTimeout          = errors.New("timed out")
	// ErrCredentials refuses a URL holding a user name or password: the
	// URLs read are stored with their articles and feeds, shown and logged.
	ErrCredentials = errors.New("a URL with a user name or password is refused, since Parallax keeps and shows the URLs it reads")
	// ErrStatus is wrapped by every *StatusError.
	ErrStatus = errors.New("unexpected HTTP status")
)

// StatusError is a response other than 2xx or 304.
type StatusError struct {
	Code   int
	Status string // as the server sent it, e.g. "500 Internal Server Error"
}

func (e *StatusError) Error() string { return "HTTP status " + e.Status }

// Unwrap makes errors.Is(err, ErrStatus) true for every status error.
func (e *StatusError) Unwrap() error { return ErrStatus }

// Options configures a Client. Zero fields take the defaults above.
type Options struct {
	// Timeout bounds a whole request: connecting, redirects and reading the body.
	Timeout time.Duration
	// ConnectTimeout bounds each TCP connection and TLS handshake.
	ConnectTimeout time.Duration
	// MaxBodySize is the largest body accepted; a larger one is ErrTooLarge.
	MaxBodySize int64
	// MaxRedirects is how many redirects one request may follow.
	MaxRedirects int
	UserAgent    string
	// PerHost is how many requests run at once to one host name; more wait
	// for a slot. A request redirected elsewhere stays in its first host's slot.
	PerHost int
	// HostGap is the least time between the starts of two requests through
	// one of a host's slots; below zero, none.
	HostGap time.Duration
	// AllowPrivate permits loopback, private and link-local addresses
	// (tests against httptest servers, feeds on one's own network).
	AllowPrivate bool
	Logger       *slog.Logger
}

// Conditional carries the validators of an earlier response, so an
// unchanged resource costs a 304 and no body.
type Conditional struct {
	ETag         string
	LastModified string
}

// Response is a successful fetch.
type Response struct {
	// URL is the final URL, after redirects.
	URL         string
	Status      int
	ContentType string
	Body        []byte
	// ETag and LastModified are the validators to send next time.
	ETag         string
	LastModified string
	// NotModified is true when the server answered 304 to a conditional
	// request; Body is then empty and the validators are the caller's own
	// unless the server sent new ones.
	NotModified bool
}

// Client fetches URLs safely. It is safe for concurrent use, and its limit
// per host holds for everyone using it: share one client to share the limit.
type Client struct {
	http  *http.Client
	opt   Options
	hosts *Hosts
}

// New returns a client with opt's limits.
func New(opt Options) *Client {
	if opt.Timeout <= 0 {
		opt.Timeout = DefaultTimeout
	}
	if opt.ConnectTimeout <= 0 {
		opt.ConnectTimeout = DefaultConnectTimeout
	}
	if opt.MaxBodySize <= 0 {
		opt.MaxBodySize = DefaultMaxBodySize
	}
	if opt.MaxRedirects <= 0 {
		opt.MaxRedirects = DefaultMaxRedirects
	}
	if opt.PerHost <= 0 {
		opt.PerHost = DefaultPerHost
	}
	if opt.HostGap == 0 {
		opt.HostGap = DefaultHostGap
	}
	if opt.UserAgent == "" {
		opt.UserAgent = UserAgent
	}
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	dialer := &net.Dialer{Timeout: opt.ConnectTimeout}
	if !opt.AllowPrivate {
		dialer.Control = refusePrivate
	}
	transport := &http.Transport{
		// No proxy: a proxy would dial on our behalf and bypass the
		// address check in the dialer.
		Proxy:                  nil,
		DialContext:            dialer.DialContext,
		TLSHandshakeTimeout:    opt.ConnectTimeout,
		ResponseHeaderTimeout:  opt.Timeout,
		MaxResponseHeaderBytes: 1 << 20,
		MaxIdleConnsPerHost:    4,
		IdleConnTimeout:        90 * time.Second,
		ForceAttemptHTTP2:      true,
	}
	c := &Client{opt: opt, hosts: NewHosts(opt.PerHost, opt.HostGap)}
	c.http = &http.Client{
		Transport: transport,
		Timeout:   opt.Timeout,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) > opt.MaxRedirects {
				return fmt.Errorf("%w (more than %d)", ErrTooManyRedirects, opt.MaxRedirects)
			}
			if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
				return fmt.Errorf("redirect to %s: %w", req.URL.Redacted(), ErrScheme)
			}
			return nil
		},
	}
	return c
}

// refusePrivate runs for each connection after DNS resolution, on the
// address actually dialled.
func refusePrivate(network, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("dial %s: %w", address, err)
	}
	if ip := ap.Addr().Unmap(); !Public(ip) {
		return fmt.Errorf("%s: %w", ip, ErrPrivateAddress)
	}
	return nil
}

// nonPublic lists reserved ranges the netip predicates do not cover.
var nonPublic = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),     // "this network"
	netip.MustParsePrefix("100.64.0.0/10"), // carrier-grade NAT, shared address space
	netip.MustParsePrefix("192.0.0.0/24"),  // IETF protocol assignments
	netip.MustParsePrefix("198.18.0.0/15"), // benchmarking
	netip.MustParsePrefix("240.0.0.0/4"),   // reserved, and the broadcast address
	netip.MustParsePrefix("64:ff9b::/96"),  // NAT64: may reach any IPv4 address, private ones too
}

// Public reports whether ip is an address Parallax may fetch from without
// AllowPrivate: not loopback, private, link-local, unspecified, multicast
// or otherwise reserved.
func Public(ip netip.Addr) bool {
	ip = ip.Unmap()
	if !ip.IsValid() || ip.IsLoopback() || ip.IsPrivate() || ip.IsUnspecified() ||
		ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
		ip.IsInterfaceLocalMulticast() || ip.IsMulticast() {
		return false
	}
	for _, p := range nonPublic {
		if p.Contains(ip) {
			return false
		}
	}
	return true
}

// Get fetches rawURL. A 304 answer to a conditional request is a
// Response with NotModified set; any other non-2xx status is a *StatusError.
// Errors name the URL.
func (c *Client) Get(ctx context.Context, rawURL string, cond Conditional) (*Response, error) {
	resp, err := c.get(ctx, rawURL, cond)
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", Redact(rawURL), err)
	}
	return resp, nil
}

// Redact returns rawURL with the password of its user information, if any,
// replaced by "xxxxx", for messages.
func Redact(rawURL string) string {
	if u, err := url.Parse(rawURL); err == nil && u.User != nil {
		return u.Redacted()
	}
	return rawURL
}

func (c *Client) get(ctx context.Context, rawURL string, cond Conditional) (*Response, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, err
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, ErrScheme
	}
	if u.User != nil {
		return nil, ErrCredentials
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("User-Agent", c.opt.UserAgent)
	req.Header.Set("Accept", "text/html, application/xhtml+xml, application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, text/*;q=0.8, */*;q=0.5")
	if cond.ETag != "" {
		req.Header.Set("If-None-Match", cond.ETag)
	}
	if cond.LastModified != "" {
		req.Header.Set("If-Modified-Since", cond.LastModified)
	}
	release, err := c.hosts.Acquire(ctx, u.String())
	if err != nil {
		return nil, err
	}
	defer release()
	start := time.Now()
	hr, err := c.http.Do(req)
	if err != nil {
		return nil, c.explain(ctx, err)
	}
	defer hr.Body.Close()
	out := &Response{
		URL:          hr.Request.URL.String(),
		Status:       hr.StatusCode,
		ContentType:  hr.Header.Get("Content-Type"),
		ETag:         hr.Header.Get("ETag"),
		LastModified: hr.Header.Get("Last-Modified"),
	}
	switch {
	case hr.StatusCode == http.StatusNotModified && (cond.ETag != "" || cond.LastModified != ""):
		out.NotModified = true
		if out.ETag == "" {
			out.ETag = cond.ETag
		}
		if out.LastModified == "" {
			out.LastModified = cond.LastModified
		}
		return out, nil
	case hr.StatusCode < 200 || hr.StatusCode > 299:
		return nil, &StatusError{Code: hr.StatusCode, Status: hr.Status}
	}
	if hr.ContentLength > c.opt.MaxBodySize {
		return nil, fmt.Errorf("%w: Content-Length %d over the limit of %d bytes", ErrTooLarge, hr.ContentLength, c.opt.MaxBodySize)
	}
	out.Body, err = content.ReadAll(hr.Body, c.opt.MaxBodySize)
	if err != nil {
		return nil, c.explain(ctx, err)
	}
	c.opt.Logger.DebugContext(ctx, "fetched", slog.String("url", out.URL), slog.Int("status", out.Status),
		slog.Int("bytes", len(out.Body)), slog.Duration("elapsed", time.Since(start)))
	return out, nil
}

// explain turns the client's own timeout into ErrTimeout; the caller's
// cancellation stays the context's error.
func (c *Client) explain(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("%w (%w)", ctx.Err(), err)
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return fmt.Errorf("%w after %s: %w", ErrTimeout, c.opt.Timeout, err)
	}
	return err
}
