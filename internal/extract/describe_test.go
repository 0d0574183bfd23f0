package extract

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/parallax-news/parallax/internal/extract/clean"
	"github.com/parallax-news/parallax/internal/model"
	"github.com/parallax-news/parallax/internal/source"
	"github.com/parallax-news/parallax/internal/testutil"
)

func TestCanonicalURL(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{name: "already canonical", in: "https://www.foxnews.com/world/talks", want: "https://www.foxnews.com/world/talks"},
		{name: "case of scheme and host", in: "HTTPS://WWW.FoxNews.com/World/Talks", want: "https://www.foxnews.com/World/Talks"},
		{name: "fragment dropped", in: "https://example.com/a#comments", want: "https://example.com/a"},
		{name: "utm and click ids dropped", in: "https://example.com/a?utm_source=tw&utm_medium=social&fbclid=x&gclid=y", want: "https://example.com/a"},
		{name: "newsletter ids dropped", in: "https://example.com/a?mc_cid=1&mc_eid=2&smid=nytcore&ocid=msn&cmpid=rss&ref=home", want: "https://example.com/a"},
		{name: "other parameters kept and sorted", in: "https://example.com/a?page=2&id=7&utm_campaign=z", want: "https://example.com/a?id=7&page=2"},
		{name: "default port dropped", in: "https://example.com:443/a", want: "https://example.com/a"},
		{name: "other port kept", in: "http://example.com:8080/a", want: "http://example.com:8080/a"},
		{name: "empty path", in: "https://example.com", want: "https://example.com/"},
		{name: "credentials dropped", in: "https://user:pw@example.com/a", want: "https://example.com/a"},
		{name: "not http", in: "ftp://example.com/a", want: ""},
		{name: "not a URL", in: "Fox News", want: ""},
		{name: "empty", in: "", want: ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := CanonicalURL(tc.in); got != tc.want {
				t.Errorf("CanonicalURL(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestOutlets(t *testing.T) {
	path := filepath.Join(t.TempDir(), "outlets.txt")
	file := "# user outlets\nexample.org\tExample Gazette\nlocal.news = Local News Now\n\nfoxnews.com = FOX\n"
	if err := os.WriteFile(path, []byte(file), 0o600); err != nil {
		t.Fatal(err)
	}
	user, err := LoadOutlets(path)
	if err != nil {
		t.Fatal(err)
	}
	builtin, err := LoadOutlets("")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		outlets *Outlets
		url     string
		want    string
	}{
		{name: "fox", outlets: builtin, url: "https://www.foxnews.com/world/x", want: "Fox News"},
		{name: "nytimes", outlets: builtin, url: "https://www.nytimes.com/2024/11/25/world/x.html", want: "The New York Times"},
		{name: "huffpost", outlets: builtin, url: "https://www.huffpost.com/entry/x", want: "HuffPost"},
		{name: "old huffington post domain", outlets: builtin, url: "https://www.huffingtonpost.com/entry/x", want: "HuffPost"},
		{name: "bbc uk", outlets: builtin, url: "https://www.bbc.co.uk/news/x", want: "BBC News"},
		{name: "subdomain", outlets: builtin, url: "https://edition.cnn.com/2024/x", want: "CNN"},
		{name: "unknown", outlets: builtin, url: "https://blog.example.net/x", want: ""},
		{name: "user file with tab", outlets: user, url: "https://example.org/x", want: "Example Gazette"},
		{name: "user file with equals", outlets: user, url: "https://www.local.news/x", want: "Local News Now"},
		{name: "user file overrides built-in", outlets: user, url: "https://www.foxnews.com/x", want: "FOX"},
		{name: "user file keeps built-in", outlets: user, url: "https://apnews.com/x", want: "The Associated Press"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.outlets.ByURL(tc.url); got != tc.want {
				t.Errorf("ByURL(%q) = %q, want %q", tc.url, got, tc.want)
			}
		})
	}
}

func TestLoadOutletsErrors(t *testing.T) {
	tests := []struct {
		name, content string
		want          error
	}{
		{name: "no separator", content: "example.org Example\n", want: ErrOutletFile},
		{name: "no name", content: "example.org =\n", want: ErrOutletFile},
		{name: "path for a domain", content: "example.org/news = Example\n", want: ErrOutletFile},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "outlets.txt")
			if err := os.WriteFile(path, []byte(tc.content), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := LoadOutlets(path)
			if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), path) {
				t.Fatalf("LoadOutlets = %v, want %v naming the file", err, tc.want)
			}
		})
	}
	if _, err := LoadOutlets(filepath.Join(t.TempDir(), "missing")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v, want ErrNotExist", err)
	}
}

func TestLanguage(t *testing.T) {
	tests := []struct {
		name, text, want string
	}{
		{name: "english", text: "Former national security officials have been holding secret talks with Russians known to have close ties to the Kremlin.", want: "en"},
		{name: "german", text: "Ehemalige Sicherheitsbeamte haben geheime Gespräche mit Russen geführt, die enge Verbindungen zum Kreml haben sollen.", want: "de"},
		{name: "french", text: "D'anciens responsables de la sécurité nationale ont mené des discussions secrètes avec des Russes proches du Kremlin.", want: "fr"},
		{name: "spanish", text: "Antiguos funcionarios de seguridad nacional de Estados Unidos han mantenido durante meses conversaciones secretas con rusos cercanos al Kremlin, con la esperanza de sentar las bases para el fin negociado de la guerra.", want: "es"},
		{name: "dutch shares is and in with english", text: "Het is de bedoeling dat de regering in de komende weken met een voorstel komt, zo is in Den Haag te horen. Het parlement zal het voorstel dan in december bespreken, en de minister heeft gezegd dat zij daar graag over wil praten met de oppositie.", want: "nl"},
		{name: "polish shares to with english", text: "To jest bardzo ważne, powiedział minister, to nie jest koniec rozmów, a to co się stało to tylko początek drogi do porozumienia w sprawie Ukrainy.", want: "pl"},
		{name: "english headline style", text: "Officials held secret talks with Russians in New York in April, NBC News reported on Thursday, citing sources familiar with the discussions.", want: "en"},
		{name: "too short to tell", text: "Ok.", want: ""},
		{name: "empty", text: "", want: ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Language(tc.text); got != tc.want {
				t.Errorf("Language = %q, want %q", got, tc.want)
			}
		})
	}
}

// TestLanguageCode: language tags as inputs give them come down to the
// ISO 639-1 code articles are stored and filtered by; anything else is
// none, and an article whose input names its language in another form is
// stored with the code.
func TestLanguageCode(t *testing.T) {
	for _, tc := range []struct{ tag, want string }{
		{"en", "en"}, {"en-US", "en"}, {"EN_gb", "en"}, {" de-AT ", "de"}, {"pt-BR", "pt"},
		{"english", ""}, {"eng", ""}, {"", ""}, {"-", ""}, {"e", ""}, {"zz", ""}, {"xx-YY", ""},
	} {
		if got := LanguageCode(tc.tag); got != tc.want {
			t.Errorf("LanguageCode(%q) = %q, want %q", tc.tag, got, tc.want)
		}
	}
	item := source.Item{Input: "feed#1", Kind: "feed", Format: source.FormatText,
		Body: []byte("Ehemalige Sicherheitsbeamte haben geheime Gespräche mit Russen geführt."),
		Hint: source.Hint{Title: "Geheime Gespräche", Language: "de-DE"}}
	a, err := Article(t.Context(), item, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if a.Language != "de" {
		t.Errorf("an article whose feed says de-DE is stored as %q, want de", a.Language)
	}
}

// TestEnglishShare checks the byte-wise reading of englishShare against
// its definition: words are runs of letters, lower-cased.
func TestEnglishShare(t *testing.T) {
	reference := func(text string) float64 {
		var n, hits int
		for w := range strings.FieldsFuncSeq(text, func(r rune) bool { return !unicode.IsLetter(r) }) {
			n++
			if len(w) <= 5 && englishFunctionWords[strings.ToLower(w)] {
				hits++
			}
		}
		if n < 20 {
			return 0
		}
		return float64(hits) / float64(n)
	}
	base := "The talks of THE week were held by officials, and THEIR aides said that it was over. "
	for _, s := range []string{
		"", base, base + base, strings.ToUpper(base + base), base + "Dès l’été, les négociations ont repris à Genève avec l’équipe.",
		base + "théir ÀND Whö \xff\xfe the", "Die Verhandlungen wurden in Genf fortgesetzt, sagte der Sprecher am Freitag der Zeitung und dem Sender.",
		strings.Repeat("a1b2c3 ", 30), strings.Repeat("The’s ", 25),
	} {
		if got, want := englishShare(s), reference(s); got != want {
			t.Errorf("englishShare(%.30q) = %v, want %v", s, got, want)
		}
	}
}

// TestAppendWords checks the one-pass ASCII reading of ContentHash
// against strings.ToLower and strings.Fields, which define the words.
func TestAppendWords(t *testing.T) {
	for _, s := range []string{
		"", " ", "\v\f", "One", "  Two  words ", "A\tB\nC\vD\fE\rF", "MiXeD 123 _x_ [Q]!",
		"Café Zürich", "ASCII first, then ÉCOLE", "no\u00a0break\u2003space", "\u0085next line",
		"İstanbul KELVIN \u212a", "bad \xff byte\xe2\x82", "ȺȾ grow when lowered", "x \u2028 y \u3000",
		"Ünïcode first", " \u00a0lead and trail\u00a0 ",
	} {
		want := strings.Join(strings.Fields(strings.ToLower(s)), " ")
		if got := string(appendWords(nil, s)); got != want {
			t.Errorf("appendWords(%q) = %q, want %q", s, got, want)
		}
	}
}

func TestContentHash(t *testing.T) {
	a := ContentHash("Officials met in April.\n\nThey talked.")
	// Stored articles are known by this hash: its value must never change.
	if want := "9598a7657ea7a6c7fbac0ffaadbffad42cde3701b7a937a46eda54b533535543"; a != want {
		t.Errorf("ContentHash = %s, want %s (SHA-256 of the words lower-cased, joined by spaces)", a, want)
	}
	if b := ContentHash("officials  met in APRIL. They\ttalked."); a != b {
		t.Errorf("hash differs for the same words in other case and spacing")
	}
	if c := ContentHash("Officials met in May.\n\nThey talked."); a == c {
		t.Errorf("hash equal for different text")
	}
	if len(a) != 64 {
		t.Errorf("hash %q is not hex SHA-256", a)
	}
}

func TestArticleDescribe(t *testing.T) {
	pub := time.Date(2024, 11, 25, 9, 0, 0, 0, time.FixedZone("EST", -5*3600))
	page := `<html><head><title>Talks on Ukraine | Example Gazette</title>
<meta property="og:site_name" content="Example Gazette">
<meta property="article:published_time" content="2024-11-24T10:00:00Z">
<link rel="canonical" href="https://gazette.example.org/world/talks?utm_source=x">
</head><body><article><h1>Talks on Ukraine</h1>
<p>` + strings.Repeat("Former officials held secret talks with Russians close to the Kremlin in New York. ", 4) + `</p>
<p>` + strings.Repeat("The talks aimed at a negotiated end to the war, according to sources who spoke to reporters. ", 3) + `</p>
</article></body></html>`
	tests := []struct {
		name      string
		item      source.Item
		opt       Options
		title     string
		outlet    string
		url       string
		published string
		removed   []model.Removal
		text      string
	}{
		{
			name: "jsonl with hints and a repeated title",
			item: source.Item{Input: "a.jsonl:3", Kind: "jsonl", Format: source.FormatText,
				Body: []byte("Talks on Ukraine\nFormer officials held talks.\nThey met in April."),
				Hint: source.Hint{ExternalID: "x1", Title: "Talks on Ukraine", URL: "https://www.nbcnews.com/politics/talks?utm_source=tw#top", Published: &pub}},
			title: "Talks on Ukraine", outlet: "NBC News", url: "https://www.nbcnews.com/politics/talks", published: "2024-11-25T14:00:00Z",
			removed: []model.Removal{{Kind: model.RemovalTitle, Text: "Talks on Ukraine"}},
			text:    "Former officials held talks.\n\nThey met in April.",
		},
		{
			name: "date line in the body dates an undated record",
			item: source.Item{Input: "b.jsonl:1", Kind: "jsonl", Format: source.FormatText,
				Body: []byte("Published: May 2, 2013\nAn earthquake struck the coast."), Hint: source.Hint{Title: "Quake"}},
			title: "Quake", published: "2013-05-02T00:00:00Z",
			removed: []model.Removal{{Kind: model.RemovalDateLine, Text: "Published: May 2, 2013"}},
			text:    "An earthquake struck the coast.",
		},
		{
			name: "a first line that is a date line is no headline",
			item: source.Item{Input: "c.jsonl:4", Kind: "jsonl", Format: source.FormatText,
				Body: []byte("Thursday, December 11, 2008\nPrediction: Red Sox Will Nab Teixeira\nESPN reports an offer.")},
			title: "Prediction: Red Sox Will Nab Teixeira", published: "2008-12-11T00:00:00Z",
			removed: []model.Removal{{Kind: model.RemovalDateLine, Text: "Thursday, December 11, 2008"}},
			text:    "Prediction: Red Sox Will Nab Teixeira\n\nESPN reports an offer.",
		},
		{
			name: "outlet option wins over the hint",
			item: source.Item{Input: "feed#1", Kind: "feed", Format: source.FormatText, Body: []byte("Former officials held talks."),
				Hint: source.Hint{Title: "Talks", Outlet: "Feed Outlet", URL: "https://www.foxnews.com/a"}},
			opt:   Options{Outlet: "My Outlet"},
			title: "Talks", outlet: "My Outlet", url: "https://www.foxnews.com/a",
			text: "Former officials held talks.",
		},
		{
			name: "hint outlet wins over the domain",
			item: source.Item{Input: "feed#2", Kind: "feed", Format: source.FormatText, Body: []byte("Former officials held talks."),
				Hint: source.Hint{Title: "Talks", Outlet: "Feed Outlet", URL: "https://www.foxnews.com/a"}},
			title: "Talks", outlet: "Feed Outlet", url: "https://www.foxnews.com/a",
			text: "Former officials held talks.",
		},
		{
			name: "bare domain when nothing else is known",
			item: source.Item{Input: "feed#3", Kind: "feed", Format: source.FormatText, Body: []byte("Former officials held talks."),
				Hint: source.Hint{Title: "Talks", URL: "https://www.unknown-outlet.example/a"}},
			title: "Talks", outlet: "unknown-outlet.example", url: "https://www.unknown-outlet.example/a",
			text: "Former officials held talks.",
		},
		{
			name:  "html page metadata",
			item:  source.Item{Input: "page.html", Kind: "html", Format: source.FormatHTML, Body: []byte(page)},
			title: "Talks on Ukraine", outlet: "Example Gazette", url: "https://gazette.example.org/world/talks",
			// trafilatura's date finder keeps the day; the metadata's time
			// of day is put back (withTimeOfDay).
			published: "2024-11-24T10:00:00Z",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, err := Article(context.Background(), tc.item, tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			if a.Title != tc.title || a.Outlet != tc.outlet || a.URL != tc.url {
				t.Errorf("title %q outlet %q url %q; want %q %q %q", a.Title, a.Outlet, a.URL, tc.title, tc.outlet, tc.url)
			}
			var published string
			if a.Published != nil {
				published = a.Published.Format(time.RFC3339)
			}
			if published != tc.published {
				t.Errorf("published %q, want %q", published, tc.published)
			}
			if tc.text != "" && a.Text != tc.text {
				t.Errorf("text %q, want %q", a.Text, tc.text)
			}
			if !slices.Equal(a.Removed, tc.removed) && tc.removed != nil {
				t.Errorf("removed %q, want %q", a.Removed, tc.removed)
			}
			if a.ExternalID != tc.item.Hint.ExternalID || a.Source != tc.item.Input || a.Format != tc.item.Kind {
				t.Errorf("external id %q source %q format %q not taken from the item", a.ExternalID, a.Source, a.Format)
			}
			if a.ContentHash != ContentHash(a.Text) {
				t.Errorf("content hash does not cover the text")
			}
		})
	}
}

func TestArticleErrors(t *testing.T) {
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name string
		ctx  context.Context
		item source.Item
		want error
		says string // what the error says besides
	}{
		{name: "empty text", item: source.Item{Input: "empty.txt", Kind: "text", Format: source.FormatText}, want: ErrNoArticle},
		{name: "only boilerplate", item: source.Item{Input: "boiler.txt", Kind: "text", Format: source.FormatText, Body: []byte("Headline\n\nAdvertisement\n\nhttps://example.com/a")}, want: ErrNoArticle},
		{name: "one line", item: source.Item{Input: "-", Kind: "text", Format: source.FormatText, Body: []byte("The council met on Tuesday.")}, want: ErrNoArticle,
			says: `only the headline "The council met on Tuesday.": a text file's first line is its headline`},
		{name: "page without an article", item: source.Item{Input: "empty.html", Kind: "html", Format: source.FormatHTML, Body: []byte("<html><body><nav>Home</nav></body></html>")}, want: ErrNoArticle},
		{name: "invalid UTF-8", item: source.Item{Input: "bad.txt", Kind: "text", Format: source.FormatText, Body: []byte("Talks\n\n\xff body")}, want: ErrInvalidUTF8},
		{name: "unknown format", item: source.Item{Input: "x.pdf", Kind: "pdf", Format: "pdf", Body: []byte("%PDF")}, want: ErrFormat},
		{name: "canceled", ctx: canceled, item: source.Item{Input: "a.txt", Kind: "text", Format: source.FormatText, Body: []byte("Talks\n\nBody.")}, want: context.Canceled},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := tc.ctx
			if ctx == nil {
				ctx = context.Background()
			}
			_, err := Article(ctx, tc.item, Options{})
			if !errors.Is(err, tc.want) {
				t.Fatalf("Article = %v, want %v", err, tc.want)
			}
			if !strings.Contains(err.Error(), tc.item.Input) {
				t.Errorf("error %q does not name the input %q", err, tc.item.Input)
			}
			if !strings.Contains(err.Error(), tc.says) {
				t.Errorf("error %q does not say %q", err, tc.says)
			}
		})
	}
}

// FuzzArticleText checks the whole text path: any text either fails with
// a sentinel error or gives valid UTF-8 whose words are all the input's.
func FuzzArticleText(f *testing.F) {
	for _, p := range testutil.Seeds(f) {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, "")
	}
	f.Add([]byte("Talks\nFormer officials held talks."), "Talks")
	f.Fuzz(func(t *testing.T, body []byte, title string) {
		item := source.Item{Input: "fuzz", Kind: "text", Format: source.FormatText, Body: body, Hint: source.Hint{Title: title}}
		if title != "" {
			item.Kind = "jsonl"
		}
		a, err := Article(context.Background(), item, Options{})
		if err != nil {
			if !errors.Is(err, ErrNoArticle) && !errors.Is(err, ErrInvalidUTF8) {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		if !utf8.ValidString(a.Text) || !utf8.ValidString(a.Title) {
			t.Fatalf("invalid UTF-8 out")
		}
		if strings.TrimSpace(a.Text) == "" {
			t.Fatalf("empty text without ErrNoArticle")
		}
		// Measured against the NFC input, without white space: cleaning
		// adds paragraph breaks, and NFC decomposes a few characters.
		if nonSpace(a.Text) > nonSpace(clean.Normalize(string(body))) {
			t.Fatalf("text %q longer than the input %q", a.Text, body)
		}
	})
}

func nonSpace(s string) int { return len(strings.Join(strings.Fields(s), "")) }

func TestArticleFragment(t *testing.T) {
	tests := []struct {
		name string
		body string
		want string
	}{
		{name: "one short paragraph", body: "<p>Officials met in New York in April, NBC News reported.</p>", want: "Officials met in New York in April, NBC News reported."},
		{name: "paragraphs and a list", body: "<p>Officials met.</p><p>They <b>talked</b> for hours.</p><ul><li>Haass</li><li>Kupchan</li></ul>", want: "Officials met.\n\nThey talked for hours.\n\nHaass\n\nKupchan"},
		{name: "text without tags", body: "Officials met &amp; talked.", want: "Officials met & talked."},
		{name: "scripts are not text", body: "<p>Officials met.</p><script>var x = 1;</script>", want: "Officials met."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			item := source.Item{Input: "feed#1", Kind: "feed", Format: source.FormatHTML, Body: []byte(tc.body), Hint: source.Hint{Title: "Talks"}}
			a, err := Article(context.Background(), item, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if a.Text != tc.want {
				t.Errorf("text %q, want %q", a.Text, tc.want)
			}
		})
	}
}

// TestHeadlineOnly: a record or feed entry whose body is missing, repeats
// the headline or is only boilerplate is kept as a headline with no text,
// hashed by its headline so that two of them stay apart.
func TestHeadlineOnly(t *testing.T) {
	tests := []struct {
		name, title, body string
	}{
		{name: "body repeats the headline", title: "Talks", body: "Talks"},
		{name: "no body", title: "Quake hits coast"},
		{name: "only boilerplate", title: "Newsletter", body: "Subscribe to our newsletter.\nAll rights reserved."},
	}
	hashes := map[string]string{}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			item := source.Item{Input: "a.jsonl:1", Kind: "jsonl", Format: source.FormatText, Body: []byte(tc.body), Hint: source.Hint{Title: tc.title}}
			a, err := Article(context.Background(), item, Options{})
			if err != nil {
				t.Fatalf("Article: %v", err)
			}
			if a.Title != tc.title || a.Text != "" {
				t.Errorf("title %q, text %q; want title %q and no text", a.Title, a.Text, tc.title)
			}
			if a.ContentHash != ContentHash(tc.title) {
				t.Errorf("content hash %s is not the headline's", a.ContentHash)
			}
			if other, dup := hashes[a.ContentHash]; dup {
				t.Errorf("same hash as %q", other)
			}
			hashes[a.ContentHash] = tc.name
		})
	}
}

// TestPublishedAhead: a publication date more than a day past the time of
// reading is not kept, and a warning names the input; one a few hours
// ahead (another time zone) is.
func TestPublishedAhead(t *testing.T) {
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name      string
		published time.Time
		kept      bool
	}{
		{"yesterday", now.Add(-24 * time.Hour), true},
		{"later today, in another zone", now.Add(13 * time.Hour), true},
		{"next week", now.Add(7 * 24 * time.Hour), false},
		{"a typo of the century", time.Date(2099, 1, 1, 0, 0, 0, 0, time.UTC), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var logged bytes.Buffer
			item := source.Item{Input: "a.jsonl:1", Kind: "jsonl", Format: source.FormatText,
				Body: []byte("The council approved the budget on Monday."), Hint: source.Hint{Title: "Budget", Published: &tc.published}}
			a, err := Article(context.Background(), item, Options{Now: func() time.Time { return now },
				Logger: slog.New(slog.NewTextHandler(&logged, nil))})
			if err != nil {
				t.Fatalf("Article: %v", err)
			}
			if kept := a.Published != nil; kept != tc.kept {
				t.Errorf("published %v: kept %v, want %v", tc.published, kept, tc.kept)
			}
			if warned := strings.Contains(logged.String(), "a.jsonl:1"); warned == tc.kept {
				t.Errorf("warning %q: want one naming the input only when the date is not kept", logged.String())
			}
		})
	}
}

// TestPublishedTimeOfDay: a page's metadata gives the time of day that
// trafilatura's date leaves out; a date alone, or a stamp of another day,
// leaves trafilatura's date as it is.
func TestPublishedTimeOfDay(t *testing.T) {
	page := func(head string) []byte {
		return []byte(`<html><head><title>Fire destroys three homes</title>` + head + `</head><body><article>
<h1>Fire destroys three homes</h1>
<p>A fire destroyed three homes in Springfield on Tuesday afternoon, officials said. No one was hurt, but two families lost everything they owned.</p>
<p>Firefighters from four stations fought the flames for two hours before bringing them under control, the fire chief told reporters.</p>
<p>The cause of the fire is under investigation. Neighbours said they heard a loud bang shortly before smoke poured from the first house.</p>
</article></body></html>`)
	}
	for _, tc := range []struct {
		name, head string
		want       time.Time
	}{
		{"article:published_time with its zone",
			`<meta property="article:published_time" content="2024-03-05T14:30:00-05:00">`,
			time.Date(2024, 3, 5, 19, 30, 0, 0, time.UTC)},
		{"JSON-LD datePublished in a graph",
			`<script type="application/ld+json">{"@context":"https://schema.org","@graph":[{"@type":"WebSite","name":"Gazette"},{"@type":"NewsArticle","datePublished":"2024-03-05T08:15:00Z"}]}</script>`,
			time.Date(2024, 3, 5, 8, 15, 0, 0, time.UTC)},
		{"a date alone",
			`<meta property="article:published_time" content="2024-03-05">`,
			time.Date(2024, 3, 5, 0, 0, 0, 0, time.UTC)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			item := source.Item{Input: "fire.html", Kind: source.FormatHTML, Format: source.FormatHTML, Body: page(tc.head)}
			a, err := Article(context.Background(), item, Options{})
			if err != nil {
				t.Fatalf("Article: %v", err)
			}
			if a.Published == nil || !a.Published.Equal(tc.want) {
				t.Errorf("published %v, want %v", a.Published, tc.want)
			}
		})
	}
	day := time.Date(2024, 3, 5, 0, 0, 0, 0, time.UTC)
	if got := withTimeOfDay(day, "2024-03-07T10:00:00Z"); !got.Equal(day) {
		t.Errorf("a stamp of another day gave %v, want trafilatura's %v", got, day)
	}
	if got := withTimeOfDay(day, "not a date: at all"); !got.Equal(day) {
		t.Errorf("an unreadable stamp gave %v, want %v", got, day)
	}
}
