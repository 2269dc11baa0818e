package ir

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// PlanVersion is the version of the plan document this flowc writes. A
// reader accepts exactly this version: a plan from another flowc is
// recompiled, not guessed at.
const PlanVersion = 1

// PlanKind names the document type in a plan's "kind" field.
const PlanKind = "flowc.dev/plan"

// Plan is the local execution plan: a versioned JSON document that holds one
// analysed flow.
type Plan struct {
	Kind    string `json:"kind"`
	Version int    `json:"version"`
	Flow    *Flow  `json:"flow"`
}

// Encode writes f as a plan document: indented JSON, map keys sorted, ending
// in a newline, so that encoding the same flow twice gives the same bytes.
func Encode(f *Flow) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(Plan{Kind: PlanKind, Version: PlanVersion, Flow: f}); err != nil {
		return nil, fmt.Errorf("encode plan of %s: %w", f.Name, err)
	}
	return buf.Bytes(), nil
}

// Decode reads a plan document written by Encode.
func Decode(data []byte) (*Flow, error) {
	var p Plan
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return nil, fmt.Errorf("decode plan: %w", err)
	}
	if p.Kind != PlanKind {
		return nil, fmt.Errorf("decode plan: kind is %q, want %q", p.Kind, PlanKind)
	}
	if p.Version != PlanVersion {
		return nil, fmt.Errorf("decode plan: version %d, this flowc reads version %d; compile the flow again", p.Version, PlanVersion)
	}
	if p.Flow == nil {
		return nil, fmt.Errorf("decode plan: no flow")
	}
	return p.Flow, nil
}
