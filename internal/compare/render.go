package compare

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/parallax-news/parallax/internal/model"
)

// section is one part of a comparison as both renderings show it.
type section struct {
	title string
	rows  [][]string // table rows (markdown) or lines of fields (text)
	head  []string   // table header; nil for a list
}

// sections lays a story out in reading order: coverage, what all outlets
// say, what some say, what only one says, quotes, citations, entities,
// discrepancies, and why the articles are in the story.
func sections(st *model.Story) []section {
	var out []section
	cov := section{title: "Coverage", head: []string{"Outlet", "Title", "Published", "Note"}}
	ids := map[int64]string{}
	byID := map[int64]*model.Article{}
	for i, a := range st.Articles {
		ids[a.ID] = OutletName(&a, i)
		byID[a.ID] = &st.Articles[i]
	}
	for i, a := range st.Articles {
		pub := "unknown"
		if a.Published != nil {
			pub = a.Published.Format("2006-01-02")
		}
		note := ""
		if a.CopyOf != nil {
			note = fmt.Sprintf("copy of article %d (%s)", *a.CopyOf, ids[*a.CopyOf])
		}
		cov.rows = append(cov.rows, []string{OutletName(&a, i), a.Title, pub, note})
	}
	if len(cov.rows) > 0 {
		out = append(out, cov)
	}
	for _, k := range []struct{ kind, title string }{
		{model.FactCommon, "Common ground: what every outlet reports"},
		{model.FactPartial, "Reported by some outlets"},
	} {
		s := section{title: k.title}
		for _, f := range st.Facts {
			if f.Kind == k.kind {
				s.rows = append(s.rows, []string{f.Text, strings.Join(f.Outlets, ", ")})
			}
		}
		if len(s.rows) > 0 {
			out = append(out, s)
		}
	}
	var uniq []section
	for _, f := range st.Facts {
		if f.Kind != model.FactUnique {
			continue
		}
		title := "Only in " + f.Outlets[0]
		if len(uniq) == 0 || uniq[len(uniq)-1].title != title {
			uniq = append(uniq, section{title: title})
		}
		uniq[len(uniq)-1].rows = append(uniq[len(uniq)-1].rows, []string{f.Text})
	}
	out = append(out, uniq...)
	if len(st.Quotes) > 0 {
		s := section{title: "Quotes", head: []string{"Speaker", "Quote", "Cue", "Outlets"}}
		for _, q := range st.Quotes {
			sp := q.Speaker
			if sp == "" {
				sp = "(unattributed)"
			}
			if !q.Direct {
				sp += " (indirect)"
			}
			s.rows = append(s.rows, []string{sp, q.Text, q.Cue, strings.Join(q.Outlets, ", ")})
		}
		out = append(out, s)
	}
	if len(st.Citations) > 0 || st.Lineage != nil && st.Lineage.Original != "" {
		s := section{title: "Citations and lineage", head: []string{"Source", "Cited by", "How"}}
		for _, c := range st.Citations {
			s.rows = append(s.rows, []string{c.Source, strings.Join(c.Outlets, ", "), strings.Join(c.Cues, "; ")})
		}
		out = append(out, s)
	}
	if len(st.Entities) > 0 {
		s := section{title: "Entities", head: []string{"Name", "Kind", "Variants", "Outlets"}}
		for _, e := range st.Entities {
			s.rows = append(s.rows, []string{e.Name, e.Kind, strings.Join(e.Variants, " / "), strings.Join(e.Outlets, ", ")})
		}
		out = append(out, s)
	}
	if len(st.Discrepancies) > 0 {
		s := section{title: "Discrepancies"}
		for _, d := range st.Discrepancies {
			s.rows = append(s.rows, []string{d.Kind, d.Description})
		}
		out = append(out, s)
	}
	if len(st.Explanations) > 0 {
		s := section{title: "Why these articles are in this story", head: []string{"Article", "Decision", "Reason"}}
		for _, d := range st.Explanations {
			// A merge of two stories names no article.
			var art string
			if d.Article != 0 {
				art = fmt.Sprintf("article %d", d.Article)
			}
			if a, ok := byID[d.Article]; ok {
				if a.Outlet != "" {
					art += ", " + a.Outlet
				}
				art += ": " + a.Title
			}
			s.rows = append(s.rows, []string{art, d.Kind, d.Reason})
		}
		out = append(out, s)
	}
	return out
}

func lineageLine(l *model.Lineage) string {
	if l == nil {
		return ""
	}
	if l.Original == "" {
		return fmt.Sprintf("No single original: %d independent sources.", l.Independent)
	}
	return fmt.Sprintf("Original reporting: %s. Re-reported by: %s. Independent sources: %d.",
		l.Original, strings.Join(l.Rereporting, ", "), l.Independent)
}

func storyTitle(st *model.Story) string {
	if st.Title != "" {
		return st.Title
	}
	if st.ID != 0 {
		return fmt.Sprintf("Story %d", st.ID)
	}
	return "Story"
}

// WriteText writes a comparison for reading in a terminal.
func WriteText(w io.Writer, st *model.Story) error {
	b := bufio.NewWriter(w)
	title := plain(storyTitle(st))
	fmt.Fprintf(b, "%s\n%s\n", title, strings.Repeat("=", min(len([]rune(title)), 78)))
	if st.Note != "" {
		fmt.Fprintf(b, "\n%s\n", plain(st.Note))
	}
	for _, s := range sections(st) {
		fmt.Fprintf(b, "\n%s\n%s\n", s.title, strings.Repeat("-", len([]rune(s.title))))
		if s.title == "Citations and lineage" {
			fmt.Fprintf(b, "%s\n", lineageLine(st.Lineage))
		}
		for _, r := range s.rows {
			switch {
			case s.head != nil:
				var parts []string
				for i, c := range r {
					if c != "" {
						parts = append(parts, s.head[i]+": "+plain(c))
					}
				}
				fmt.Fprintf(b, "* %s\n", strings.Join(parts, "\n  "))
			case len(r) == 2:
				fmt.Fprintf(b, "* %s\n  [%s]\n", plain(r[0]), plain(r[1]))
			default:
				fmt.Fprintf(b, "* %s\n", plain(r[0]))
			}
		}
	}
	return b.Flush()
}

// WriteMarkdown writes a comparison as a Markdown report a journalist can
// paste into a document. Article text is escaped: it is untrusted and must
// not turn into links, HTML or broken tables.
func WriteMarkdown(w io.Writer, st *model.Story) error {
	b := bufio.NewWriter(w)
	fmt.Fprintf(b, "# %s\n", md(storyTitle(st)))
	if st.Note != "" {
		fmt.Fprintf(b, "\n*%s*\n", md(st.Note))
	}
	for _, s := range sections(st) {
		fmt.Fprintf(b, "\n## %s\n\n", md(s.title))
		if s.title == "Citations and lineage" {
			fmt.Fprintf(b, "%s\n\n", md(lineageLine(st.Lineage)))
		}
		if s.head != nil {
			fmt.Fprintf(b, "| %s |\n|%s\n", strings.Join(s.head, " | "), strings.Repeat(" --- |", len(s.head)))
			for _, r := range s.rows {
				cells := make([]string, len(r))
				for i, c := range r {
					cells[i] = md(c)
				}
				fmt.Fprintf(b, "| %s |\n", strings.Join(cells, " | "))
			}
			continue
		}
		for _, r := range s.rows {
			switch {
			case s.title == "Discrepancies":
				fmt.Fprintf(b, "- **%s**: %s\n", md(r[0]), md(r[1]))
			case len(r) == 2:
				fmt.Fprintf(b, "- %s *(%s)*\n", md(r[0]), md(r[1]))
			default:
				fmt.Fprintf(b, "- %s\n", md(r[0]))
			}
		}
	}
	return b.Flush()
}

// plain keeps one field on its lines: control characters out.
func plain(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\n' || r == '\r' || r == '\t' {
			return ' '
		}
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, s)
}

var mdEscaper = strings.NewReplacer(`\`, `\\`, "`", "\\`", `*`, `\*`, `_`, `\_`, `[`, `\[`, `]`, `\]`,
	`<`, `\<`, `>`, `\>`, `|`, `\|`, `#`, `\#`)

// md escapes text for a Markdown line or table cell.
func md(s string) string { return mdEscaper.Replace(plain(s)) }
