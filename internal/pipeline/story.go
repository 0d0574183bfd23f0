package pipeline

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"sync"

	"github.com/parallax-news/parallax/internal/cluster"
	"github.com/parallax-news/parallax/internal/compare"
	"github.com/parallax-news/parallax/internal/model"
	"github.com/parallax-news/parallax/internal/source"
	"github.com/parallax-news/parallax/internal/store"
	"github.com/parallax-news/parallax/internal/text"
)

// Story returns a story with its articles, the comparison of their coverage
// and the reasons each article is in it. The comparison is cached in the
// store under the story's version and recomputed when the story changed.
func (p *Pipeline) Story(ctx context.Context, id int64) (*model.Story, error) {
	sum, err := p.st.Story(ctx, id)
	if err != nil {
		return nil, err // the store's error names the story
	}
	version, err := p.st.StoryVersion(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("story %d: %w", id, err)
	}
	arts, err := p.st.Articles(ctx, store.ArticleQuery{Story: id})
	if err != nil {
		return nil, fmt.Errorf("story %d: articles: %w", id, err)
	}
	decisions, err := p.st.Decisions(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("story %d: decisions: %w", id, err)
	}

	s, err := p.comparison(ctx, id, version)
	if err != nil {
		return nil, err
	}
	s.ID, s.Title, s.Explanations = id, sum.Title, decisions
	s.Articles = arts
	return s, nil
}

// cachedComparison is a comparison as the store caches it, with the
// program that computed it: a comparison by another build (an upgrade that
// reads quotes or facts better) is computed again, not shown as it was
// when the story last changed.
type cachedComparison struct {
	Program string       `json:"program"`
	Story   *model.Story `json:"story"`
}

// comparingProgram names this build for the comparison cache ("0" when it
// cannot be told, and then every build shares the cache as before).
var comparingProgram = sync.OnceValue(func() string { return strconv.FormatUint(programHash(), 16) })

// comparison returns the comparison of a story's articles at version: from
// the cache, or computed once however many ask at the same time, and cached
// even when the asker has given up waiting, so the next one finds it.
func (p *Pipeline) comparison(ctx context.Context, id, version int64) (*model.Story, error) {
	cached, err := p.st.Comparison(ctx, id, version)
	switch {
	case err == nil:
		var c cachedComparison
		if json.Unmarshal(cached, &c) == nil && c.Program == comparingProgram() && c.Story != nil {
			return c.Story, nil
		} // another build's, or an older version's: recompute
	case !errors.Is(err, store.ErrNotFound):
		return nil, fmt.Errorf("story %d: comparison cache: %w", id, err)
	}
	key := fmt.Sprintf("%d@%d", id, version)
	ch := p.comparing.DoChan(key, func() (any, error) {
		bg := context.WithoutCancel(ctx)
		// Only a comparison to compute needs the texts; a cached one is
		// served without reading them.
		arts, err := p.st.Articles(bg, store.ArticleQuery{Story: id, WithText: true})
		if err != nil {
			return nil, fmt.Errorf("story %d: articles: %w", id, err)
		}
		docs := make([]*text.Doc, len(arts))
		for i := range arts {
			docs[i] = text.Analyze(arts[i].Title, arts[i].Text)
		}
		s, err := compare.Compare(bg, arts, docs, compare.Options{})
		if err != nil {
			return nil, fmt.Errorf("story %d: compare: %w", id, err)
		}
		if data, err := json.Marshal(cachedComparison{Program: comparingProgram(), Story: s}); err == nil {
			if err := p.st.PutComparison(bg, id, version, data); err != nil {
				p.log.Warn("comparison cache not written", "story", id, "err", err)
			}
		}
		return s, nil
	})
	select {
	case r := <-ch:
		if r.Err != nil {
			return nil, r.Err
		}
		// Each caller gets its own copy: the caller fills in its fields.
		s := *r.Val.(*model.Story)
		return &s, nil
	case <-ctx.Done():
		return nil, fmt.Errorf("story %d: %w", id, ctx.Err())
	}
}

// Merge folds story from into story into, as a person asked; later
// assignments respect it.
func (p *Pipeline) Merge(ctx context.Context, from, into int64, reason string) (model.Correction, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	var c model.Correction
	current, err := p.correct(ctx, func() (err error) {
		c, err = p.st.MergeStories(ctx, from, into, reason)
		return err
	})
	if err != nil {
		return c, err // the store's error names both stories
	}
	return c, p.applied(ctx, current, []model.Correction{c}, nil)
}

// Move puts an article into story to, or a new story when to is 0, as a
// person asked; later assignments respect it.
func (p *Pipeline) Move(ctx context.Context, article, to int64, reason string) (model.Correction, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	// The article's vectors leave its story's centroid: read before
	// anything changes, so a failure changes nothing.
	f, err := p.features(ctx, article)
	if err != nil {
		return model.Correction{}, fmt.Errorf("move article %d: %w", article, err)
	}
	var c model.Correction
	current, err := p.correct(ctx, func() (err error) {
		c, err = p.st.MoveArticle(ctx, article, to, reason)
		return err
	})
	if err != nil {
		return c, err // the store's error names the article and the story
	}
	return c, p.applied(ctx, current, []model.Correction{c}, map[int64]*cluster.Features{article: f})
}

// Split moves articles of story together into a new story, as a person
// asked; later assignments keep them apart from the story they left.
func (p *Pipeline) Split(ctx context.Context, story int64, articles []int64, reason string) ([]model.Correction, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	// The copies the store moves along have no features: they add no
	// words to a story.
	feats := make(map[int64]*cluster.Features, len(articles))
	for _, a := range articles {
		f, err := p.features(ctx, a)
		if err != nil {
			return nil, fmt.Errorf("split story %d: %w", story, err) // it names the article
		}
		feats[a] = f
	}
	var cs []model.Correction
	current, err := p.correct(ctx, func() (err error) {
		cs, err = p.st.SplitStory(ctx, story, articles, reason)
		return err
	})
	if err != nil {
		return nil, err // the store's error names the story
	}
	return cs, p.applied(ctx, current, cs, feats)
}

// applied makes in the index the corrections the store has made, with the
// features of the articles they move. When the index is not current
// (another process wrote since it was made), it follows the writes since,
// these corrections among them; when it cannot, or refuses a correction
// (it has not seen an article another process stored, say), it is rebuilt
// from the store, which is the truth: the correction is made either way.
func (p *Pipeline) applied(ctx context.Context, current bool, cs []model.Correction, feats map[int64]*cluster.Features) error {
	if p.cl == nil {
		return nil // not built yet: it will replay the corrections from the store
	}
	if !current {
		// The correction is among the writes followed.
		if p.followOthers(ctx) {
			return nil
		}
		p.log.Info("another process wrote to the store: the story index is rebuilt to take it in")
		return p.rebuiltFor(ctx, cs[0])
	}
	for _, c := range cs {
		// The store marks every article a correction moves as changed, and
		// the next start that reads the index file follows each of them.
		moved := 1
		if c.Kind == "merge" {
			moved = p.cl.StorySize(c.Story)
		}
		if err := p.cl.Apply(c, feats[c.Article]); err != nil {
			p.log.Warn("the index refused a stored correction; rebuilding it from the store", "correction", c.ID, "err", err)
			return p.rebuiltFor(ctx, c)
		}
		p.writes.addSinceFile(moved)
	}
	return nil
}

// rebuiltFor rebuilds the index after correction c was stored.
func (p *Pipeline) rebuiltFor(ctx context.Context, c model.Correction) error {
	if err := p.loadIndex(ctx); err != nil {
		return fmt.Errorf("correction %d is stored, but the index could not be rebuilt: %w", c.ID, err)
	}
	return nil
}

// features reads an article's stored clusterer features: nil when none
// were stored (a copy, an empty article).
func (p *Pipeline) features(ctx context.Context, article int64) (*cluster.Features, error) {
	data, err := p.st.Features(ctx, article)
	if err != nil || data == nil {
		return nil, err
	}
	f := new(cluster.Features)
	if err := f.UnmarshalBinary(data); err != nil {
		return nil, fmt.Errorf("features: %w", err)
	}
	return f, nil
}

// IngestURL fetches one URL (a page or a feed) and ingests what it holds,
// returning the result of its first article.
func (p *Pipeline) IngestURL(ctx context.Context, url string) (Result, error) {
	var first *Result
	var errs []error
	p.Ingest(ctx, []string{url}, func(r Result) {
		if first == nil {
			first = &r
		}
		if r.Err != nil {
			errs = append(errs, r.Err)
		}
	})
	if first == nil {
		return Result{Input: url, Status: StatusFailed}, fmt.Errorf("%s: %w", url, source.ErrEmpty)
	}
	return *first, errors.Join(errs...)
}
