package check

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"github.com/flowc-dev/flowc/diag"
	"github.com/flowc-dev/flowc/ir"
	"github.com/flowc-dev/flowc/parser"
)

// Load parses the package in dir and checks every flow in it. The returned
// diagnostics are sorted, with absolute file names; the package is nil only
// when the directory could not be read or parsed.
func Load(dir string, opts parser.Options) (*parser.Package, diag.List) {
	pkg, diags := parser.Load(dir, opts)
	if pkg == nil {
		return nil, diags
	}
	for _, f := range pkg.Flows {
		for _, d := range FlowTyped(f, pkg.SameElem) {
			d.Pos.File = absFile(pkg.Dir, d.Pos.File)
			diags = append(diags, d)
		}
	}
	for name := range opts.Configs {
		if !hasConfig(pkg, name) {
			diags.Add(diag.Pos{File: "--config"}, diag.ConfigUnknown, "--config %s=...: %s", name, configsOf(pkg))
		}
	}
	for name := range opts.ConfigValues {
		if !hasConfig(pkg, name) {
			diags.Add(diag.Pos{File: parser.ConfigValuePrefix + name}, diag.ConfigUnknown, "--config-value %s: %s", name, configsOf(pkg))
		}
	}
	return pkg, diags.Sorted()
}

// Select returns the flow named name, or the package's only flow when name
// is empty.
func Select(pkg *parser.Package, name string) (*ir.Flow, error) {
	var names []string
	for _, f := range pkg.Flows {
		if f.Name == name {
			return f, nil
		}
		names = append(names, f.Name)
	}
	switch {
	case name != "":
		return nil, fmt.Errorf("package %s has no flow %s; its flows: %s", pkg.ImportPath, name, strings.Join(names, ", "))
	case len(pkg.Flows) == 1:
		return pkg.Flows[0], nil
	case len(pkg.Flows) == 0:
		return nil, fmt.Errorf("package %s has no flow", pkg.ImportPath)
	}
	return nil, fmt.Errorf("package %s has %d flows (%s); choose one with --flow NAME", pkg.ImportPath, len(names), strings.Join(names, ", "))
}

func hasConfig(pkg *parser.Package, name string) bool {
	for _, f := range pkg.Flows {
		for _, c := range f.Configs {
			if c.Name == name {
				return true
			}
		}
	}
	return false
}

func configsOf(pkg *parser.Package) string {
	var names []string
	for _, f := range pkg.Flows {
		for _, c := range f.Configs {
			names = append(names, c.Name)
		}
	}
	sort.Strings(names)
	if len(names) == 0 {
		return "the flow has no config"
	}
	return "the flow's configs are " + strings.Join(names, ", ")
}

func absFile(dir, file string) string {
	if file == "" || filepath.IsAbs(file) {
		return file
	}
	return filepath.Join(dir, file)
}
