package main

import "github.com/parallax-news/parallax/internal/store"

// storeAll asks for every article, unfiltered.
var storeAll = store.ArticleQuery{}

// commands is the table of subcommands; each lives in a file of its own.
var commands = map[string]command{
	"ingest":   {"read articles from files, directories, URLs or - (stdin)", runIngest},
	"articles": {"list articles", runArticles},
	"article":  {"show one article; article move ID --to STORY|--new", runArticle},
	"export":   {"write every article as JSONL", runExport},
	"stories":  {"list stories", runStories},
	"search":   {"find articles by their words, and the stories they are in", runSearch},
	"story":    {"compare one story's coverage; story merge A B; story split STORY ARTICLE...", runStory},
	"eval":     {"eval cluster FILE.jsonl | eval extract DIR", runEval},
	"demo":     {"ingest the bundled demo corpus into a temporary store and show it", runDemo},
	"bench":    {"measure throughput, scale and load on generated articles: bench ingest|load|gen", runBench},
	"feeds":    {"follow feeds: feeds add|list|remove|import|export (OPML)", runFeeds},
	"serve":    {"serve web pages, the JSON API and Atom feeds; --demo for the demo corpus", runServe},
	"version":  {"print the version, the commit built and the Go version", runVersion},
}
