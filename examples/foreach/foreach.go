package foreach

import (
	"strings"

	"github.com/flowc-dev/flowc/flow"
)

// WordCount counts the words of several documents, one task each.
type WordCount struct {
	// Items are the documents: one Process task per element.
	Items []string
	// Summary is what one Process task found.
	Summary Summary
	// Summaries holds every task's Summary in the order of Items, and Total
	// the sum of their word counts. Join sets both.
	Summaries []Summary
	Total     int
}

// Summary describes one document.
type Summary struct {
	Index int    // the document's position in Items
	First string // its first word
	Words int    // how many words it has
}

// Start lists the documents and fans out over them.
func (f *WordCount) Start(c *flow.Context) flow.Next {
	f.Items = []string{
		"Metaflow makes it easy to build and manage real-life data science projects",
		"a flow is a directed graph of steps",
		"each foreach task sees one element of the list",
	}
	return flow.Foreach(f.Items, f.Process)
}

// Process counts the words of this task's document.
func (f *WordCount) Process(c *flow.Context) flow.Next {
	doc := flow.Input[string](c)
	words := strings.Fields(doc)
	f.Summary = Summary{Index: c.Index(), Words: len(words)}
	if len(words) > 0 {
		f.Summary.First = words[0]
	}
	return flow.Goto(f.Join)
}

// Join collects the summaries in order and adds them up.
func (f *WordCount) Join(c *flow.Context, in flow.Inputs[WordCount]) flow.Next {
	for _, task := range in.All() {
		f.Summaries = append(f.Summaries, task.Summary)
		f.Total += task.Summary.Words
	}
	return flow.Goto(f.End)
}

// End reports the totals.
func (f *WordCount) End(c *flow.Context) {
	c.Logger().Info("counted", "documents", len(f.Summaries), "words", f.Total)
}
