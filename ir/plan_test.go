package ir

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func sample() *Flow {
	return &Flow{
		Name: "Hello", Package: "example.com/hello", Pos: Pos{File: "hello.go", Line: 3, Col: 6},
		Params:    []Param{{Name: "name", Field: "Name", Type: String, GoType: "string", Default: []byte(`"world"`)}},
		Configs:   []Config{},
		Artifacts: []Artifact{{Field: "Greeting", GoType: "string"}},
		Steps: []*Step{
			{Name: "Start", Kind: KindStart, Next: []string{"End"}, Decorators: StepDecorators{Retry: &Retry{Times: 3, MinutesBetweenRetries: 2}}},
			{Name: "End", Kind: KindEnd, Prev: []string{"Start"}},
		},
		Graph: Graph{Start: "Start", End: "End", Order: []string{"Start", "End"}},
	}
}

func TestRoundTrip(t *testing.T) {
	data, err := Encode(sample())
	if err != nil {
		t.Fatal(err)
	}
	back, err := Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(sample(), back); diff != "" {
		t.Errorf("round trip changed the flow (-want +got):\n%s", diff)
	}
	if back.Step("End") == nil || back.Step("Nope") != nil {
		t.Error("Step lookup")
	}
}

func TestDecodeRefuses(t *testing.T) {
	good, _ := Encode(sample())
	for name, tc := range map[string]struct{ data, want string }{
		"version":  {strings.Replace(string(good), `"version": 1`, `"version": 99`, 1), "version 99"},
		"kind":     {strings.Replace(string(good), PlanKind, "other", 1), "kind"},
		"no flow":  {`{"kind":"` + PlanKind + `","version":1}`, "no flow"},
		"unknown":  {strings.Replace(string(good), `"name": "Hello"`, `"name": "Hello", "extra": 1`, 1), "unknown field"},
		"not json": {"{", "decode plan"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Decode([]byte(tc.data))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Decode: %v, want an error containing %q", err, tc.want)
			}
		})
	}
}
