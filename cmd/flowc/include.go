package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"

	"github.com/flowc-dev/flowc/ir"
	"github.com/flowc-dev/flowc/parser"
	"github.com/flowc-dev/flowc/runtime/datastore"
)

// includedFiles reads the file of each flow.IncludedFile parameter: the
// path given on the command line (params holds it as a JSON string), or
// the default, relative to the package directory. It replaces the path in
// params with the file's reference and returns the contents to store.
func includedFiles(f *ir.Flow, pkgDir string, params map[string]json.RawMessage) ([][]byte, error) {
	var out [][]byte
	for _, p := range f.Params {
		if p.Type != ir.File {
			continue
		}
		var path, name string
		if raw, ok := params[p.Field]; ok {
			if err := json.Unmarshal(raw, &path); err != nil {
				return nil, err
			}
			name = filepath.Base(path)
		} else if p.Default != nil {
			var ref ir.IncludedRef
			if err := json.Unmarshal(p.Default, &ref); err != nil {
				return nil, fmt.Errorf("parameter %s: default %s: %w", p.Name, p.Default, err)
			}
			path, name = filepath.Join(pkgDir, filepath.FromSlash(ref.Name)), ref.Name
		} else {
			continue
		}
		data, err := parser.ReadIncluded(path)
		if err != nil {
			return nil, usagef("--%s: %v", p.Name, err)
		}
		params[p.Field] = ir.IncludeRef(name, data).JSON()
		out = append(out, data)
	}
	return out, nil
}

// storeIncluded stores included files' contents as blobs of the datastore
// at root, where the runner loads them from.
func storeIncluded(ctx context.Context, root string, files [][]byte) error {
	if len(files) == 0 {
		return nil
	}
	st, err := datastore.Open(ctx, root)
	if err != nil {
		return err
	}
	for _, data := range files {
		if _, err := st.PutBlob(ctx, data); err != nil {
			return fmt.Errorf("store an included file: %w", err)
		}
	}
	return nil
}

// storeDefaults stores the default file of each flow.IncludedFile
// parameter in the datastore at root, for flowc deploy: a deployed run
// that is not given the parameter uses the file as it was at deploy time,
// which the plan's default names by its hash.
func storeDefaults(ctx context.Context, f *ir.Flow, pkgDir, root string) error {
	defaults := map[string]json.RawMessage{}
	files, err := includedFiles(f, pkgDir, defaults)
	if err != nil || len(files) == 0 {
		return err
	}
	for _, p := range f.Params {
		if v, ok := defaults[p.Field]; ok && string(v) != string(compactJSON(p.Default)) {
			return fmt.Errorf("parameter --%s: its default file changed since the flow was checked; deploy again", p.Name)
		}
	}
	return storeIncluded(ctx, root, files)
}

// includeGiven reads the files given for flow.IncludedFile parameters to
// flowc trigger (given maps a parameter's name to its value as typed),
// stores them in the deployment's datastore (FLOWC_DATASTORE_ROOT or
// flowc.toml's datastore-root, which must be the root the flow was
// deployed with) and replaces each path with the file's reference.
func includeGiven(ctx context.Context, f *ir.Flow, given map[string]string) error {
	var files [][]byte
	for _, p := range f.Params {
		path, ok := given[p.Name]
		if !ok || p.Type != ir.File {
			continue
		}
		data, err := parser.ReadIncluded(path)
		if err != nil {
			return usagef("--%s: %v", p.Name, err)
		}
		given[p.Name] = string(ir.IncludeRef(filepath.Base(path), data).JSON())
		files = append(files, data)
	}
	if len(files) == 0 {
		return nil
	}
	var sf storeFlags
	root, err := sf.resolve()
	if err != nil {
		return err
	}
	if !datastore.IsRemote(root) {
		return usagef("an included file for a deployed run is stored in the deployment's datastore: set FLOWC_DATASTORE_ROOT (or datastore-root in flowc.toml) to its s3:// root; it is %s", root)
	}
	return storeIncluded(ctx, root, files)
}

func compactJSON(raw json.RawMessage) []byte {
	var b bytes.Buffer
	if json.Compact(&b, raw) != nil {
		return raw
	}
	return b.Bytes()
}
