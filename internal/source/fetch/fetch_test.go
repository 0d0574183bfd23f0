package fetch

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"time"
)

// server answers every case the client must handle, by path.
func server(t *testing.T) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("/ok", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("X-Seen-UA", r.UserAgent())
		w.Write([]byte("<html><body><p>hello</p></body></html>"))
	})
	mux.HandleFunc("/ua", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(r.UserAgent()))
	})
	mux.HandleFunc("/cached", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("ETag", `"v2"`)
		w.Header().Set("Last-Modified", "Mon, 23 Nov 2026 05:00:00 GMT")
		if r.Header.Get("If-None-Match") == `"v2"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Write([]byte("fresh"))
	})
	mux.HandleFunc("/redirect-once", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/ok", http.StatusFound)
	})
	mux.HandleFunc("/loop", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/loop", http.StatusFound)
	})
	mux.HandleFunc("/to-ftp", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "ftp://example.com/x", http.StatusFound)
	})
	mux.HandleFunc("/fail", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "boom", http.StatusInternalServerError)
	})
	mux.HandleFunc("/missing", http.NotFound)
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	})
	mux.HandleFunc("/endless", func(w http.ResponseWriter, r *http.Request) {
		chunk := []byte(strings.Repeat("news ", 1024))
		for r.Context().Err() == nil {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	})
	mux.HandleFunc("/big", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "100000000")
		w.Write([]byte("only a little"))
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func TestGet(t *testing.T) {
	srv := server(t)
	// No gap between requests: these follow one another, and TestHostsGap tests it.
	c := New(Options{AllowPrivate: true, Timeout: 2 * time.Second, MaxBodySize: 64 << 10, MaxRedirects: 3, HostGap: -1})
	tests := []struct {
		name     string
		path     string
		cond     Conditional
		wantURL  string // path of the final URL
		wantBody string
		wantType string
		notMod   bool
		wantETag string
	}{
		{name: "page", path: "/ok", wantURL: "/ok", wantBody: "<html><body><p>hello</p></body></html>", wantType: "text/html; charset=utf-8"},
		{name: "user agent names parallax", path: "/ua", wantURL: "/ua", wantBody: UserAgent},
		{name: "one redirect is followed", path: "/redirect-once", wantURL: "/ok", wantBody: "<html><body><p>hello</p></body></html>"},
		{name: "first fetch returns validators", path: "/cached", wantURL: "/cached", wantBody: "fresh", wantETag: `"v2"`},
		{name: "matching etag is not modified", path: "/cached", cond: Conditional{ETag: `"v2"`}, wantURL: "/cached", notMod: true, wantETag: `"v2"`},
		{name: "stale etag gets the body", path: "/cached", cond: Conditional{ETag: `"v1"`}, wantURL: "/cached", wantBody: "fresh", wantETag: `"v2"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp, err := c.Get(t.Context(), srv.URL+tc.path, tc.cond)
			if err != nil {
				t.Fatal(err)
			}
			if resp.URL != srv.URL+tc.wantURL {
				t.Errorf("URL = %q, want %q", resp.URL, srv.URL+tc.wantURL)
			}
			if string(resp.Body) != tc.wantBody {
				t.Errorf("Body = %q, want %q", resp.Body, tc.wantBody)
			}
			if tc.wantType != "" && resp.ContentType != tc.wantType {
				t.Errorf("ContentType = %q, want %q", resp.ContentType, tc.wantType)
			}
			if resp.NotModified != tc.notMod {
				t.Errorf("NotModified = %v, want %v", resp.NotModified, tc.notMod)
			}
			if tc.wantETag != "" && resp.ETag != tc.wantETag {
				t.Errorf("ETag = %q, want %q", resp.ETag, tc.wantETag)
			}
		})
	}
}

func TestGetErrors(t *testing.T) {
	srv := server(t)
	allowed := Options{AllowPrivate: true, Timeout: 5 * time.Second, MaxBodySize: 64 << 10, MaxRedirects: 3}
	tests := []struct {
		name    string
		opt     Options
		url     string
		want    error
		wantMsg string
	}{
		{name: "loopback refused by default", opt: Options{Timeout: time.Second}, url: srv.URL + "/ok", want: ErrPrivateAddress, wantMsg: "127.0.0.1"},
		{name: "unspecified address refused", opt: Options{Timeout: time.Second}, url: "http://0.0.0.0:1/", want: ErrPrivateAddress},
		{name: "localhost name refused after resolution", opt: Options{Timeout: time.Second}, url: strings.Replace(srv.URL, "127.0.0.1", "localhost", 1) + "/ok", want: ErrPrivateAddress},
		{name: "server error", opt: allowed, url: srv.URL + "/fail", want: ErrStatus, wantMsg: "500 Internal Server Error"},
		{name: "not found", opt: allowed, url: srv.URL + "/missing", want: ErrStatus, wantMsg: "404"},
		{name: "redirect loop", opt: allowed, url: srv.URL + "/loop", want: ErrTooManyRedirects},
		{name: "redirect to another scheme", opt: allowed, url: srv.URL + "/to-ftp", want: ErrScheme},
		{name: "timeout", opt: Options{AllowPrivate: true, Timeout: 300 * time.Millisecond}, url: srv.URL + "/slow", want: ErrTimeout},
		{name: "endless body", opt: Options{AllowPrivate: true, Timeout: 5 * time.Second, MaxBodySize: 64 << 10}, url: srv.URL + "/endless", want: ErrTooLarge},
		{name: "declared length over limit", opt: allowed, url: srv.URL + "/big", want: ErrTooLarge, wantMsg: "Content-Length"},
		{name: "file scheme", opt: allowed, url: "file:///etc/passwd", want: ErrScheme},
		{name: "no scheme", opt: allowed, url: "example.com/news", want: ErrScheme},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp, err := New(tc.opt).Get(t.Context(), tc.url, Conditional{})
			if !errors.Is(err, tc.want) {
				t.Fatalf("Get(%s) = %+v, %v; want %v", tc.url, resp, err, tc.want)
			}
			t.Log(err)
			if !strings.Contains(err.Error(), tc.url) {
				t.Errorf("error %q does not name the URL", err)
			}
			if !strings.Contains(err.Error(), tc.wantMsg) {
				t.Errorf("error %q does not say %q", err, tc.wantMsg)
			}
		})
	}
}

func TestGetStatusError(t *testing.T) {
	srv := server(t)
	_, err := New(Options{AllowPrivate: true}).Get(t.Context(), srv.URL+"/fail", Conditional{})
	var se *StatusError
	if !errors.As(err, &se) || se.Code != http.StatusInternalServerError {
		t.Fatalf("err = %v, want a *StatusError with code 500", err)
	}
}

func TestGetCancelled(t *testing.T) {
	srv := server(t)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := New(Options{AllowPrivate: true}).Get(ctx, srv.URL+"/ok", Conditional{})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if errors.Is(err, ErrTimeout) {
		t.Errorf("a cancelled request is not a timeout: %v", err)
	}
}

func TestPublic(t *testing.T) {
	tests := []struct {
		name string
		ip   string
		want bool
	}{
		{name: "public v4", ip: "93.184.216.34", want: true},
		{name: "public v6", ip: "2606:2800:220:1:248:1893:25c8:1946", want: true},
		{name: "loopback", ip: "127.0.0.1"},
		{name: "loopback v6", ip: "::1"},
		{name: "private 10", ip: "10.1.2.3"},
		{name: "private 172.16", ip: "172.16.0.1"},
		{name: "private 192.168", ip: "192.168.1.1"},
		{name: "unique local v6", ip: "fd00::1"},
		{name: "link-local metadata service", ip: "169.254.169.254"},
		{name: "link-local v6", ip: "fe80::1"},
		{name: "unspecified", ip: "0.0.0.0"},
		{name: "unspecified v6", ip: "::"},
		{name: "multicast", ip: "224.0.0.1"},
		{name: "multicast v6", ip: "ff02::1"},
		{name: "mapped loopback", ip: "::ffff:127.0.0.1"},
		{name: "carrier-grade nat", ip: "100.64.0.1"},
		{name: "broadcast", ip: "255.255.255.255"},
		{name: "nat64 to private", ip: "64:ff9b::a00:1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Public(netip.MustParseAddr(tc.ip)); got != tc.want {
				t.Errorf("Public(%s) = %v, want %v", tc.ip, got, tc.want)
			}
		})
	}
}
