package fetch

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// peaks counts holders by host, and the most each had at once.
type peaks struct {
	mu       sync.Mutex
	inflight map[string]int
	peak     map[string]int
}

func (p *peaks) enter(host string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.inflight == nil {
		p.inflight, p.peak = map[string]int{}, map[string]int{}
	}
	p.inflight[host]++
	p.peak[host] = max(p.peak[host], p.inflight[host])
}

func (p *peaks) leave(host string) {
	p.mu.Lock()
	p.inflight[host]--
	p.mu.Unlock()
}

func TestHostsLimit(t *testing.T) {
	tests := []struct {
		name    string
		perHost int
		urls    []string // each acquired by four goroutines at once
		want    map[string]int
	}{
		{name: "one host, one slot", perHost: 1, urls: []string{"https://a.example/1", "https://a.example/2"}, want: map[string]int{"a.example": 1}},
		{name: "ports and case are one host", perHost: 2,
			urls: []string{"https://a.example/1", "http://A.example:8080/2", "https://a.EXAMPLE:443/3"}, want: map[string]int{"a.example": 2}},
		{name: "each host its own slots", perHost: 2,
			urls: []string{"https://a.example/1", "https://b.example/1", "https://a.example/2", "https://b.example/2"}, want: map[string]int{"a.example": 2, "b.example": 2}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := NewHosts(tc.perHost, 0)
			var p peaks
			var wg sync.WaitGroup
			for _, u := range tc.urls {
				for range 4 {
					wg.Go(func() {
						release, err := h.Acquire(t.Context(), u)
						if err != nil {
							t.Error(err)
							return
						}
						defer release()
						host := hostName(u)
						p.enter(host)
						defer p.leave(host)
						// Held a little, so that without a limit the holders overlap.
						time.Sleep(2 * time.Millisecond)
					})
				}
			}
			wg.Wait()
			for host, want := range tc.want {
				if got := p.peak[host]; got < 1 || got > want {
					t.Errorf("%s had %d holders at once, want 1 to %d", host, got, want)
				}
			}
			if n := len(h.hosts); n != 0 {
				t.Errorf("%d hosts still known after every slot was freed", n)
			}
		})
	}
}

func TestHostsCancelled(t *testing.T) {
	tests := []struct {
		name   string
		ctx    func(context.Context) (context.Context, context.CancelFunc)
		cancel bool // cancelled by the test once the waiter waits
		want   error
	}{
		{name: "cancelled", ctx: context.WithCancel, cancel: true, want: context.Canceled},
		{name: "deadline", ctx: func(ctx context.Context) (context.Context, context.CancelFunc) {
			return context.WithTimeout(ctx, 20*time.Millisecond)
		}, want: context.DeadlineExceeded},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := NewHosts(1, 0)
			release, err := h.Acquire(t.Context(), "https://busy.example/a")
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := tc.ctx(t.Context())
			defer cancel()
			waited := make(chan error, 1)
			go func() {
				_, err := h.Acquire(ctx, "https://busy.example/b")
				waited <- err
			}()
			for h.users("busy.example") < 2 {
				time.Sleep(time.Millisecond)
			}
			if tc.cancel {
				cancel()
			}
			select {
			case err := <-waited:
				if !errors.Is(err, tc.want) {
					t.Errorf("Acquire = %v, want %v", err, tc.want)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("Acquire kept waiting for the busy host after its context ended")
			}
			release()
			if n := len(h.hosts); n != 0 {
				t.Errorf("%d hosts still known: the waiter given up left its mark", n)
			}
		})
	}
}

// users is how many hold or wait for a slot of host.
func (h *Hosts) users(host string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	if s := h.hosts[host]; s != nil {
		return s.users
	}
	return 0
}

// TestHostsGap: a slot freed before the gap is over is taken again only
// when it is; a slot of another host is not held up.
func TestHostsGap(t *testing.T) {
	const gap = 50 * time.Millisecond
	h := NewHosts(1, gap)
	began := time.Now()
	release, err := h.Acquire(t.Context(), "https://gap.example/1")
	if err != nil {
		t.Fatal(err)
	}
	release()
	other, err := h.Acquire(t.Context(), "https://other.example/1")
	if err != nil {
		t.Fatal(err)
	}
	other()
	release, err = h.Acquire(t.Context(), "https://gap.example/2")
	if err != nil {
		t.Fatal(err)
	}
	release()
	if waited := time.Since(began); waited < gap {
		t.Errorf("the second request to one host began %s after the first, before the gap of %s", waited, gap)
	}
}

// TestGetPerHost: a client's requests to one host wait for its slots,
// and a request waiting for one stops with its context, unsent.
func TestGetPerHost(t *testing.T) {
	var p peaks
	arrived := make(chan string, 100)
	unblock := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		arrived <- r.URL.Path
		p.enter("server")
		defer p.leave("server")
		if r.URL.Path == "/blocked" {
			<-unblock
		}
		time.Sleep(2 * time.Millisecond)
		fmt.Fprint(w, "ok")
	}))
	defer srv.Close()

	c := New(Options{AllowPrivate: true, PerHost: 2, HostGap: -1})
	var wg sync.WaitGroup
	for i := range 12 {
		wg.Go(func() {
			if _, err := c.Get(t.Context(), fmt.Sprintf("%s/page%d", srv.URL, i), Conditional{}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if got := p.peak["server"]; got < 1 || got > 2 {
		t.Errorf("%d requests at once to one host, want 1 to 2", got)
	}
	for range 12 {
		<-arrived
	}

	one := New(Options{AllowPrivate: true, PerHost: 1, HostGap: -1})
	held := make(chan error, 1)
	go func() {
		_, err := one.Get(t.Context(), srv.URL+"/blocked", Conditional{})
		held <- err
	}()
	<-arrived // the slot is taken
	ctx, cancel := context.WithCancel(t.Context())
	waited := make(chan error, 1)
	go func() {
		_, err := one.Get(ctx, srv.URL+"/waiting", Conditional{})
		waited <- err
	}()
	cancel()
	select {
	case err := <-waited:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Get waiting for a slot = %v, want context.Canceled", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Get kept waiting for the busy host after its context ended")
	}
	close(unblock)
	if err := <-held; err != nil {
		t.Error(err)
	}
	select {
	case path := <-arrived:
		t.Errorf("%s was requested after its context ended", path)
	default:
	}
}
