package datastore

import (
	"context"
	"time"
)

// CacheSchema is the schema of a step cache entry.
const CacheSchema = "flowc.cache/v1"

// CacheEntry is one entry of the step cache (//flow:cache): the task that
// ran with the inputs the entry's key hashes, and when it finished. The
// executor writes it after the task succeeded and reads it before running
// a task with the same key.
type CacheEntry struct {
	Schema string    `json:"schema"` // CacheSchema; set by WriteCacheEntry
	Task   string    `json:"task"`   // the pathspec of the task that ran
	Time   time.Time `json:"time"`
}

// cacheEntryKey is <Flow>/_cache/<step>/<key>.json: under the flow, beside
// its runs, in a folder no run id takes (a run is a folder with a
// _run.json, which ListRuns reads).
func cacheEntryKey(flow, step, key string) string {
	return flow + "/_cache/" + step + "/" + key + ".json"
}

// WriteCacheEntry records that the task e.Task is step's result for key (a
// hex hash).
func (s *Store) WriteCacheEntry(ctx context.Context, flow, step, key string, e CacheEntry) error {
	for kind, n := range map[string]string{"flow": flow, "step": step, "cache key": key} {
		if err := checkName(kind, n); err != nil {
			return err
		}
	}
	e.Schema = CacheSchema
	return s.writeDoc(ctx, cacheEntryKey(flow, step, key), e)
}

// ReadCacheEntry reads step's entry for key; an error matching ErrNotFound
// when there is none.
func (s *Store) ReadCacheEntry(ctx context.Context, flow, step, key string) (CacheEntry, error) {
	var e CacheEntry
	for kind, n := range map[string]string{"flow": flow, "step": step, "cache key": key} {
		if err := checkName(kind, n); err != nil {
			return e, err
		}
	}
	err := s.readDoc(ctx, cacheEntryKey(flow, step, key), CacheSchema, &e)
	return e, err
}
