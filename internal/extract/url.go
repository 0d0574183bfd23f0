package extract

import (
	"net/url"
	"strings"
)

// trackingParams are query parameters that say who sent a reader, not
// which article they read; two URLs differing only in them are one article.
var trackingParams = map[string]bool{
	"fbclid": true, "gclid": true, "dclid": true, "msclkid": true, "yclid": true, "twclid": true,
	"mc_cid": true, "mc_eid": true, "ocid": true, "cmpid": true, "cmp": true, "smid": true,
	"smtyp": true, "ref": true, "ref_src": true, "ref_url": true, "referrer": true,
	"igshid": true, "_ga": true, "_gl": true, "mkt_tok": true, "ito": true, "icid": true,
	"ncid": true, "sr_share": true, "taid": true, "guccounter": true,
	"guce_referrer": true, "guce_referrer_sig": true, "at_medium": true, "at_campaign": true,
	"soc_src": true, "soc_trk": true, "intcmp": true, "int_source": true,
	"ns_mchannel": true, "ns_source": true, "ns_campaign": true, "ns_linkname": true,
	"ns_fee": true,
}

// trackingPrefixes cover families of tracking parameters.
var trackingPrefixes = []string{"utm_", "hsa_", "pk_", "mtm_", "oly_", "vero_", "__hs"}

// CanonicalURL returns the form of an article URL used to recognise it:
// scheme and host lower-cased, default port, fragment and tracking
// parameters dropped, remaining parameters sorted. Only http(s) URLs are
// canonical; anything else yields "".
func CanonicalURL(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return ""
	}
	u.Scheme = strings.ToLower(u.Scheme)
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	host := strings.ToLower(u.Hostname())
	port := u.Port()
	if (u.Scheme == "http" && port == "80") || (u.Scheme == "https" && port == "443") {
		port = ""
	}
	u.Host = host
	if port != "" {
		u.Host = host + ":" + port
	}
	u.User = nil
	u.Fragment, u.RawFragment = "", ""
	if u.Path == "" {
		u.Path = "/"
	}
	q := u.Query()
	for k := range q {
		if isTracking(k) {
			q.Del(k)
		}
	}
	// Encode sorts by key.
	u.RawQuery = q.Encode()
	u.ForceQuery = false
	return u.String()
}

func isTracking(param string) bool {
	p := strings.ToLower(param)
	if trackingParams[p] {
		return true
	}
	for _, pre := range trackingPrefixes {
		if strings.HasPrefix(p, pre) {
			return true
		}
	}
	return false
}

// domain returns a URL's host without "www.", or "".
func domain(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")
}
