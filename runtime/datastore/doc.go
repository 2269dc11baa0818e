// Package datastore stores what flowc runs leave behind: artifact values as
// content-addressed blobs, and run, attempt, artifact-index and done
// documents, logs and the latest-run pointer as small objects under
// "/"-separated keys.
//
// The key layout (docs/datastore.md has it key by key, with the JSON
// schemas) is the same for every [Backend]: [Local] keeps objects as files
// under a root directory (by default [DefaultRoot] in the working directory);
// an object store such as S3 keeps them under the same keys. A [Store] adds
// the layout, blob hashing and compression, and typed documents on top of a
// Backend.
//
// Rules every backend keeps, because concurrent task processes rely on them:
//
//   - a write is atomic: a reader sees the whole old object, the whole new one
//     or nothing, never part of one;
//   - a missing key is an error that matches [ErrNotFound] with errors.Is;
//   - List returns keys in byte order and folds deeper keys into "common
//     prefixes" ending in "/", like an S3 listing with delimiter "/".
//
// Who writes what: a task process writes only its own task's keys and blobs;
// the scheduler writes the run document and latest_run. Blobs may be written
// by many processes at once: they are named by their content, so two writers
// of one blob write the same bytes. A task is finished exactly when its DONE
// document exists, and DONE is written last.
//
// Large blobs are not read but mapped where the backend is a [Mapper]
// ([Local] on Linux, macOS and the BSDs): the []byte or numeric slice
// [Store.GetArtifact] returns is then a private, copy-on-write mapping of the
// blob file, verified like a read, which the value's owner may modify
// without changing the blob, and which lasts as long as the process (see
// [Store.SetMapping] for processes that live long).
//
// This package knows keys, bytes and documents, not flows: it never imports
// the IR or the flow package, and it decides nothing about scheduling.
package datastore
