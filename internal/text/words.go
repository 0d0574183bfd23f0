package text

// Word lists for finding entities. They are ours, written for English news.

// honorifics precede a person's name and are not part of it. Those that are
// also offices ("Sen.", "Gov.") are in roleCores too.
var honorifics = set("mr", "mrs", "ms", "miss", "dr", "sir", "dame", "lord", "prof", "rev", "insp", "supt", "det",
	"sen", "rep", "gov", "gen", "lt", "col", "maj", "capt", "adm", "sgt", "pres", "atty", "judge")

// roleCores are nouns for an office or occupation that can stand right
// before a name ("Foreign Minister Sergey Lavrov", "diplomat Richard
// Haass").
var roleCores = set(
	"president", "minister", "secretary", "senator", "sen", "representative", "rep",
	"congressman", "congresswoman", "governor", "gov", "mayor", "chancellor", "premier",
	"chairman", "chairwoman", "chair", "ceo", "director", "ambassador", "spokesman",
	"spokeswoman", "spokesperson", "judge", "justice", "general", "gen", "admiral", "adm",
	"colonel", "col", "lieutenant", "lt", "major", "maj", "captain", "capt", "sergeant", "sgt",
	"king", "queen", "prince", "princess", "pope", "leader", "speaker", "commissioner",
	"commander", "chief", "envoy", "attorney", "atty", "prosecutor", "sheriff", "officer",
	"diplomat", "expert", "official", "analyst", "adviser", "advisor", "aide", "lawmaker",
	"economist", "professor", "prof", "fellow", "founder", "executive", "negotiator",
	"strategist", "author", "journalist", "reporter", "correspondent", "editor", "host",
	"anchor", "activist", "researcher", "scientist", "historian", "lawyer", "coach",
	"candidate", "nominee", "emir", "sheikh", "ayatollah", "cardinal", "bishop", "archbishop",
	"rabbi", "imam", "pres", "deputy", "dean", "superintendent", "inspector", "detective",
	"pastor", "physician", "doctor", "nurse", "actor", "actress", "singer", "rapper",
	"player", "quarterback", "manager", "owner", "partner", "head", "trooper", "insp", "supt",
	"det", "councilman", "councilwoman", "councillor", "magistrate", "constable", "marshal",
	"undersheriff", "gm", "cfo", "cto", "coo",
)

// roleModifiers qualify a role ("Foreign Minister", "former defense
// intelligence officer") and belong to it only before a role core.
var roleModifiers = set(
	"former", "foreign", "defense", "defence", "prime", "vice", "deputy", "acting", "interim",
	"press", "state", "interior", "finance", "economy", "health", "energy", "trade", "home",
	"majority", "minority", "senior", "top", "chief", "executive", "general", "national",
	"security", "intelligence", "military", "senate", "house", "assistant", "associate",
	"special", "attorney", "supreme", "commander", "first", "crown", "opposition", "party",
	"union", "campaign", "white", "presidential", "education", "transport", "transportation",
	"agriculture", "labor", "treasury", "homeland", "environment", "justice", "police",
	"fire", "army", "navy", "air", "force", "marine", "ex", "outgoing", "incoming", "retired",
	"longtime", "veteran", "fellow",
)

// orgHeads end names of organisations.
var orgHeads = set(
	"council", "committee", "commission", "department", "ministry", "agency", "bureau",
	"institute", "institution", "foundation", "university", "college", "school", "academy",
	"bank", "fund", "party", "association", "union", "league", "federation", "organization",
	"organisation", "corporation", "corp", "inc", "ltd", "llc", "plc", "company", "co", "group",
	"holdings", "industries", "airlines", "airways", "motors", "systems", "technologies",
	"labs", "news", "times", "post", "journal", "press", "tribune", "herald", "gazette",
	"magazine", "network", "radio", "television", "tv", "court", "senate", "congress",
	"parliament", "assembly", "army", "navy", "guard", "police", "forces", "service",
	"services", "administration", "authority", "board", "center", "centre", "hospital",
	"church", "club", "society", "alliance", "coalition", "movement", "front", "brigade",
	"command", "reserve", "exchange", "initiative", "endowment", "trust", "watch", "office",
	"cabinet", "government", "regime", "caucus", "conference", "forum", "institutes",
	"relations", "affairs", "studies", "review", "daily", "weekly", "digital", "media",
	"legislature", "ministries", "agencies", "committees", "council's", "foods", "survey",
	"stores", "studios", "pharmaceuticals", "clinic",
)

// miscHeads mark names of laws, events, prizes and the like, which are
// none of our kinds.
var miscHeads = set(
	"amendment", "act", "bill", "constitution", "treaty", "accord", "accords", "prize",
	"award", "awards", "war", "day", "festival", "olympics", "games", "cup", "championship",
	"series", "bowl", "marathon", "summit", "convention", "covid", "coronavirus",
	"oscar", "oscars", "emmy", "emmys", "grammy", "grammys", "explorer", "windows",
	"plan", "index",
)

// placeHeads end names of places.
var placeHeads = set(
	"city", "county", "province", "republic", "kingdom", "island", "islands", "river", "lake",
	"sea", "ocean", "gulf", "bay", "mountain", "mountains", "mount", "valley", "desert",
	"street", "avenue", "road", "square", "park", "bridge", "airport", "station", "castle",
	"palace", "beach", "coast", "region", "district", "peninsula", "strait", "canal",
	"border", "state", "states", "territory", "oblast", "heights", "hills", "village",
	"town", "harbor", "harbour", "port", "springs", "gardens", "ridge", "peak", "glacier",
	"canyon", "creek", "mt", "ave", "blvd", "stadium", "arena", "cemetery", "hotel", "motel",
	"theater", "theatre", "mall", "courthouse", "pier",
	// streets and squares named in other languages, the head first
	"rue", "place", "plaza", "piazza", "calle", "avenida", "boulevard", "platz",
)

// notNames are capitalised words that are never names by themselves:
// weekdays and months (time expressions), and the words that most often
// start a sentence in news without being function words.
var notNames = set(
	"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
	"january", "february", "march", "april", "may", "june", "july", "august", "september",
	"october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug",
	"sep", "sept", "oct", "nov", "dec", "copyright", "photo", "image", "video", "watch",
	"read", "click", "share", "subscribe", "advertisement", "update", "updated", "editor's",
	"note", "ex", "mr", "mrs", "ms", "dr", "sir", "i", "oh", "yes", "okay", "ok", "hi",
	"meanwhile", "however", "instead", "still", "today", "yesterday", "tomorrow", "tonight",
	"earlier", "later", "last", "next", "asked", "speaking", "despite", "following",
	"officials", "sources", "experts", "police", "authorities", "critics", "analysts",
	"according", "former", "new", "several", "many", "some", "most", "both", "each",
	"first", "second", "third", "finally", "now", "then", "so", "thus", "also", "here",
	"there", "this", "that", "these", "those", "what", "when", "where", "who", "why",
	"how", "if", "while", "although", "though", "because", "since", "after", "before",
	"during", "amid", "among", "under", "over", "against", "without", "within",
	"breaking", "exclusive", "opinion", "analysis", "live", "related", "more", "full",
	"story", "report", "reports", "latest", "celsius", "fahrenheit", "richter",
	// holidays, time zones and the like
	"christmas", "easter", "thanksgiving", "halloween", "hanukkah", "ramadan", "eid",
	"internet", "web", "gmt", "utc", "edt", "est", "pdt", "pst", "cdt", "cst", "am", "pm",
	// religions' adjectives name no one
	"christian", "christians", "muslim", "muslims", "jewish", "jews", "catholic", "catholics",
	"evangelical", "evangelicals", "islamic", "protestant", "hindu", "buddhist",
	// nor do those of identity and the points of the compass
	"black", "latino", "latina", "latinx", "hispanic", "indigenous",
	"northern", "southern", "eastern", "western", "northeast", "northwest", "southeast", "southwest",
	// nor those of history, sport and the Greek letters that name variants
	// of a virus ("the Delta variant")
	"confederate", "soviet", "nazi", "nazis", "olympic", "olympian", "juneteenth", "fourth",
	"alpha", "beta", "gamma", "delta", "epsilon", "lambda", "omicron",
	"reps", "sens", "mp", "mps",
)

// locatives precede places ("in Prague").
// compass words open place names: "Upper East Side", "South Boston",
// "Western Cape", and so do the words of settlers' names: "Santa Monica",
// "Fort Lee", "Cape Coral". A name after placeBefore is a place ("in Bandar Abbas",
// "near Corpus Christi"); "at", "from" and "to" come before people and
// firms as often.
var (
	compass = set("north", "south", "east", "west", "northern", "southern", "eastern", "western", "upper", "lower", "central",
		"san", "santa", "los", "las", "cape", "fort", "port")
	placeBefore = set("in", "near", "outside", "across", "throughout")
)

var locatives = set("in", "at", "from", "near", "to", "across", "outside", "inside", "into", "toward", "towards", "around", "throughout")

// speechVerbs follow speakers ("Zelenskyy said").
var speechVerbs = set("said", "says", "told", "added", "asked", "wrote", "tweeted", "stated", "argued", "noted", "explained", "warned", "insisted", "claimed", "announced", "declared", "replied", "responded")

func set(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}
