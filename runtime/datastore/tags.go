package datastore

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Tag limits, as Metaflow's: a tag is non-empty UTF-8 of at most MaxTagLen
// bytes, and a run has at most MaxUserTags user tags.
const (
	MaxTagLen   = 500
	MaxUserTags = 50
)

// SystemTagPrefixes are the prefixes of the system tags flowc gives a run
// (user:NAME, runtime:local, runtime:argo-workflows, ...). A user tag may
// not start with one: a namespace is a tag, so a user tag "user:root"
// would put a run in root's namespace, and a user tag
// "project_branch:prod" a test run on the production branch. The system
// tag "production" (a run on a project's production branch) is reserved
// too.
var SystemTagPrefixes = []string{"user:", "runtime:", "project:", "project_branch:", "production:"}

// CheckTag returns an error, naming the tag, unless tag may be a user tag:
// non-empty valid UTF-8 of at most MaxTagLen bytes, with no control or
// format character (a newline, a terminal escape, a bidirectional
// override: a tag is printed to terminals and pages as it is), not
// starting with a system tag's prefix.
func CheckTag(tag string) error {
	switch {
	case tag == "":
		return errors.New("tag is empty")
	case !utf8.ValidString(tag):
		return fmt.Errorf("tag %q is not valid UTF-8", tag)
	case len(tag) > MaxTagLen:
		return fmt.Errorf("tag %.20q... is %d bytes, over %d", tag, len(tag), MaxTagLen)
	}
	for _, r := range tag {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			return fmt.Errorf("tag %q holds the control character %U; tags are printable text", tag, r)
		}
	}
	if tag == "production" {
		return errors.New(`tag "production" is reserved: it is the system tag of a run on a project's production branch (flowc run --production)`)
	}
	for _, p := range SystemTagPrefixes {
		if strings.HasPrefix(tag, p) {
			return fmt.Errorf("tag %q starts with %q, which is reserved for system tags (%s...)", tag, p, strings.Join(SystemTagPrefixes, "..., "))
		}
	}
	return nil
}
