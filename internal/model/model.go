// Package model holds the types every stage of Parallax shares: articles,
// stories and the comparison of a story's coverage. It imports nothing of
// ours, so any package may depend on it. JSON field names are part of the
// command-line and API contract: add fields freely, never rename.
package model

import "time"

// Article is one piece of coverage after extraction, cleaning and description.
type Article struct {
	ID         int64      `json:"id"`
	ExternalID string     `json:"external_id"`
	Outlet     string     `json:"outlet"`
	Title      string     `json:"title"`
	URL        string     `json:"url"`
	Published  *time.Time `json:"published"`
	Language   string     `json:"language"`
	Story      *int64     `json:"story"`
	CopyOf     *int64     `json:"copy_of"`

	// Text is the clean body: paragraphs separated by "\n\n".
	Text string `json:"text,omitempty"`
	// Removed lists what cleaning took out, in order of appearance.
	Removed []Removal `json:"removed,omitempty"`

	// Source names the input the article came from (a path, path:line, URL).
	Source string `json:"source,omitempty"`
	// Format is the input kind: text, html, jsonl, feed.
	Format string `json:"format,omitempty"`
	// ContentHash is the hex SHA-256 of the normalised clean text; equal
	// hashes mean the same article whatever its URL.
	ContentHash string    `json:"content_hash,omitempty"`
	Ingested    time.Time `json:"ingested,omitzero"`
}

// Removal is one piece of boilerplate cleaning took out of an article.
type Removal struct {
	// Kind is one of the Removal* constants.
	Kind string `json:"kind"`
	Text string `json:"text"`
}

// Kinds of boilerplate removed by cleaning.
const (
	RemovalPromo       = "promo"        // inline all-capitals promo headline
	RemovalCopyright   = "copyright"    // "Copyright 2023," and the like
	RemovalShare       = "share"        // share, subscribe, follow, advertisement lines
	RemovalPhotoCredit = "photo_credit" // "(Photo: ...)", "Getty Images"
	RemovalDateLine    = "date_line"    // "• 11/25/2024" bullet date lines
	RemovalTrailingURL = "trailing_url" // a bare URL ending the text
	RemovalDateline    = "dateline"     // a stripped dateline such as "( — "
	RemovalOutletLine  = "outlet_line"  // an outlet name standing alone, e.g. "Fox News"
	RemovalTitle       = "title"        // the headline repeated as the first line of the body
	RemovalSummary     = "summary"      // the page's summary (meta description) repeated atop the body
	RemovalURL         = "url"          // a bare URL standing alone before the body
)

// Raw is an input exactly as it was read, kept so an article can be
// re-processed when the algorithms improve.
type Raw struct {
	ContentType string `json:"content_type"`
	Bytes       []byte `json:"-"`
}

// StorySummary is one line of `parallax stories --json`.
type StorySummary struct {
	ID             int64      `json:"id"`
	Title          string     `json:"title"`
	Articles       int        `json:"articles"`
	Outlets        []string   `json:"outlets"`
	FirstPublished *time.Time `json:"first_published"`
	LastPublished  *time.Time `json:"last_published"`
	Updated        time.Time  `json:"updated,omitzero"`
}

// Story is the whole of `parallax story ID --json`.
type Story struct {
	ID            int64         `json:"id"`
	Title         string        `json:"title"`
	Articles      []Article     `json:"articles"`
	Facts         []Fact        `json:"facts"`
	Quotes        []Quote       `json:"quotes"`
	Citations     []Citation    `json:"citations"`
	Entities      []Entity      `json:"entities"`
	Discrepancies []Discrepancy `json:"discrepancies"`
	Explanations  []Decision    `json:"explanations"`
	Lineage       *Lineage      `json:"lineage,omitempty"`
	// Note says plainly when there is nothing to compare (one article, one outlet).
	Note string `json:"note,omitempty"`
}

// Kinds of fact.
const (
	FactCommon  = "common"  // carried by every outlet of the story
	FactPartial = "partial" // by more than one outlet, not all
	FactUnique  = "unique"  // by one outlet
)

// Fact is a sentence or clause aligned across the story's articles.
type Fact struct {
	Text     string     `json:"text"`
	Outlets  []string   `json:"outlets"`
	Kind     string     `json:"kind"`
	Evidence []Evidence `json:"evidence,omitempty"`
	// Independent counts the articles that carry the fact in writing of
	// their own: copies count for their outlet, not here.
	Independent int `json:"independent,omitempty"`
}

// Evidence is the sentence of one article that supports a fact or quote.
type Evidence struct {
	Article  int64  `json:"article"`
	Outlet   string `json:"outlet"`
	Sentence string `json:"sentence"`
}

// Quote is something a person or body said, with the outlets that carry it.
type Quote struct {
	Speaker  string     `json:"speaker"`
	Text     string     `json:"text"`
	Cue      string     `json:"cue,omitempty"`
	Direct   bool       `json:"direct"`
	Outlets  []string   `json:"outlets"`
	Evidence []Evidence `json:"evidence,omitempty"`
}

// Citation is a source an outlet credits for its reporting.
type Citation struct {
	Source   string     `json:"source"`
	Outlets  []string   `json:"outlets"`
	Cues     []string   `json:"cues,omitempty"`
	Evidence []Evidence `json:"evidence,omitempty"`
}

// Kinds of entity.
const (
	EntityPerson = "person"
	EntityOrg    = "organization"
	EntityPlace  = "place"
)

// Entity is a named person, organisation or place of a story.
type Entity struct {
	Name     string   `json:"name"`
	Kind     string   `json:"kind"`
	Variants []string `json:"variants"`
	Outlets  []string `json:"outlets"`
	Mentions int      `json:"mentions,omitempty"`
}

// Discrepancy is a point where outlets, or an article and itself, disagree.
type Discrepancy struct {
	// Kind: number, date, name, or publication_date.
	Kind        string     `json:"kind"`
	Description string     `json:"description"`
	Outlets     []string   `json:"outlets"`
	Evidence    []Evidence `json:"evidence,omitempty"`
}

// Lineage is who did the original reporting a story leans on, and who only
// re-reported it.
type Lineage struct {
	// Original is the source most outlets credit (e.g. "NBC News"), or "".
	Original string `json:"original"`
	// Rereporting lists the outlets that credit the original rather than
	// report first-hand.
	Rereporting []string `json:"rereporting"`
	// Independent counts the sources with reporting of their own.
	Independent int `json:"independent_sources"`
}

// Kinds of clustering decision.
const (
	DecisionCopy     = "copy"     // a near-duplicate of an earlier article
	DecisionJoin     = "join"     // joined the best-matching story
	DecisionNew      = "new"      // nothing close enough: a new story
	DecisionMerge    = "merge"    // two stories became close and merged
	DecisionRegroup  = "regroup"  // moved on regrouping: a split, or a better story
	DecisionManual   = "manual"   // a person moved the article or merged stories
	DecisionEmpty    = "empty"    // too little text to cluster on: a story of its own
	DecisionRestored = "restored" // reloaded from the store, no new decision
)

// Decision records why an article is where it is.
type Decision struct {
	Article int64   `json:"article"`
	Story   int64   `json:"story"`
	Kind    string  `json:"kind"`
	Score   float64 `json:"score"`
	// Compared is the story (or, for a copy, the article) the score is against.
	Compared int64     `json:"compared,omitempty"`
	Entities []string  `json:"shared_entities,omitempty"`
	Terms    []string  `json:"shared_terms,omitempty"`
	Reason   string    `json:"reason"`
	At       time.Time `json:"at,omitzero"`
}

// Correction is a person's change to the clustering, kept so every later
// assignment respects it.
type Correction struct {
	ID int64 `json:"id"`
	// Kind: merge (Story into Target), move (Article to Target), split
	// (Article out of Story into the new story Target, one per article).
	Kind    string    `json:"kind"`
	Article int64     `json:"article,omitempty"`
	Story   int64     `json:"story,omitempty"`
	Target  int64     `json:"target"`
	Reason  string    `json:"reason"`
	At      time.Time `json:"at"`
}

// Feed is a feed Parallax follows.
type Feed struct {
	ID           int64      `json:"id"`
	URL          string     `json:"url"`
	Title        string     `json:"title"`
	Outlet       string     `json:"outlet"`
	ETag         string     `json:"etag,omitempty"`
	LastModified string     `json:"last_modified,omitempty"`
	LastPolled   *time.Time `json:"last_polled"`
	LastError    string     `json:"last_error,omitempty"`
	Failures     int        `json:"failures"`
	NextPoll     *time.Time `json:"next_poll"`
}
