// Command argovalidate checks Argo objects with Argo's own validator: each
// file is a YAML stream of WorkflowTemplates, CronWorkflows and Argo Events
// Sensors. Every document is strictly decoded (an unknown or misspelt
// field fails), its apiVersion and kind are checked, and WorkflowTemplates
// and CronWorkflows go through workflow/validate of argo-workflows v4 with
// Lint: true, templates resolved among the files given. Argo has no
// validator for Sensors, so a Sensor gets a strict structural check of
// flowc's own, and the Workflow it creates is validated like one submitted.
//
// It lives in its own module so that flowc and its tests do not carry
// Argo's dependencies. Usage:
//
//	argovalidate FILE...               # exit 1 if any document fails
//	argovalidate -expect-fail FILE...  # exit 1 if any file passes, or fails
//	                                   # otherwise than its "# want: TEXT" line says
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"strings"

	wfv1 "github.com/argoproj/argo-workflows/v4/pkg/apis/workflow/v1alpha1"
	"github.com/argoproj/argo-workflows/v4/util/logging"
	"github.com/argoproj/argo-workflows/v4/workflow/templateresolution"
	"github.com/argoproj/argo-workflows/v4/workflow/validate"
	"sigs.k8s.io/yaml"
)

const apiVersion = "argoproj.io/v1alpha1"

func main() {
	expectFail := flag.Bool("expect-fail", false, "succeed only if every file fails (checks that the check can fail)")
	flag.Parse()
	if flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: argovalidate [-expect-fail] FILE...")
		os.Exit(2)
	}
	ctx := logging.WithLogger(context.Background(), logging.NewSlogLogger(logging.Error, logging.Text))
	docs := map[string][]doc{}
	wants := map[string]string{} // a broken file's "# want: TEXT" first line
	getter := templates{}
	for _, path := range flag.Args() {
		data, err := os.ReadFile(path)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		if first, _, _ := strings.Cut(string(data), "\n"); strings.HasPrefix(first, "# want: ") {
			wants[path] = strings.TrimPrefix(first, "# want: ")
		}
		if rejected(data) {
			fmt.Printf("skip %s: no objects (flowc rejected the flow; the golden file holds its diagnostics)\n", path)
			continue
		}
		ds, err := split(data)
		if err == nil {
			for _, d := range ds {
				if t, ok := d.obj.(*wfv1.WorkflowTemplate); ok {
					getter[t.Name] = t
				}
			}
		}
		docs[path] = ds
		if err != nil {
			docs[path] = []doc{{err: err}}
		}
	}
	bad := 0
	for _, path := range flag.Args() {
		ds, ok := docs[path]
		if !ok {
			continue
		}
		err := check(ctx, getter, ds)
		switch {
		case err != nil && *expectFail && !strings.Contains(err.Error(), wants[path]):
			fmt.Printf("FAIL %s: rejected, but not for %q: %v\n", path, wants[path], err)
			bad++
		case err != nil && *expectFail:
			fmt.Printf("ok   %s: rejected as expected: %v\n", path, err)
		case err != nil:
			fmt.Printf("FAIL %s: %v\n", path, err)
			bad++
		case *expectFail:
			fmt.Printf("FAIL %s: passed, but it is broken on purpose\n", path)
			bad++
		default:
			fmt.Printf("ok   %s (%s)\n", path, kinds(docs[path]))
		}
	}
	if bad > 0 {
		os.Exit(1)
	}
}

// rejected reports whether a file holds only comments: a golden file in
// which flowc pinned the diagnostics of a flow it cannot compile.
func rejected(data []byte) bool {
	lines := 0
	for _, l := range strings.Split(string(data), "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			return false
		} else if l != "" {
			lines++
		}
	}
	return lines > 0
}

// doc is one decoded document of a stream, or why it could not be.
type doc struct {
	kind string
	obj  any
	err  error
}

// split decodes every document of a YAML stream strictly, by its kind.
func split(data []byte) ([]doc, error) {
	var out []doc
	for i, part := range bytes.Split(append([]byte("\n"), data...), []byte("\n---\n")) {
		if len(bytes.TrimSpace(part)) == 0 {
			continue
		}
		var meta struct {
			APIVersion string `json:"apiVersion"`
			Kind       string `json:"kind"`
		}
		if err := yaml.Unmarshal(part, &meta); err != nil {
			return nil, fmt.Errorf("document %d: %w", i+1, err)
		}
		if meta.APIVersion != apiVersion {
			return nil, fmt.Errorf("document %d: apiVersion %q, want %q", i+1, meta.APIVersion, apiVersion)
		}
		var obj any
		switch meta.Kind {
		case "WorkflowTemplate":
			obj = &wfv1.WorkflowTemplate{}
		case "CronWorkflow":
			obj = &wfv1.CronWorkflow{}
		case "Sensor":
			obj = &sensor{}
		default:
			return nil, fmt.Errorf("document %d: kind %q is not WorkflowTemplate, CronWorkflow or Sensor", i+1, meta.Kind)
		}
		if err := yaml.UnmarshalStrict(part, obj); err != nil {
			return nil, fmt.Errorf("document %d (%s): %w", i+1, meta.Kind, err)
		}
		out = append(out, doc{kind: meta.Kind, obj: obj})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no documents")
	}
	return out, nil
}

// check validates the documents of one file.
func check(ctx context.Context, getter templates, docs []doc) error {
	for i, d := range docs {
		if d.err != nil {
			return d.err
		}
		var err error
		switch o := d.obj.(type) {
		case *wfv1.WorkflowTemplate:
			err = validate.ValidateWorkflowTemplate(ctx, getter, &templateresolution.NullClusterWorkflowTemplateGetter{}, o, nil, validate.ValidateOpts{Lint: true})
		case *wfv1.CronWorkflow:
			err = validate.ValidateCronWorkflow(ctx, getter, &templateresolution.NullClusterWorkflowTemplateGetter{}, o, nil)
		case *sensor:
			err = o.check(ctx, getter)
		}
		if err != nil {
			return fmt.Errorf("document %d (%s): %w", i+1, d.kind, err)
		}
	}
	return nil
}

func kinds(docs []doc) string {
	var k []string
	for _, d := range docs {
		k = append(k, d.kind)
	}
	return strings.Join(k, ", ")
}

// templates resolves workflowTemplateRef among the files given.
type templates map[string]*wfv1.WorkflowTemplate

// Get returns the template named name.
func (t templates) Get(_ context.Context, name string) (*wfv1.WorkflowTemplate, error) {
	if wt, ok := t[name]; ok {
		return wt, nil
	}
	return nil, fmt.Errorf("workflowtemplates.argoproj.io %q not found among the files given", name)
}
