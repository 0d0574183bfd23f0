package eval

import (
	"cmp"
	"slices"
)

// Disagreement is where predicted stories and gold stories part: the gold
// stories found in more than one predicted story (split), and the predicted
// stories holding more than one gold story (mixed). It says which articles
// to look at, where the scores only say how many there are. Articles are T:
// indices into the labels from Disagreements, or what a caller makes of
// them with Convert.
type Disagreement[T any] struct {
	Split []Spread[T] `json:"split"`
	Mixed []Spread[T] `json:"mixed"`
}

// Spread is one story's articles grouped by the other side's label: a gold
// story's by predicted story, or a predicted story's by gold story. Parts
// are biggest first, so every part after the first is the error.
type Spread[T any] struct {
	Label string    `json:"label"`
	Parts []Part[T] `json:"parts"`
}

// Part is the articles of a spread that share one label of the other side,
// in order.
type Part[T any] struct {
	Label    string `json:"label"`
	Articles []T    `json:"articles"`
}

// Stray counts the articles outside a spread's biggest part.
func (s Spread[T]) Stray() int {
	n := 0
	for _, p := range s.Parts[1:] {
		n += len(p.Articles)
	}
	return n
}

// Disagreements compares predicted with gold labels article by article, as
// Score does. Spreads come with the most stray articles first; ties keep
// the order of the labels' first articles.
func Disagreements(gold, pred []string) Disagreement[int] {
	n := min(len(gold), len(pred))
	return Disagreement[int]{Split: spreads(gold[:n], pred[:n]), Mixed: spreads(pred[:n], gold[:n])}
}

// spreads groups the articles of each label of by by their label of other,
// keeping the labels that span more than one.
func spreads(by, other []string) []Spread[int] {
	index := map[string]int{} // label of by -> its spread
	var all []Spread[int]
	for i := range by {
		k, ok := index[by[i]]
		if !ok {
			k = len(all)
			index[by[i]] = k
			all = append(all, Spread[int]{Label: by[i]})
		}
		s := &all[k]
		j := slices.IndexFunc(s.Parts, func(p Part[int]) bool { return p.Label == other[i] })
		if j < 0 {
			j = len(s.Parts)
			s.Parts = append(s.Parts, Part[int]{Label: other[i]})
		}
		s.Parts[j].Articles = append(s.Parts[j].Articles, i)
	}
	out := all[:0]
	for _, s := range all {
		if len(s.Parts) < 2 {
			continue
		}
		// Stable: of equal parts, the one met first leads.
		slices.SortStableFunc(s.Parts, func(a, b Part[int]) int { return cmp.Compare(len(b.Articles), len(a.Articles)) })
		out = append(out, s)
	}
	slices.SortStableFunc(out, func(a, b Spread[int]) int { return cmp.Compare(b.Stray(), a.Stray()) })
	return out
}

// Convert maps every article of d through fn, told whether the article is
// stray (outside its spread's biggest part), stopping at fn's first error.
func Convert[T, U any](d Disagreement[T], fn func(a T, stray bool) (U, error)) (Disagreement[U], error) {
	conv := func(spreads []Spread[T]) ([]Spread[U], error) {
		out := make([]Spread[U], 0, len(spreads))
		for _, s := range spreads {
			su := Spread[U]{Label: s.Label, Parts: make([]Part[U], 0, len(s.Parts))}
			for k, p := range s.Parts {
				pu := Part[U]{Label: p.Label, Articles: make([]U, 0, len(p.Articles))}
				for _, a := range p.Articles {
					u, err := fn(a, k > 0)
					if err != nil {
						return nil, err
					}
					pu.Articles = append(pu.Articles, u)
				}
				su.Parts = append(su.Parts, pu)
			}
			out = append(out, su)
		}
		return out, nil
	}
	split, err := conv(d.Split)
	if err != nil {
		return Disagreement[U]{}, err
	}
	mixed, err := conv(d.Mixed)
	if err != nil {
		return Disagreement[U]{}, err
	}
	return Disagreement[U]{Split: split, Mixed: mixed}, nil
}
