package exec

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/flowc-dev/flowc/runtime/datastore"
	"github.com/flowc-dev/flowc/runtime/sched"
)

// The step cache (//flow:cache). A task of a cached step is not run when an
// earlier task of the same step ran with the same key and succeeded: its
// result (attempt, artifact index, done marker) is copied into this run by
// reference, as a resume clones a task, and recorded as cached from it. No
// process starts.
//
// The key hashes what the task's result can depend on, as far as flowc can
// see it:
//   - the runner's build key (runtime/build): every Go source of the
//     module, go.mod and go.sum (so every dependency), flowc's version, the
//     Go toolchain and the build tags. Not the step's method alone: a step
//     calls helpers, other packages and dependencies, and Go offers no
//     sound, cheap way to know what code a method reaches (interfaces,
//     function values, package variables), so a per-method hash would
//     reuse results computed by code that has since changed. Any edit to
//     the module therefore makes every cached step run again: correct
//     first, and a build key is what flowc already computes.
//   - the run's parameters and configs: the artifact index (name and blob
//     hash) of its _parameters task;
//   - the task's inputs: for each input task, in order, its step, id and
//     artifact index (for a join, every branch or foreach task);
//   - the flow, the step, the task id and its foreach frames (the element
//     a foreach task gets is its index into the parent's list).
//
// What flowc cannot see is the user's promise in writing //flow:cache: the
// step does not depend on the run id, the time, the network, files or
// environment variables other than its directives'.

// cacheKeyDoc is what a cache key hashes, as canonical JSON.
type cacheKeyDoc struct {
	Schema string            `json:"schema"`
	Flow   string            `json:"flow"`
	Step   string            `json:"step"`
	Task   string            `json:"task"`
	Stack  []sched.Frame     `json:"stack"`
	Code   string            `json:"code"`
	Params map[string]string `json:"params"`
	Inputs []cacheKeyInput   `json:"inputs"`
}

type cacheKeyInput struct {
	Task      string            `json:"task"` // Step/ID
	Artifacts map[string]string `json:"artifacts"`
}

// stepCache is the executor's cache state.
type stepCache struct {
	paramsOnce sync.Once
	params     map[string]string
	paramsErr  error
}

// cached reports whether tasks of step use the cache in this run.
func (e *executor) cached(step string) bool {
	st := e.plan.Step(step)
	return st != nil && st.Decorators.Cache != nil
}

// artifactHashes reads the artifact index of a finished task of this run,
// as name to blob hash.
func (e *executor) artifactHashes(ctx context.Context, p datastore.TaskPath) (map[string]string, error) {
	d, err := e.store.ReadDone(ctx, p)
	if err != nil {
		return nil, err
	}
	arts, err := e.store.ReadArtifacts(ctx, p, d.Attempt)
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(arts))
	for name, a := range arts {
		out[name] = a.SHA
	}
	return out, nil
}

// cacheKey returns the key of task t (see above).
func (e *executor) cacheKey(ctx context.Context, t *sched.Task) (string, error) {
	c := &e.cache
	c.paramsOnce.Do(func() {
		p := datastore.TaskPath{Flow: e.plan.Name, Run: e.runID, Step: datastore.ParamsStep, Task: datastore.ParamsTask}
		c.params, c.paramsErr = e.artifactHashes(ctx, p)
	})
	if c.paramsErr != nil {
		return "", fmt.Errorf("step cache: the run's parameters: %w", c.paramsErr)
	}
	doc := cacheKeyDoc{Schema: "flowc.cachekey/v1", Flow: e.plan.Name, Step: t.Step, Task: t.ID, Stack: t.Stack,
		Code: e.runnerKey, Params: c.params, Inputs: []cacheKeyInput{}}
	for _, in := range t.Inputs {
		arts, err := e.artifactHashes(ctx, datastore.TaskPath{Flow: e.plan.Name, Run: e.runID, Step: in.Step, Task: in.ID})
		if err != nil {
			return "", fmt.Errorf("step cache: input %s: %w", in, err)
		}
		doc.Inputs = append(doc.Inputs, cacheKeyInput{Task: in.String(), Artifacts: arts})
	}
	data, err := json.Marshal(doc)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:]), nil
}

// fromCache copies into this run the task the cache has for key, and
// returns its attempt; nil when there is none, or when the task it names
// is gone or lost a blob (then t runs).
func (e *executor) fromCache(ctx context.Context, t *sched.Task, key string) (*datastore.Attempt, error) {
	ent, err := e.store.ReadCacheEntry(ctx, e.plan.Name, t.Step, key)
	if errors.Is(err, datastore.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	from, err := datastore.ParseTaskPath(ent.Task)
	if err != nil || from.Flow != e.plan.Name || from.Step != t.Step {
		return nil, nil // not an entry this flowc wrote: ignore it
	}
	var inputs []string
	for _, in := range t.Inputs {
		inputs = append(inputs, datastore.TaskPath{Flow: e.plan.Name, Run: e.runID, Step: in.Step, Task: in.ID}.String())
	}
	return e.copyTask(ctx, from, e.path(t), func(d datastore.Done, a *datastore.Attempt, arts map[string]datastore.Artifact) (bool, error) {
		if d.Status != datastore.AttemptOK {
			return false, nil
		}
		for _, art := range arts {
			if ok, err := e.store.HasBlob(ctx, art.SHA); err != nil || !ok {
				return false, err
			}
		}
		now := time.Now()
		a.Start, a.End, a.Cached, a.InputPaths, a.ExitCode = now, now, true, inputs, nil
		return true, nil
	})
}

// remember records task t, which just succeeded, as the cache's result for
// key. A failure to write it costs the next run a task, not this run: it
// is reported, not returned.
func (e *executor) remember(ctx context.Context, t *sched.Task, key string, a *datastore.Attempt) {
	if a.Status != datastore.AttemptOK {
		return // a caught failure is not a result to reuse
	}
	ent := datastore.CacheEntry{Task: e.pathspec(t), Time: time.Now()}
	if err := e.store.WriteCacheEntry(context.WithoutCancel(ctx), e.plan.Name, t.Step, key, ent); err != nil {
		e.out.printf("flowc: %s: step cache: %v", e.pathspec(t), err)
	}
}
