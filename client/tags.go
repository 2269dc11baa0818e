package client

import (
	"errors"
	"fmt"
	"slices"
	"unicode/utf8"
)

// Tag limits, as Metaflow's: a tag is non-empty UTF-8 of at most MaxTagLen
// bytes, and a run has at most MaxUserTags user tags.
const (
	MaxTagLen   = 500
	MaxUserTags = 50
)

// CheckTag returns an error unless tag may be a user tag.
func CheckTag(tag string) error {
	switch {
	case tag == "":
		return errors.New("tag is empty")
	case !utf8.ValidString(tag):
		return fmt.Errorf("tag %q is not valid UTF-8", tag)
	case len(tag) > MaxTagLen:
		return fmt.Errorf("tag %.20q... is %d bytes, over %d", tag, len(tag), MaxTagLen)
	}
	return nil
}

// AddTags adds user tags to the run, keeping those it has; adding a tag it
// has is a no-op.
func (r *Run) AddTags(tags ...string) error {
	for _, t := range tags {
		if err := CheckTag(t); err != nil {
			return fmt.Errorf("tag run %s: %w", r.Pathspec(), err)
		}
	}
	return r.mutateTags(func(have []string) ([]string, error) {
		for _, t := range tags {
			if !slices.Contains(have, t) {
				have = append(have, t)
			}
		}
		if len(have) > MaxUserTags {
			return nil, fmt.Errorf("tag run %s: %d user tags, over %d", r.Pathspec(), len(have), MaxUserTags)
		}
		return have, nil
	})
}

// RemoveTags removes user tags from the run; removing a tag it does not
// have is a no-op. System tags cannot be removed.
func (r *Run) RemoveTags(tags ...string) error {
	return r.mutateTags(func(have []string) ([]string, error) {
		for _, t := range tags {
			if !slices.Contains(have, t) && slices.Contains(r.doc.SystemTags, t) {
				return nil, fmt.Errorf("untag run %s: %s is a system tag; system tags cannot be removed", r.Pathspec(), t)
			}
		}
		return slices.DeleteFunc(have, func(t string) bool { return slices.Contains(tags, t) }), nil
	})
}

// mutateTags rewrites the run document's user tags with change, on a fresh
// read of the document. The store has no compare-and-swap, so it reads the
// document back and tries again, a few times, if another writer got in
// between (Metaflow's tag mutation is optimistic in the same way).
func (r *Run) mutateTags(change func(have []string) ([]string, error)) error {
	c := r.c
	for range 3 {
		doc, err := c.store.ReadRun(c.ctx, r.doc.Flow, r.doc.RunID)
		if err != nil {
			return fmt.Errorf("tags of run %s: %w", r.Pathspec(), err)
		}
		want, err := change(slices.Clone(doc.Tags))
		if err != nil {
			return err
		}
		if slices.Equal(want, doc.Tags) {
			r.doc = doc
			return nil
		}
		doc.Tags = want
		if err := c.store.WriteRun(c.ctx, doc); err != nil {
			return fmt.Errorf("tags of run %s: %w", r.Pathspec(), err)
		}
		back, err := c.store.ReadRun(c.ctx, r.doc.Flow, r.doc.RunID)
		if err != nil {
			return fmt.Errorf("tags of run %s: %w", r.Pathspec(), err)
		}
		if slices.Equal(back.Tags, want) {
			r.doc = back
			return nil
		}
	}
	return fmt.Errorf("tags of run %s: the run document keeps changing under us; try again", r.Pathspec())
}
