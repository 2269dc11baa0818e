package main

import (
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
