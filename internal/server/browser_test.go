package server

import (
	"context"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/parallax-news/parallax/demo"
	"github.com/parallax-news/parallax/internal/pipeline"
	"github.com/parallax-news/parallax/internal/store/sqlite"
)

// chromium finds a headless-capable Chromium: $PARALLAX_CHROMIUM, or one on
// the PATH.
func chromium(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("PARALLAX_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("no Chromium found: install Debian's chromium (apt-get install -y chromium) or set PARALLAX_CHROMIUM to a Chrome or Chromium binary")
	return ""
}

// artifactDir is where screenshots are kept: $PARALLAX_ARTIFACTS, else the
// test's artifact directory (kept with go test -artifacts).
func artifactDir(t *testing.T) string {
	t.Helper()
	if d := os.Getenv("PARALLAX_ARTIFACTS"); d != "" {
		d = filepath.Join(d, "browser")
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatalf("artifact dir: %v", err)
		}
		return d
	}
	return t.ArtifactDir()
}

// demoServer serves the bundled demo corpus as serve --demo does, ingested
// by the real pipeline into a real store.
func demoServer(t *testing.T) *httptest.Server {
	t.Helper()
	ctx := t.Context()
	log := slog.New(slog.DiscardHandler)
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "demo.db"), log)
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	p, err := pipeline.New(st, pipeline.Options{}, log)
	if err != nil {
		t.Fatalf("pipeline: %v", err)
	}
	corpus, err := demo.WriteCorpus(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	failed := 0
	p.Ingest(ctx, []string{corpus}, func(r pipeline.Result) {
		if r.Err != nil {
			failed++
			t.Logf("demo article %s: %v", r.Input, r.Err)
		}
	})
	if failed > 0 {
		t.Fatalf("%d demo articles failed", failed)
	}
	ts := httptest.NewServer(New(Config{Token: testToken}, st, p, log))
	t.Cleanup(ts.Close)
	return ts
}

// TestBrowser walks the demo in headless Chromium: from the story list to
// the seed story, its common ground, Koffler's quote and Mary Beth Long in
// their outlets' columns, then a search for Lavrov; screenshots are kept.
func TestBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	exe := chromium(t)
	ts := demoServer(t)
	dir := artifactDir(t)

	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(t.Context(), opts...)
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(actx, chromedp.WithLogf(t.Logf))
	defer cancel()
	ctx, cancelTime := context.WithTimeout(ctx, 2*time.Minute)
	defer cancelTime()

	shot := func(name string) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			png, err := chromedp.FullScreenshot(100)(ctx, tg) // quality 100 is PNG
			if err != nil {
				return fmt.Errorf("screenshot %s: %w", name, err)
			}
			path := filepath.Join(dir, name+".png")
			t.Logf("screenshot %s", path)
			return os.WriteFile(path, png, 0o644)
		})
	}

	// The story list links to the seed story.
	err := chromedp.Do(ctx,
		chromedp.Navigate(ts.URL+"/?sort=newest"),
		chromedp.WaitVisible(chromedp.CSS(`body[data-page="stories"]`)),
		shot("1-stories"),
	)
	if err != nil {
		t.Fatalf("story list: %v", err)
	}
	// The seed story is the one Fox News covers (the ECB+ outlets are domains).
	seed, err := chromedp.Run(ctx, chromedp.AttributeValue(
		`//article[contains(@class,"card")][.//ul[@class="chips"]//a[normalize-space(.)="Fox News"]]//h2/a`, "href"))
	if err != nil || !strings.HasPrefix(seed.Value, "/stories/") {
		t.Fatalf("no link to the seed story on the story list: %q, %v", seed.Value, err)
	}

	type column struct {
		Outlet string `json:"outlet"`
		Text   string `json:"text"`
	}
	type quote struct {
		Speaker string `json:"speaker"`
		Outlets string `json:"outlets"`
	}
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`a[href="`+seed.Value+`"]`)),
		chromedp.WaitVisible(chromedp.CSS(`body[data-page="story"]`)),
		shot("2-seed-story"),
	)
	if err != nil {
		t.Fatalf("seed story: %v", err)
	}
	common, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](
		`[...document.querySelectorAll("#common ul.common li")].map(li => li.textContent)`))
	if err != nil {
		t.Fatalf("common ground: %v", err)
	}
	columns, err := chromedp.Run(ctx, chromedp.Evaluate[[]column](
		`[...document.querySelectorAll("#side-by-side .col")].map(c => ({outlet: c.dataset.outlet, text: c.textContent}))`))
	if err != nil {
		t.Fatalf("side-by-side columns: %v", err)
	}
	quotes, err := chromedp.Run(ctx, chromedp.Evaluate[[]quote](
		`[...document.querySelectorAll("#quotes tbody tr")].map(r => ({speaker: r.cells[0].textContent, outlets: r.cells[2].textContent}))`))
	if err != nil {
		t.Fatalf("quote table: %v", err)
	}
	if len(common) == 0 {
		t.Error("the seed story shows no common ground")
	}
	if !strings.Contains(strings.Join(common, " "), "Lavrov") {
		t.Errorf("common ground does not mention Lavrov: %q", common)
	}
	if len(columns) != 2 {
		t.Fatalf("%d side-by-side columns, want the two seed articles", len(columns))
	}
	for _, c := range columns {
		fox := c.Outlet == "Fox News"
		if strings.Contains(c.Text, "Koffler") != fox {
			t.Errorf("column %q: has Koffler %v, want %v", c.Outlet, !fox, fox)
		}
		if strings.Contains(c.Text, "Mary Beth Long") == fox {
			t.Errorf("column %q: has Mary Beth Long %v, want %v", c.Outlet, fox, !fox)
		}
	}
	kofflerQuoted := false
	for _, q := range quotes {
		if strings.Contains(q.Speaker, "Koffler") {
			kofflerQuoted = true
			if !strings.Contains(q.Outlets, "Fox News") {
				t.Errorf("Koffler's quote carried by %q, want Fox News", q.Outlets)
			}
		}
	}
	if !kofflerQuoted {
		t.Errorf("no quote by Koffler in %+v", quotes)
	}

	// Search from the header, as a reader would: "/" focuses the box.
	if err := chromedp.Do(ctx, chromedp.KeyEvent("/")); err != nil {
		t.Fatalf("press /: %v", err)
	}
	focused, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.activeElement.id`))
	if err != nil || focused != "site-q" {
		t.Errorf(`after "/", the focus is on %q (%v), want the search box`, focused, err)
	}
	// DevTools types the "/" as a character event of its own, which a real
	// browser does not send once the key press is handled: clear it.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById("site-q").value = ""`)); err != nil {
		t.Fatalf("clear the search box: %v", err)
	}
	err = chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS(`#site-q`), "Lavrov\n"),
		chromedp.WaitVisible(chromedp.CSS(`body[data-page="search"]`)),
		shot("3-search-lavrov"),
	)
	if err != nil {
		t.Fatalf("search: %v", err)
	}
	hits, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll(".hits li")].map(li => li.textContent)`))
	if err != nil {
		t.Fatalf("search hits: %v", err)
	}
	if len(hits) < 2 {
		t.Errorf("search for Lavrov: %d hits, want both seed articles", len(hits))
	}
	for _, h := range hits {
		if !strings.Contains(h, "Lavrov") {
			t.Errorf("hit without Lavrov: %q", h)
		}
	}

	// A phone-sized window: the story page must not scroll sideways.
	err = chromedp.Do(ctx,
		chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2)),
		chromedp.Navigate(ts.URL+seed.Value),
		chromedp.WaitVisible(chromedp.CSS(`body[data-page="story"]`)),
		shot("4-seed-story-phone"),
	)
	if err != nil {
		t.Fatalf("phone view: %v", err)
	}
	overflow, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth + 1`))
	if err != nil {
		t.Fatalf("phone view: %v", err)
	}
	if overflow {
		t.Error("the story page scrolls sideways on a phone")
	}

	// Signed in, a person ticks one seed article in the coverage table and
	// splits it out with the form below, which the checkbox names from
	// outside; the page asks first.
	err = chromedp.Do(ctx,
		chromedp.EmulateViewport(1280, 900),
		chromedp.Navigate(ts.URL+"/signin?next="+url.QueryEscape(seed.Value)),
		chromedp.WaitVisible(chromedp.CSS(`#token`)),
		chromedp.SendKeys(chromedp.CSS(`#token`), testToken+"\n"),
		chromedp.WaitVisible(chromedp.CSS(`form#split`)),
	)
	if err != nil {
		t.Fatalf("sign in: %v", err)
	}
	ticked, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => {
		window.confirm = (message) => { sessionStorage.setItem("asked", message); return true; };
		return document.querySelector('#coverage input[type=checkbox][form="split"]').value;
	})()`))
	if err != nil {
		t.Fatalf("coverage checkboxes: %v", err)
	}
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`#coverage input[value="`+ticked+`"][form="split"]`)),
		chromedp.SendKeys(chromedp.CSS(`#split-reason`), "two events"),
		chromedp.Click(chromedp.CSS(`form#split button`)),
	)
	if err != nil {
		t.Fatalf("split: %v", err)
	}
	// The form posts and the browser follows the redirect to the new story;
	// the page is asked where it is until it has left the seed story.
	for {
		loc, err := chromedp.Run(ctx, chromedp.Location())
		if u, perr := url.Parse(loc); err == nil && perr == nil && u.Path != seed.Value {
			break
		}
		if ctx.Err() != nil {
			t.Fatalf("after the split, the browser stayed on %q: %v", loc, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`body[data-page="story"] #coverage`)), shot("5-split-story")); err != nil {
		t.Fatalf("the new story page: %v", err)
	}
	shownAfter := func(what string) []string {
		t.Helper()
		links, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("#coverage tbody tr td:nth-child(2) a")].map(a => a.getAttribute("href"))`))
		if err != nil {
			t.Fatalf("%s: coverage: %v", what, err)
		}
		return links
	}
	article := "/articles/" + ticked
	if links := shownAfter("new story"); !slices.Equal(links, []string{article}) {
		t.Errorf("the new story covers %q, want only the ticked %s", links, article)
	}
	if asked, err := chromedp.Run(ctx, chromedp.Evaluate[string](`sessionStorage.getItem("asked")`)); err != nil || !strings.Contains(asked, "Split the ticked articles") {
		t.Errorf("the page asked %q (%v) before splitting", asked, err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(ts.URL+seed.Value), chromedp.WaitVisible(chromedp.CSS(`#coverage`)), shot("6-seed-story-after-split")); err != nil {
		t.Fatalf("seed story after the split: %v", err)
	}
	if links := shownAfter("seed story"); len(links) != 1 || links[0] == article {
		t.Errorf("the seed story covers %q after the split, want the other seed article only", links)
	}
}
