// Package store declares what Parallax keeps and how it is asked for. The
// SQLite implementation lives in store/sqlite; SQL stays in those packages.
package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/parallax-news/parallax/internal/model"
)

// ErrNotFound is returned when an article, story or feed does not exist.
var ErrNotFound = errors.New("not found")

// ErrDuplicate is returned when an article with the same canonical URL or
// content hash (or a feed with the same URL) is already stored. The error is
// a *DuplicateError naming the stored id.
var ErrDuplicate = errors.New("already stored")

// ErrNewerSchema is returned by Open when the database was written by a newer
// Parallax whose schema this one does not know.
var ErrNewerSchema = errors.New("database schema is newer than this program")

// ErrBadSort is returned for a StoryQuery.Sort the store does not know.
var ErrBadSort = errors.New("unknown sort")

// ErrLongQuery is returned for a search of more than MaxQueryWords words.
var ErrLongQuery = errors.New("too many words")

// MaxQueryWords bounds the distinct words of a search. Each is a term the
// full-text index looks up and every snippet marks: a query of 3,000 words
// kept a server busy for two minutes, and no reader types 33.
const MaxQueryWords = 32

// ErrSameStory is returned for a merge of a story into itself.
var ErrSameStory = errors.New("same story")

// ErrChanged is returned by SaveBatchAt when another writer changed the
// store's articles or stories since the count of writes the caller gave:
// what the caller decided may not hold any more, and nothing is written.
var ErrChanged = errors.New("the store was changed by another writer")

// ErrBadSplit is returned for a split that names no article, an article
// twice or outside the story, or every article of the story.
var ErrBadSplit = errors.New("bad split")

// DuplicateError says which stored row a new one duplicates, so a caller can
// report "already known" without a second, racy look-up.
type DuplicateError struct {
	ID int64
	// Field is what matched: "url", "content_hash" (articles) or "feed_url".
	Field string
}

func (e *DuplicateError) Error() string {
	return fmt.Sprintf("%v: same %s as %d", ErrDuplicate, e.Field, e.ID)
}

// Unwrap makes errors.Is(err, ErrDuplicate) hold.
func (e *DuplicateError) Unwrap() error { return ErrDuplicate }

// MergedError is the error for a story merged into another, or left empty
// by moves and so retired into the story its last article went to: its
// articles, and the links people saved to it, belong to story Into now. It
// is also ErrNotFound, for callers with nowhere to send a reader. Its
// message says "part of", which is true of both.
type MergedError struct {
	Story, Into int64
}

func (e *MergedError) Error() string {
	return fmt.Sprintf("story %d is part of story %d now", e.Story, e.Into)
}

// Unwrap makes errors.Is(err, ErrNotFound) hold.
func (e *MergedError) Unwrap() error { return ErrNotFound }

// Search snippets mark the matched terms with these bytes, which never occur
// in clean text, so a page can escape the snippet and then highlight.
const (
	HighlightStart = "\x02"
	HighlightEnd   = "\x03"
)

// Record is everything one ingested article writes, stored in one
// transaction: the article, its raw input, the features the clusterer needs
// to rebuild its index without re-analysis, the decision that placed it, and
// any story merges that decision caused.
type Record struct {
	Article  *model.Article // Story and CopyOf already decided
	Raw      model.Raw
	Features []byte // opaque to the store; owned by the cluster package
	Decision model.Decision
	// StoryTitle names a story the article creates (Decision.Kind new/empty).
	StoryTitle string
	// Merges lists stories folded into another by this article's arrival.
	Merges []Merge
	// Regroups lists what regrouping changed after this article's
	// arrival, in order, made after its merges.
	Regroups []Regroup
	// Entities are the canonical names of the entities the article
	// mentions; they feed StoryQuery.Entity.
	Entities []string
}

// Merge folds story From into story Into.
type Merge struct {
	From, Into int64
	Decision   model.Decision
}

// Regroup is one change of a regrouping: Article moves to Story (created,
// titled after it, when new) or, when Article is 0, story From is merged
// into Story.
type Regroup struct {
	Article, From, Story int64
	Decision             model.Decision
}

// ArticleQuery filters article listings. Zero values mean no filter.
type ArticleQuery struct {
	Story int64
	// Stories asks for the articles of several stories in one query (a
	// listing's timelines): an article of any of them, or of Story, matches.
	Stories []int64
	// IDs keeps only these articles: the ones a listing names, read in one
	// query.
	IDs      []int64
	Outlet   string
	Since    time.Time
	Until    time.Time
	Language string
	WithText bool // fill Text and Removed (export)
	Limit    int
	Offset   int
	AfterID  int64 // keyset paging: only ids greater than this
}

// StoryQuery filters story listings. Zero values mean no filter.
type StoryQuery struct {
	// IDs keeps only these stories: a search's stories, read in one query.
	IDs      []int64
	Outlet   string
	Entity   string // an entity name the story's articles mention
	Since    time.Time
	Until    time.Time
	Language string
	// Sort: "newest" (last published, default), "biggest" (most articles), "updated".
	Sort   string
	Limit  int
	Offset int
}

// SearchHit is one full-text search result.
type SearchHit struct {
	Article model.Article `json:"article"`
	Snippet string        `json:"snippet"`
	Rank    float64       `json:"rank"`
}

// OutletCount is one outlet with the number of articles stored from it.
type OutletCount struct {
	Name     string `json:"name"`
	Articles int64  `json:"articles"`
}

// ClusterRow is one stored article as the clusterer needs it to rebuild.
type ClusterRow struct {
	Article   int64
	Story     int64
	CopyOf    int64
	Published *time.Time
	Features  []byte
	// Changed is the count of writes that stored the article or last moved
	// it to another story (ChangedRows only).
	Changed int64
}

// Generation tells one database from another and counts the changes to its
// articles and stories. A story index kept in a file between runs (see
// pipeline.Options.IndexFile) holds the generation it was saved at, and
// only a store still at that generation may use it.
type Generation struct {
	// Store is drawn at random when the database is made: another database
	// made later at the same path does not pass for this one.
	Store int64
	// Writes counts the transactions that stored articles or changed
	// stories (Save, SaveBatch, MergeStories, MoveArticle, SplitStory).
	Writes int64
}

// Store is what the pipeline, the commands and the server need of storage.
type Store interface {
	Close() error

	// Known returns the id of a stored article with the same canonical URL
	// (when url is not empty) or the same content hash, or ErrNotFound.
	Known(ctx context.Context, url, contentHash string) (int64, error)
	// KnownMany is Known for many articles in one look-up: ids[i] is the
	// stored article with urls[i] (when not empty) or hashes[i], 0 when none.
	KnownMany(ctx context.Context, urls, hashes []string) ([]int64, error)
	// StoriesOf returns the story of each of many articles in one look-up:
	// stories[i] is articles[i]'s, 0 when it has none or is not stored.
	StoriesOf(ctx context.Context, articles []int64) ([]int64, error)
	// Save writes one record in one transaction and returns the article's
	// new id. Stories named by the record that do not exist yet are created.
	// An article stored already (same canonical URL or content hash) is a
	// *DuplicateError (ErrDuplicate) naming it, and nothing is written.
	Save(ctx context.Context, rec *Record) (int64, error)
	// SaveBatch writes several records in one transaction (for throughput)
	// and returns their ids in order. If any record fails, nothing of the
	// batch is written and the error names the record.
	SaveBatch(ctx context.Context, recs []*Record) ([]int64, error)
	// SaveBatchAt is SaveBatch made only while the store's count of writes
	// (Generation.Writes) is still at, whatever it is when at < 0; else
	// nothing is written and the error matches ErrChanged. It returns the
	// count with this write: at+1 when at held.
	SaveBatchAt(ctx context.Context, at int64, recs []*Record) (ids []int64, writes int64, err error)
	// NextStoryID reserves a fresh story id for the clusterer.
	NextStoryID(ctx context.Context) (int64, error)
	// ReserveIDs reserves runs of fresh article and story ids, returning the
	// first of each; a record whose Article.ID is set is saved under it.
	ReserveIDs(ctx context.Context, articles, stories int) (firstArticle, firstStory int64, err error)

	Article(ctx context.Context, id int64) (*model.Article, error)
	Articles(ctx context.Context, q ArticleQuery) ([]model.Article, error)
	Raw(ctx context.Context, articleID int64) (model.Raw, error)
	CountArticles(ctx context.Context) (int64, error)
	// Outlets lists every outlet articles came from (the empty name for
	// articles of unknown outlet), most articles first, from counts kept on
	// write: its cost does not grow with the articles stored.
	Outlets(ctx context.Context) ([]OutletCount, error)

	Story(ctx context.Context, id int64) (*model.StorySummary, error)
	Stories(ctx context.Context, q StoryQuery) ([]model.StorySummary, error)
	CountStories(ctx context.Context) (int64, error)
	// StoryVersion changes whenever the story's articles change; the
	// comparison cache is keyed on it.
	StoryVersion(ctx context.Context, id int64) (int64, error)
	Decisions(ctx context.Context, story int64) ([]model.Decision, error)

	// ClusterRows calls fn for every stored article in id order. A row's
	// Features may be reused once fn returns: fn copies what it keeps.
	ClusterRows(ctx context.Context, fn func(ClusterRow) error) error
	// ChangedRows is ClusterRows for the articles stored, or moved to
	// another story, by the writes after the count since (Generation.Writes),
	// in the order of those writes.
	ChangedRows(ctx context.Context, since int64, fn func(ClusterRow) error) error
	// Generation returns the store's generation (see Generation).
	Generation(ctx context.Context) (Generation, error)
	// MergedStories maps every story merged away to the live story it
	// went into.
	MergedStories(ctx context.Context) (map[int64]int64, error)
	// Features returns the clusterer's features of one article (nil when
	// none were stored), or ErrNotFound.
	Features(ctx context.Context, article int64) ([]byte, error)

	// MergeStories moves every article of from into into, records the
	// correction and returns it. Unknown stories are ErrNotFound, from ==
	// into is ErrSameStory; either changes nothing.
	MergeStories(ctx context.Context, from, into int64, reason string) (model.Correction, error)
	// MoveArticle moves an article to story to (0: a new story) and returns
	// the correction with the target story. An unknown article or story is
	// ErrNotFound and changes nothing.
	MoveArticle(ctx context.Context, article, to int64, reason string) (model.Correction, error)
	// SplitStory moves articles of story, with the copies of them it
	// holds, together into a new story, and returns a correction of kind
	// split per article moved. An unknown story or article is ErrNotFound;
	// a split that names no article, one twice or one outside the story,
	// or would leave the story empty, is ErrBadSplit; either changes
	// nothing.
	SplitStory(ctx context.Context, story int64, articles []int64, reason string) ([]model.Correction, error)
	Corrections(ctx context.Context) ([]model.Correction, error)
	// CorrectionsSince lists the corrections made by the writes after the
	// count since, in the order they were made.
	CorrectionsSince(ctx context.Context, since int64) ([]model.Correction, error)

	// Comparison returns the cached comparison of a story at version, or ErrNotFound.
	Comparison(ctx context.Context, story, version int64) ([]byte, error)
	PutComparison(ctx context.Context, story, version int64, data []byte) error

	Search(ctx context.Context, query string, q ArticleQuery) ([]SearchHit, error)

	AddFeed(ctx context.Context, f model.Feed) (model.Feed, error)
	Feeds(ctx context.Context) ([]model.Feed, error)
	UpdateFeed(ctx context.Context, f model.Feed) error
	RemoveFeed(ctx context.Context, id int64) error
}
