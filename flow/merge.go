package flow

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
)

// mergeArtifacts is Metaflow's merge_artifacts over Go values. Go fields
// always hold a value, so a field counts as set when it is not its zero
// value, and two inputs conflict when both set a field to values that are
// not reflect.DeepEqual. It decides everything before it assigns anything:
// on any error dst is left as it was.
func mergeArtifacts[F any](dst *F, inputs []*F, opts []MergeOption) error {
	spec, err := ResolveMerge(opts...)
	if err != nil {
		return err
	}
	if dst == nil {
		return &MergeError{Reason: "dst is nil"}
	}
	t := reflect.TypeFor[F]()
	fields, err := artifactFields(t)
	if err != nil {
		return err
	}
	if err := checkNames(t, fields, spec); err != nil {
		return err
	}
	srcs := make([]reflect.Value, len(inputs))
	for i, in := range inputs {
		if in == nil {
			return &MergeError{Reason: fmt.Sprintf("input %d is nil", i)}
		}
		srcs[i] = reflect.ValueOf(in).Elem()
	}
	d := reflect.ValueOf(dst).Elem()
	plan, merr := planMerge(d, srcs, fields, spec)
	if merr != nil {
		return merr
	}
	for _, p := range plan {
		d.Field(p.field).Set(p.value)
	}
	return nil
}

// assignment is one field that mergeArtifacts will copy into dst.
type assignment struct {
	field int
	value reflect.Value
}

// planMerge decides what to copy into d: for each considered artifact that
// d does not set, the value of the first input that sets it. It returns a
// *MergeError naming every conflict and every missing Include name instead
// when there is any.
func planMerge(d reflect.Value, srcs []reflect.Value, fields map[string]int, spec MergeSpec) ([]assignment, *MergeError) {
	var plan []assignment
	var conflicts, missing []string
	for _, name := range considered(fields, spec) {
		j := fields[name]
		if !d.Field(j).IsZero() {
			continue // dst's own value wins, as self's does in Metaflow
		}
		v, found, ok := agreedValue(srcs, j)
		switch {
		case !ok:
			conflicts = append(conflicts, name)
		case found:
			plan = append(plan, assignment{j, v})
		case spec.Include != nil:
			missing = append(missing, name)
		}
	}
	if conflicts != nil || missing != nil {
		return nil, &MergeError{Conflicts: conflicts, Missing: missing}
	}
	return plan, nil
}

// agreedValue returns the value field j has in the first input that sets it
// (found false when none does), and ok false when another input sets it to
// a different value.
func agreedValue(srcs []reflect.Value, j int) (v reflect.Value, found, ok bool) {
	for _, s := range srcs {
		f := s.Field(j)
		if f.IsZero() {
			continue
		}
		if !found {
			v, found = f, true
			continue
		}
		if !reflect.DeepEqual(v.Interface(), f.Interface()) {
			return v, found, false
		}
	}
	return v, found, true
}

// considered returns the artifact names spec asks to merge, sorted and
// without duplicates.
func considered(fields map[string]int, spec MergeSpec) []string {
	var names []string
	if spec.Include != nil {
		names = slices.Clone(spec.Include)
	} else {
		for name := range fields {
			if !slices.Contains(spec.Exclude, name) {
				names = append(names, name)
			}
		}
	}
	slices.Sort(names)
	return slices.Compact(names)
}

// artifactFields maps the name of each artifact field of the struct type t
// to its index: its exported fields not tagged flow:"param" or
// flow:"config".
func artifactFields(t reflect.Type) (map[string]int, error) {
	if t.Kind() != reflect.Struct {
		return nil, &MergeError{Reason: fmt.Sprintf("%s is not a struct, so it has no artifacts", t)}
	}
	fields := make(map[string]int)
	for i := range t.NumField() {
		f := t.Field(i)
		kind, _, _ := strings.Cut(f.Tag.Get("flow"), ",")
		if f.IsExported() && kind != "param" && kind != "config" {
			fields[f.Name] = i
		}
	}
	return fields, nil
}

// checkNames reports the Include or Exclude names that are not artifact
// fields of t: a misspelt name would otherwise silently merge too much or
// nothing.
func checkNames(t reflect.Type, fields map[string]int, spec MergeSpec) error {
	opt, names := "Include", spec.Include
	if spec.Exclude != nil {
		opt, names = "Exclude", spec.Exclude
	}
	var unknown []string
	for _, name := range names {
		if _, ok := fields[name]; !ok {
			unknown = append(unknown, name)
		}
	}
	if unknown == nil {
		return nil
	}
	slices.Sort(unknown)
	unknown = slices.Compact(unknown)
	verb := "is not an artifact field"
	if len(unknown) > 1 {
		verb = "are not artifact fields"
	}
	return &MergeError{Reason: fmt.Sprintf("%s: %s %s of %s (parameters, configs and unexported fields are never merged)",
		opt, strings.Join(unknown, ", "), verb, t)}
}
