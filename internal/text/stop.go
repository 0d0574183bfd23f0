package text

// stopWords are English function words and the reporting verbs of news
// ("said", "told"), which say nothing about what a story is about. The
// list is ours: general-purpose lists lack the news verbs and include
// words such as "new" or "state" that matter in news.
var stopWords = func() map[string]struct{} {
	words := []string{
		"a", "about", "above", "according", "across", "after", "again", "against", "ago", "all",
		"almost", "along", "already", "also", "although", "always", "am", "among", "an", "and",
		"another", "any", "anyone", "anything", "are", "around", "as", "at", "be", "became",
		"because", "become", "been", "before", "behind", "being", "below", "between", "both",
		"but", "by", "can", "cannot", "could", "did", "do", "does", "doing", "done", "down",
		"during", "each", "either", "else", "enough", "even", "ever", "every", "few", "for",
		"from", "further", "get", "gets", "got", "had", "has", "have", "having", "he", "her",
		"here", "hers", "herself", "him", "himself", "his", "how", "however", "i", "if", "in",
		"including", "into", "is", "it", "its", "itself", "just", "least", "less", "like",
		"made", "make", "many", "may", "me", "might", "more", "most", "much", "must", "my",
		"myself", "neither", "never", "no", "nor", "not", "now", "of", "off", "often", "on",
		"once", "one", "only", "or", "other", "others", "our", "ours", "ourselves", "out",
		"over", "own", "per", "perhaps", "quite", "rather", "really", "said", "same", "say",
		"says", "see", "seen", "several", "shall", "she", "should", "since", "so", "some",
		"someone", "something", "still", "such", "than", "that", "the", "their", "theirs",
		"them", "themselves", "then", "there", "these", "they", "this", "those", "though",
		"through", "thus", "to", "told", "too", "toward", "towards", "under", "until", "up",
		"upon", "us", "very", "via", "was", "we", "well", "were", "what", "whatever", "when",
		"where", "whether", "which", "while", "who", "whom", "whose", "why", "will", "with",
		"within", "without", "would", "yet", "you", "your", "yours", "yourself",
		// contractions, with the apostrophe folded to "'"
		"can't", "couldn't", "didn't", "doesn't", "don't", "hadn't", "hasn't", "haven't",
		"he'd", "he'll", "i'd", "i'll", "i'm", "i've", "isn't", "it'll", "shouldn't", "that'll",
		"there'll", "they'd", "they'll", "they're", "they've", "wasn't", "we'd", "we'll",
		"we're", "we've", "weren't", "won't", "wouldn't", "you'd", "you'll", "you're", "you've",
	}
	m := make(map[string]struct{}, len(words))
	for _, w := range words {
		m[w] = struct{}{}
	}
	return m
}()

// isStop reports whether a normalised word is a stop word.
func isStop(norm string) bool {
	_, ok := stopWords[norm]
	return ok
}
