package main

import (
	"cmp"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/parallax-news/parallax/internal/cluster"
	"github.com/parallax-news/parallax/internal/eval"
	"github.com/parallax-news/parallax/internal/extract"
	"github.com/parallax-news/parallax/internal/model"
	"github.com/parallax-news/parallax/internal/pipeline"
	"github.com/parallax-news/parallax/internal/source"
	"github.com/parallax-news/parallax/internal/store/sqlite"
)

const evalUsage = "parallax eval cluster FILE.jsonl... [flags] | parallax eval extract DIR [flags]; --help after either lists its flags"

func runEval(ctx context.Context, app *App, args []string) error {
	if app.helpAsked(args, evalUsage) {
		return flag.ErrHelp
	}
	if len(args) > 0 {
		switch args[0] {
		case "cluster":
			return runEvalCluster(ctx, app, args[1:])
		case "extract":
			return runEvalExtract(ctx, app, args[1:])
		}
	}
	return fmt.Errorf("%w: %s", errUsage, evalUsage)
}

// clusterReport is what `eval cluster --json` prints.
type clusterReport struct {
	File string `json:"file"`
	eval.ClusterScores
	Articles int `json:"articles"`
	Copies   int `json:"copies"`
	Failed   int `json:"failed"`
	// Errors, with --errors: the split gold stories and the mixed stories,
	// each article named and, outside its spread's biggest part, with the
	// decision that put it there.
	Errors *eval.Disagreement[strayArticle] `json:"errors,omitempty"`
	// Orders, with --orders N: B-cubed F1 over N arrival orders in which
	// the records of one date are shuffled.
	Orders *eval.OrderSpread `json:"orders,omitempty"`
	// Ceiling, with --ceiling: the whole file clustered at once by average
	// link over the clusterer's pair scores, cut at several thresholds.
	Ceiling []eval.CeilingPoint `json:"ceiling,omitempty"`
	// Neighbours, with --ceiling, is how many closest articles made an
	// article's neighbourhood for the shared-neighbour scores.
	Neighbours int `json:"ceiling_neighbours,omitempty"`
	// Baseline, with --baseline: the reference clusterer's scores on the
	// same file (see eval.Baseline).
	Baseline *eval.ClusterScores `json:"baseline,omitempty"`
	// Files, for several files clustered as one stream: each file's
	// articles scored on their own within it; AcrossFiles counts the
	// stories holding articles of more than one file.
	Files       []fileScores `json:"files,omitempty"`
	AcrossFiles *int         `json:"stories_across_files,omitempty"`
}

// fileScores is one file's share of a stream of several.
type fileScores struct {
	File string `json:"file"`
	eval.ClusterScores
}

// labeledFiles is the records of the files given, in one list, file after
// file: span[f] is where file f's records start and end.
type labeledFiles struct {
	files   []string
	records []eval.Labeled
	span    [][2]int
}

// readLabeledFiles reads the files given. With more than one, each record's
// id and gold label gain its file's name in front, so that two files'
// labels never meet.
func readLabeledFiles(files []string) (labeledFiles, error) {
	in := labeledFiles{files: files}
	for _, file := range files {
		recs, err := eval.ReadLabeled(file)
		if err != nil {
			return in, err
		}
		if len(files) > 1 {
			prefix := filepath.Base(file) + ":"
			for i := range recs {
				recs[i].ID, recs[i].Story = prefix+recs[i].ID, prefix+recs[i].Story
			}
		}
		in.span = append(in.span, [2]int{len(in.records), len(in.records) + len(recs)})
		in.records = append(in.records, recs...)
	}
	return in, nil
}

// fileOf returns the file record i was read from.
func (in labeledFiles) fileOf(i int) int {
	f, _ := slices.BinarySearchFunc(in.span, i, func(sp [2]int, i int) int { return cmp.Compare(sp[1], i+1) })
	return f
}

// prepare extracts the clusterer's features of every record, file by file.
func (in labeledFiles) prepare(ctx context.Context) ([]*cluster.Features, error) {
	var feats []*cluster.Features
	for f, file := range in.files {
		fs, err := eval.Prepare(ctx, file, in.records[in.span[f][0]:in.span[f][1]])
		if err != nil {
			return nil, err
		}
		feats = append(feats, fs...)
	}
	return feats, nil
}

type strayArticle struct {
	// ID is the record's id in the file; Article the stored article's id, 0
	// when the record failed.
	ID       string          `json:"id"`
	Article  int64           `json:"article,omitempty"`
	Title    string          `json:"title"`
	Decision *model.Decision `json:"decision,omitempty"`
}

// runEvalCluster clusters a labeled JSONL file in publication order through
// the whole pipeline, in a fresh temporary store, and scores the stories
// found against the gold labels.
func runEvalCluster(ctx context.Context, app *App, args []string) error {
	fs := flag.NewFlagSet("eval cluster", flag.ContinueOnError)
	withErrors := fs.Bool("errors", false, "list the gold stories split and the stories mixed, with the decisions behind them")
	orders := fs.Int("orders", 0, "also score `N` arrival orders with the records of one date shuffled (an undated file's all), without a store")
	ceiling := fs.Bool("ceiling", false, "also cluster the whole file at once, by average link over every pair, to measure the similarity apart from the stream")
	neighbours := fs.Int("neighbours", eval.CeilingNeighbours, "with --ceiling, how many of its closest articles make an article's neighbourhood")
	baseline := fs.Bool("baseline", false, "also score the reference: a plain TF-IDF single-pass clusterer (cosine to story centroids, one threshold)")
	rest, err := app.parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) == 0 || *orders < 0 || *neighbours < 1 {
		return fmt.Errorf("%w: parallax eval cluster FILE.jsonl... [--errors] [--orders N] [--ceiling [--neighbours K]] [--baseline] [--json]", errUsage)
	}
	in, err := readLabeledFiles(rest)
	if err != nil {
		return err
	}
	labeled := in.records
	order := eval.PublicationOrder(labeled)
	items := make([]source.Item, len(order))
	for i, idx := range order {
		items[i] = labeled[idx].Item(in.files[in.fileOf(idx)])
	}

	dir, err := os.MkdirTemp("", "parallax-eval-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	st, err := sqlite.Open(ctx, filepath.Join(dir, "eval.db"), app.Log)
	if err != nil {
		return err
	}
	defer st.Close()
	p, err := pipeline.New(st, pipeline.Options{}, app.Log)
	if err != nil {
		return err
	}
	report := clusterReport{File: strings.Join(in.files, ", "), Articles: len(items)}
	articleOf := make([]int64, 0, len(items)) // by position in items; 0 when it failed
	p.IngestItems(ctx, items, func(r pipeline.Result) {
		if r.Err != nil {
			report.Failed++
		}
		articleOf = append(articleOf, r.Article)
	})
	if err := ctx.Err(); err != nil {
		return err
	}
	// Stories are read back once everything is in: stories merged by later
	// articles count as one.
	arts, err := st.Articles(ctx, storeAll)
	if err != nil {
		return err
	}
	storyOf := make(map[int64]int64, len(arts))
	titleOf := make(map[int64]string, len(arts))
	for _, a := range arts {
		titleOf[a.ID] = a.Title
		if a.Story != nil {
			storyOf[a.ID] = *a.Story
		}
		if a.CopyOf != nil {
			report.Copies++
		}
	}
	goldLabels := make([]string, len(items))
	predicted := make([]string, len(items))
	for i, idx := range order {
		goldLabels[i] = labeled[idx].Story
		predicted[i] = "story " + strconv.FormatInt(storyOf[articleOf[i]], 10)
		if articleOf[i] == 0 {
			predicted[i] = "failed " + items[i].Input // an article that failed is a story of its own
		}
	}
	report.ClusterScores = eval.Score(goldLabels, predicted)
	if len(in.files) > 1 {
		report.Files, report.AcrossFiles = in.scoreEach(order, goldLabels, predicted)
	}
	if *withErrors {
		records := make([]eval.Labeled, len(order))
		for i, idx := range order {
			records[i] = labeled[idx]
		}
		if report.Errors, err = explainErrors(ctx, st, eval.Disagreements(goldLabels, predicted), records, articleOf, storyOf, titleOf); err != nil {
			return err
		}
	}
	if *orders > 0 || *ceiling || *baseline {
		feats, err := in.prepare(ctx)
		if err != nil {
			return err
		}
		if *orders > 0 {
			spread := eval.ScoreOrders(labeled, feats, cluster.DefaultConfig(), *orders)
			report.Orders = &spread
		}
		if *ceiling {
			report.Ceiling = eval.Ceiling(labeled, feats, cluster.DefaultConfig(), eval.CeilingThresholds, *neighbours)
			report.Neighbours = *neighbours
		}
		if *baseline {
			b := eval.Baseline(labeled, feats, eval.BaselineThreshold)
			report.Baseline = &b
		}
	}
	if app.JSON {
		return app.writeJSON(report)
	}
	s := report.ClusterScores
	fmt.Fprintf(app.Stdout, "%s: %d articles, %d gold stories, %d stories found, %d copies, %d failed\n",
		report.File, report.Articles, s.GoldStories, s.Stories, report.Copies, report.Failed)
	fmt.Fprintf(app.Stdout, "B-cubed   P %.4f  R %.4f  F1 %.4f\n", s.B3P, s.B3R, s.B3F1)
	fmt.Fprintf(app.Stdout, "pairwise  P %.4f  R %.4f  F1 %.4f\n", s.PairP, s.PairR, s.PairF1)
	fmt.Fprintf(app.Stdout, "ARI       %.4f\n", s.ARI)
	if report.AcrossFiles != nil {
		fmt.Fprintf(app.Stdout, "As one stream, %d stories hold articles of more than one file; each file's articles on their own:\n", *report.AcrossFiles)
		for _, f := range report.Files {
			fmt.Fprintf(app.Stdout, "  %s: %d articles, %d gold stories in %d stories, B-cubed P %.4f  R %.4f  F1 %.4f\n",
				f.File, f.Articles, f.GoldStories, f.Stories, f.B3P, f.B3R, f.B3F1)
		}
	}
	if o := report.Orders; o != nil {
		fmt.Fprintf(app.Stdout, "B-cubed F1 over %d arrival orders (records of one date shuffled): median %.4f, min %.4f, max %.4f\n",
			o.Orders, o.Median, o.Min, o.Max)
	}
	if b := report.Baseline; b != nil {
		fmt.Fprintf(app.Stdout, "reference (plain TF-IDF, single pass, cosine to centroids at least %.2f): %d stories, B-cubed P %.4f  R %.4f  F1 %.4f\n",
			eval.BaselineThreshold, b.Stories, b.B3P, b.B3R, b.B3F1)
	}
	if len(report.Ceiling) > 0 {
		fmt.Fprintln(app.Stdout, "The whole file at once (average link over every pair of articles, no stream);")
		fmt.Fprintf(app.Stdout, "then counting the neighbours two articles share (each one's %d closest):\n", report.Neighbours)
		fmt.Fprintln(app.Stdout, "  link at least  stories  B-cubed P  B-cubed R  B-cubed F1  |  stories  B-cubed F1")
		for _, c := range report.Ceiling {
			fmt.Fprintf(app.Stdout, "  %13.3f  %7d  %9.4f  %9.4f  %10.4f  |  %7d  %10.4f\n",
				c.Threshold, c.Stories, c.B3P, c.B3R, c.B3F1, c.Shared.Stories, c.Shared.B3F1)
		}
	}
	if report.Errors != nil {
		printSpreads(app, "Gold stories split across stories", "stories", report.Errors.Split)
		printSpreads(app, "Stories holding more than one gold story", "gold stories", report.Errors.Mixed)
	}
	return nil
}

// scoreEach scores each file's records on their own within a stream of
// several (the labels are by position in order), and counts the stories
// found holding records of more than one file.
func (in labeledFiles) scoreEach(order []int, gold, predicted []string) ([]fileScores, *int) {
	byFile := make([]struct{ gold, predicted []string }, len(in.files))
	filesOf := map[string]map[int]bool{} // predicted story: the files of its records
	for i, idx := range order {
		f := in.fileOf(idx)
		byFile[f].gold = append(byFile[f].gold, gold[i])
		byFile[f].predicted = append(byFile[f].predicted, predicted[i])
		if filesOf[predicted[i]] == nil {
			filesOf[predicted[i]] = map[int]bool{}
		}
		filesOf[predicted[i]][f] = true
	}
	out := make([]fileScores, len(in.files))
	for f, file := range in.files {
		out[f] = fileScores{File: file, ClusterScores: eval.Score(byFile[f].gold, byFile[f].predicted)}
	}
	across := 0
	for _, fs := range filesOf {
		if len(fs) > 1 {
			across++
		}
	}
	return out, &across
}

// explainErrors names the articles of d (records, articleOf and the labels
// are by position in the order clustered), by the headline extraction
// found (titleOf, by article) or else the record's, and finds the decision
// of each stray one.
func explainErrors(ctx context.Context, st *sqlite.Store, d eval.Disagreement[int], records []eval.Labeled,
	articleOf []int64, storyOf map[int64]int64, titleOf map[int64]string) (*eval.Disagreement[strayArticle], error) {
	decisions := map[int64]*model.Decision{} // by article
	read := map[int64]bool{}                 // stories whose decisions are in
	decisionOf := func(article int64) (*model.Decision, error) {
		story := storyOf[article]
		if article == 0 || story == 0 || read[story] {
			return decisions[article], nil
		}
		read[story] = true
		ds, err := st.Decisions(ctx, story)
		if err != nil {
			return nil, err
		}
		for i := range ds {
			switch k := ds[i].Kind; {
			case k == model.DecisionMerge || k == model.DecisionManual:
			case storyOf[ds[i].Article] != story: // regrouping took it out
			default:
				decisions[ds[i].Article] = &ds[i]
			}
		}
		return decisions[article], nil
	}
	named, err := eval.Convert(d, func(i int, stray bool) (strayArticle, error) {
		a := strayArticle{ID: records[i].ID, Article: articleOf[i], Title: cmp.Or(titleOf[articleOf[i]], headlineOf(records[i]))}
		if stray {
			dec, err := decisionOf(articleOf[i])
			if err != nil {
				return a, err
			}
			a.Decision = dec
		}
		return a, nil
	})
	return &named, err
}

// headlineOf is a record's title, or else its first line: the name of a
// record that failed.
func headlineOf(r eval.Labeled) string {
	if r.Title != "" {
		return r.Title
	}
	line, _, _ := strings.Cut(strings.TrimSpace(r.Text), "\n")
	return line
}

// printSpreads prints spreads, the articles outside each one's biggest part
// with their decisions.
func printSpreads(app *App, heading, parts string, spreads []eval.Spread[strayArticle]) {
	stray := 0
	for _, sp := range spreads {
		stray += sp.Stray()
	}
	fmt.Fprintf(app.Stdout, "\n%s: %d, %d articles outside their biggest part\n", heading, len(spreads), stray)
	for _, sp := range spreads {
		var sizes []string
		n := 0
		for _, p := range sp.Parts {
			sizes = append(sizes, fmt.Sprintf("%s (%d)", p.Label, len(p.Articles)))
			n += len(p.Articles)
		}
		fmt.Fprintf(app.Stdout, "  %s: %d articles in %d %s: %s\n", sp.Label, n, len(sp.Parts), parts, strings.Join(sizes, ", "))
		for _, p := range sp.Parts[1:] {
			for _, a := range p.Articles {
				fmt.Fprintf(app.Stdout, "    %s  %s  %s\n", p.Label, a.ID, truncate(a.Title, 80))
				if a.Decision != nil {
					fmt.Fprintf(app.Stdout, "      %s: %s\n", a.Decision.Kind, a.Decision.Reason)
				}
			}
		}
	}
}

// runEvalExtract scores Parallax's extraction on a directory in the form of
// the article-extraction benchmark; --bare scores bare go-trafilatura, the
// reference, the same way.
func runEvalExtract(ctx context.Context, app *App, args []string) error {
	fs := flag.NewFlagSet("eval extract", flag.ContinueOnError)
	bare := fs.Bool("bare", false, "score bare go-trafilatura instead of Parallax")
	perPage := fs.Bool("pages", false, "with --json, keep the per-page figures")
	rest, err := app.parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return fmt.Errorf("%w: parallax eval extract DIR [--bare] [--json]", errUsage)
	}
	fn := eval.ParallaxExtractor(extract.Options{})
	if *bare {
		fn = eval.TrafilaturaExtractor
	}
	res, err := eval.Extract(ctx, rest[0], fn)
	if err != nil {
		return err
	}
	if app.JSON {
		if !*perPage {
			res.PerPage = nil
		}
		return app.writeJSON(res)
	}
	fmt.Fprintln(app.Stdout, res)
	return nil
}
