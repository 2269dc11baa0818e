package build

import (
	"os"
	"slices"
	"strings"

	"github.com/flowc-dev/flowc/ir"
)

// The build tags that strip from a runner what its run does not use
// (runtime/task's files say what each leaves out). Every runner links the
// same code paths otherwise; docs/PERFORMANCE.md has what each saves at a
// task's start.
const (
	// TagLocal leaves out the S3 datastore, the AWS SDK, the fallback TLS
	// roots and the cgo user lookup: the runner opens local roots only.
	TagLocal = "flowc_local"
	// TagNoCards leaves out card rendering (goldmark, html/template), for a
	// flow none of whose steps has //flow:card.
	TagNoCards = "flowc_nocards"
)

// RunnerTags lists every tag Tags may return.
var RunnerTags = []string{TagLocal, TagNoCards}

// Tags returns the build tags of f's runner built with opts: TagLocal when
// opts.LocalOnly, TagNoCards when no step of f has a card.
func Tags(f *ir.Flow, opts Options) []string {
	var tags []string
	if opts.LocalOnly {
		tags = append(tags, TagLocal)
	}
	cards := false
	for _, s := range f.Steps {
		cards = cards || len(s.Decorators.Cards) > 0
	}
	if !cards {
		tags = append(tags, TagNoCards)
	}
	return tags
}

// tagsFlag returns go build's -tags value: tags added to the ones GOFLAGS
// already sets (a -tags on the command line replaces GOFLAGS' own), or ""
// for none.
func tagsFlag(tags []string, env []string) string {
	if len(tags) == 0 {
		return ""
	}
	goflags := os.Getenv("GOFLAGS")
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "GOFLAGS="); ok {
			goflags = v
		}
	}
	all := slices.Clone(tags)
	for _, f := range strings.Fields(goflags) { // -flag=value settings
		if v, ok := strings.CutPrefix(strings.TrimLeft(f, "-"), "tags="); ok {
			for _, t := range strings.Split(v, ",") {
				if t = strings.TrimSpace(t); t != "" && !slices.Contains(all, t) {
					all = append(all, t)
				}
			}
		}
	}
	return strings.Join(all, ",")
}
