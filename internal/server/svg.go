package server

import (
	"fmt"
	"slices"
	"time"

	"github.com/parallax-news/parallax/internal/model"
)

// The pictures are laid out here and drawn by the templates as inline SVG:
// coordinates are numbers and labels go through html/template's escaping,
// so no article text is ever written into markup by hand. No chart library
// draws to SVG without a front-end build, and these two are a few lines.

// timeline is a small chart of when each outlet published: a row per
// outlet, a dot per article, time running left to right.
type timeline struct {
	Width, Height int
	// PlotX is where the lanes start, right of the outlet labels.
	PlotX    int
	Rows     []timelineRow
	From, To string // the span's ends, as labels
	// More counts the outlets left out of a small chart.
	More int
}

type timelineRow struct {
	Outlet string
	Label  string // the outlet's name, shortened to fit
	Y      int
	TextY  int
	Dots   []timelineDot
}

type timelineDot struct {
	X     int
	Label string // outlet, headline and time, for the dot's <title>
}

const timelineRowHeight = 16

// newTimeline lays out articles' publication times over width pixels,
// labelW of them for the outlets' names, at most maxRows outlets (the rest
// are counted, not drawn). Undated articles have no place on it.
func newTimeline(articles []model.Article, width, labelW, maxRows int) timeline {
	var outlets []string
	byOutlet := map[string][]model.Article{}
	var first, last time.Time
	for _, a := range articles {
		if a.Published == nil {
			continue
		}
		if _, ok := byOutlet[a.Outlet]; !ok {
			outlets = append(outlets, a.Outlet)
		}
		byOutlet[a.Outlet] = append(byOutlet[a.Outlet], a)
		if first.IsZero() || a.Published.Before(first) {
			first = *a.Published
		}
		if a.Published.After(last) {
			last = *a.Published
		}
	}
	tl := timeline{Width: width, PlotX: labelW}
	if len(outlets) == 0 {
		return tl
	}
	tl.From, tl.To = formatDate(first), formatDate(last)
	const pad = 6
	span := last.Sub(first)
	x := func(t time.Time) int {
		plot := width - labelW - 2*pad
		if span <= 0 {
			return labelW + pad + plot/2
		}
		return labelW + pad + int(float64(plot)*float64(t.Sub(first))/float64(span))
	}
	for i, o := range outlets {
		if i == maxRows {
			tl.More = len(outlets) - maxRows
			break
		}
		y := i*timelineRowHeight + timelineRowHeight/2
		row := timelineRow{Outlet: o, Label: shorten(labelW/7, o), Y: y, TextY: y + 4}
		for _, a := range byOutlet[o] {
			row.Dots = append(row.Dots, timelineDot{
				X:     x(*a.Published),
				Label: fmt.Sprintf("%s: %s (%s)", a.Outlet, a.Title, formatDate(a.Published)),
			})
		}
		tl.Rows = append(tl.Rows, row)
	}
	tl.Height = len(tl.Rows) * timelineRowHeight
	return tl
}

// lineage is the picture of who reported first-hand and who re-reported:
// cited sources on the left, the story's outlets in the middle, the outlets
// that only carried a copy on the right, with arrows along the reporting.
type lineage struct {
	Width, Height int
	Nodes         []lineageNode
	Edges         []lineageEdge
}

type lineageNode struct {
	X, Y, W, H   int
	TextX, TextY int
	Label        string
	Class        string // original, source, outlet, copy: styled by the CSS
}

type lineageEdge struct {
	Path  string
	Class string
}

const (
	nodeW, nodeH, nodeGap = 230, 30, 12
	colGap                = 60
)

// newLineage lays out the picture from the story's citations, its lineage
// summary and its copies. It returns nil when there is nothing to draw.
func newLineage(st *model.Story) *lineage {
	var outlets, carriers []string
	byID := map[int64]model.Article{}
	for _, a := range st.Articles {
		byID[a.ID] = a
	}
	type link struct{ from, to string }
	var copies []link
	for _, a := range st.Articles {
		if a.CopyOf != nil {
			if orig, ok := byID[*a.CopyOf]; ok {
				copies = append(copies, link{orig.Outlet, a.Outlet})
				if !slices.Contains(carriers, a.Outlet) {
					carriers = append(carriers, a.Outlet)
				}
				continue
			}
		}
		if !slices.Contains(outlets, a.Outlet) {
			outlets = append(outlets, a.Outlet)
		}
	}
	var sources []string
	original := ""
	if st.Lineage != nil && st.Lineage.Original != "" {
		original = st.Lineage.Original
		sources = append(sources, original)
	}
	for _, c := range st.Citations {
		if !slices.Contains(sources, c.Source) && !slices.Contains(outlets, c.Source) {
			sources = append(sources, c.Source)
		}
	}
	if len(sources) == 0 && len(copies) == 0 {
		return nil
	}
	l := &lineage{}
	pos := map[string]lineageNode{} // column-qualified name -> node
	column := func(col int, names []string, class func(string) string) {
		for i, n := range names {
			node := lineageNode{
				X: col * (nodeW + colGap), Y: i * (nodeH + nodeGap), W: nodeW, H: nodeH,
				Label: shorten(30, n), Class: class(n),
			}
			node.TextX, node.TextY = node.X+10, node.Y+nodeH/2+5
			l.Nodes = append(l.Nodes, node)
			pos[fmt.Sprint(col, n)] = node
			l.Height = max(l.Height, node.Y+nodeH)
			l.Width = max(l.Width, node.X+nodeW)
		}
	}
	srcCol := 0
	outCol := 0
	if len(sources) > 0 {
		outCol = 1
		column(srcCol, sources, func(n string) string {
			if n == original {
				return "original"
			}
			return "source"
		})
	}
	column(outCol, outlets, func(string) string { return "outlet" })
	column(outCol+1, carriers, func(string) string { return "copy" })
	arrow := func(from, to lineageNode, class string) {
		x1, y1 := from.X+from.W, from.Y+from.H/2
		x2, y2 := to.X-4, to.Y+to.H/2
		mid := (x1 + x2) / 2
		l.Edges = append(l.Edges, lineageEdge{
			Path:  fmt.Sprintf("M%d,%d C%d,%d %d,%d %d,%d", x1, y1, mid, y1, mid, y2, x2, y2),
			Class: class,
		})
	}
	for _, c := range st.Citations {
		from, ok := pos[fmt.Sprint(srcCol, c.Source)]
		if !ok {
			continue
		}
		for _, o := range c.Outlets {
			if to, ok := pos[fmt.Sprint(outCol, o)]; ok {
				arrow(from, to, from.Class)
			}
		}
	}
	for _, c := range copies {
		from, ok1 := pos[fmt.Sprint(outCol, c.from)]
		to, ok2 := pos[fmt.Sprint(outCol+1, c.to)]
		if ok1 && ok2 {
			arrow(from, to, "copy")
		}
	}
	// Room for the viewBox's margin, which keeps strokes from being cut.
	l.Width += 8
	l.Height += 8
	return l
}
