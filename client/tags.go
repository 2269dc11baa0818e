package client

import (
	"fmt"
	"slices"

	"github.com/flowc-dev/flowc/runtime/datastore"
)

// Tag limits, as Metaflow's: a tag is non-empty UTF-8 of at most MaxTagLen
// bytes, and a run has at most MaxUserTags user tags.
const (
	MaxTagLen   = datastore.MaxTagLen
	MaxUserTags = datastore.MaxUserTags
)

// CheckTag returns an error, naming the tag, unless tag may be a user tag
// (datastore.CheckTag): printable UTF-8 of at most MaxTagLen bytes, not
// starting with a system tag's prefix (user:, runtime:).
func CheckTag(tag string) error { return datastore.CheckTag(tag) }

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

// mutateTags rewrites the run document's user tags with change, on a
// fresh read of the document, with Store.UpdateRun: concurrent writers
// (twenty `flowc tag add` at once) lose no tag where the backend can
// update without losing a write (the local datastore, S3).
func (r *Run) mutateTags(change func(have []string) ([]string, error)) error {
	c := r.c
	var doc datastore.Run
	var changeErr error
	err := c.store.UpdateRun(c.ctx, r.doc.Flow, r.doc.RunID, func(d *datastore.Run) error {
		want, err := change(slices.Clone(d.Tags))
		if err != nil {
			changeErr = err
			return err
		}
		d.Tags = want
		doc = *d
		return nil
	})
	if changeErr != nil {
		return changeErr
	}
	if err != nil {
		return fmt.Errorf("tags of run %s: %w", r.Pathspec(), err)
	}
	r.doc = doc
	return nil
}
