package extract

import (
	"bufio"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
)

// ErrOutletFile is returned for an outlet file with a line that is not
// "domain<TAB>Name" or "domain = Name".
var ErrOutletFile = errors.New("bad outlet file line")

// builtinOutlets maps the domains of major outlets to their names. A
// subdomain (edition.cnn.com) is looked up by its parents in turn.
var builtinOutlets = map[string]string{
	"foxnews.com":            "Fox News",
	"foxbusiness.com":        "Fox Business",
	"nytimes.com":            "The New York Times",
	"huffpost.com":           "HuffPost",
	"huffingtonpost.com":     "HuffPost",
	"nbcnews.com":            "NBC News",
	"cnn.com":                "CNN",
	"bbc.co.uk":              "BBC News",
	"bbc.com":                "BBC News",
	"reuters.com":            "Reuters",
	"apnews.com":             "The Associated Press",
	"washingtonpost.com":     "The Washington Post",
	"theguardian.com":        "The Guardian",
	"wsj.com":                "The Wall Street Journal",
	"washingtontimes.com":    "The Washington Times",
	"npr.org":                "NPR",
	"cbsnews.com":            "CBS News",
	"abcnews.go.com":         "ABC News",
	"abcnews.com":            "ABC News",
	"msnbc.com":              "MSNBC",
	"usatoday.com":           "USA Today",
	"latimes.com":            "Los Angeles Times",
	"chicagotribune.com":     "Chicago Tribune",
	"bostonglobe.com":        "The Boston Globe",
	"politico.com":           "Politico",
	"politico.eu":            "Politico Europe",
	"thehill.com":            "The Hill",
	"axios.com":              "Axios",
	"bloomberg.com":          "Bloomberg",
	"ft.com":                 "Financial Times",
	"economist.com":          "The Economist",
	"time.com":               "Time",
	"newsweek.com":           "Newsweek",
	"theatlantic.com":        "The Atlantic",
	"newyorker.com":          "The New Yorker",
	"vox.com":                "Vox",
	"slate.com":              "Slate",
	"salon.com":              "Salon",
	"motherjones.com":        "Mother Jones",
	"breitbart.com":          "Breitbart News",
	"dailycaller.com":        "The Daily Caller",
	"dailywire.com":          "The Daily Wire",
	"nationalreview.com":     "National Review",
	"washingtonexaminer.com": "Washington Examiner",
	"nypost.com":             "New York Post",
	"nydailynews.com":        "New York Daily News",
	"theblaze.com":           "TheBlaze",
	"newsmax.com":            "Newsmax",
	"reason.com":             "Reason",
	"businessinsider.com":    "Business Insider",
	"insider.com":            "Business Insider",
	"cnbc.com":               "CNBC",
	"forbes.com":             "Forbes",
	"fortune.com":            "Fortune",
	"marketwatch.com":        "MarketWatch",
	"pbs.org":                "PBS",
	"aljazeera.com":          "Al Jazeera",
	"dw.com":                 "Deutsche Welle",
	"france24.com":           "France 24",
	"euronews.com":           "Euronews",
	"independent.co.uk":      "The Independent",
	"telegraph.co.uk":        "The Telegraph",
	"thetimes.co.uk":         "The Times",
	"dailymail.co.uk":        "Daily Mail",
	"mirror.co.uk":           "Daily Mirror",
	"thesun.co.uk":           "The Sun",
	"skynews.com":            "Sky News",
	"news.sky.com":           "Sky News",
	"afp.com":                "AFP",
	"upi.com":                "UPI",
	"cbc.ca":                 "CBC News",
	"theglobeandmail.com":    "The Globe and Mail",
	"abc.net.au":             "ABC News (Australia)",
	"smh.com.au":             "The Sydney Morning Herald",
	"theverge.com":           "The Verge",
	"wired.com":              "Wired",
	"arstechnica.com":        "Ars Technica",
	"techcrunch.com":         "TechCrunch",
	"propublica.org":         "ProPublica",
	"csmonitor.com":          "The Christian Science Monitor",
	"theintercept.com":       "The Intercept",
	"buzzfeednews.com":       "BuzzFeed News",
	"vice.com":               "Vice",
	"yahoo.com":              "Yahoo News",
	"news.yahoo.com":         "Yahoo News",
	"rt.com":                 "RT",
	"tass.com":               "TASS",
	"kyivindependent.com":    "The Kyiv Independent",
	"timesofisrael.com":      "The Times of Israel",
	"haaretz.com":            "Haaretz",
	"scmp.com":               "South China Morning Post",
	"japantimes.co.jp":       "The Japan Times",
	"lemonde.fr":             "Le Monde",
	"spiegel.de":             "Der Spiegel",
	"elpais.com":             "El País",
}

// Outlets maps domains to outlet names: the built-in table, extended or
// overridden by a user's file. The zero value is not usable; use
// LoadOutlets.
type Outlets struct {
	byDomain map[string]string
	names    map[string]string // lower-cased name -> name
}

// LoadOutlets returns the built-in table extended by the file at path
// ("" for none). The file has one outlet a line, either
// "domain<TAB>Name" or "domain = Name"; blank lines and lines starting
// with # are skipped. A user's entry replaces a built-in one.
func LoadOutlets(path string) (*Outlets, error) {
	o := &Outlets{byDomain: make(map[string]string, len(builtinOutlets)), names: make(map[string]string)}
	for d, n := range builtinOutlets {
		o.add(d, n)
	}
	if path == "" {
		return o, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("outlet file: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		s := strings.TrimSpace(sc.Text())
		if s == "" || strings.HasPrefix(s, "#") {
			continue
		}
		domain, name, ok := strings.Cut(s, "\t")
		if !ok {
			domain, name, ok = strings.Cut(s, "=")
		}
		domain = strings.ToLower(strings.TrimSpace(domain))
		name = strings.TrimSpace(name)
		if !ok || domain == "" || name == "" || strings.ContainsAny(domain, " /") {
			return nil, fmt.Errorf("outlet file %s:%d: %q: %w", path, line, s, ErrOutletFile)
		}
		o.add(strings.TrimPrefix(domain, "www."), name)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("outlet file %s: %w", path, err)
	}
	return o, nil
}

func (o *Outlets) add(domain, name string) {
	o.byDomain[domain] = name
	o.names[strings.ToLower(name)] = name
}

// ByHost returns the outlet of a host name, trying the host and then each
// parent domain (edition.cnn.com, then cnn.com), or "".
func (o *Outlets) ByHost(host string) string {
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	for host != "" {
		if n, ok := o.byDomain[host]; ok {
			return n
		}
		_, parent, ok := strings.Cut(host, ".")
		if !ok || !strings.Contains(parent, ".") {
			return ""
		}
		host = parent
	}
	return ""
}

// ByURL returns the outlet of a URL's host, or "".
func (o *Outlets) ByURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return o.ByHost(u.Hostname())
}

// Name returns the table's spelling of an outlet name, matched without
// regard to case, and whether it is known.
func (o *Outlets) Name(s string) (string, bool) {
	n, ok := o.names[strings.ToLower(strings.TrimSpace(s))]
	return n, ok
}
