package fetch

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Hosts limits how many holders each host has at once: the requests a
// Client makes to it, or the polls of its feeds a poller runs. It is safe
// for concurrent use.
type Hosts struct {
	limit int
	gap   time.Duration

	mu    sync.Mutex
	hosts map[string]*host
}

// host is one host's slots.
type host struct {
	slots chan struct{}
	// users counts those holding or waiting for a slot; at zero the host is
	// forgotten, so a server that fetched from many hosts keeps none of them.
	users int
}

// NewHosts returns a limiter of perHost holders per host (at least one),
// where a slot is taken again no sooner than gap after it was last taken
// (none when gap is not above zero).
func NewHosts(perHost int, gap time.Duration) *Hosts {
	return &Hosts{limit: max(perHost, 1), gap: gap, hosts: map[string]*host{}}
}

// Acquire waits for a free slot of rawURL's host and returns the function
// that frees it, which must be called once. Waiting ends with ctx, and the
// error is then ctx's.
func (h *Hosts) Acquire(ctx context.Context, rawURL string) (release func(), err error) {
	name := hostName(rawURL)
	h.mu.Lock()
	s := h.hosts[name]
	if s == nil {
		s = &host{slots: make(chan struct{}, h.limit)}
		h.hosts[name] = s
	}
	s.users++
	h.mu.Unlock()

	select {
	case s.slots <- struct{}{}:
	case <-ctx.Done():
		h.leave(name, s)
		return nil, fmt.Errorf("waiting for a free slot for %s: %w", name, ctx.Err())
	}
	taken := time.Now()
	free := func() {
		<-s.slots
		h.leave(name, s)
	}
	return func() {
		// The slot is held on for the rest of the gap without holding up
		// the caller, who is done with the host.
		if wait := h.gap - time.Since(taken); wait > 0 {
			time.AfterFunc(wait, free)
			return
		}
		free()
	}, nil
}

func (h *Hosts) leave(name string, s *host) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if s.users--; s.users == 0 {
		delete(h.hosts, name)
	}
}

// hostName is the host a limit applies to: the URL's host name without its
// port, as a site's servers are one site whatever port they answer on.
func hostName(rawURL string) string {
	if u, err := url.Parse(rawURL); err == nil && u.Host != "" {
		return strings.ToLower(u.Hostname())
	}
	return rawURL
}
