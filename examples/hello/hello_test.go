package hello

import (
	"testing"

	"github.com/flowc-dev/flowc/flow"
)

func TestHello(t *testing.T) {
	f := &Hello{Name: "gopher"}
	next := f.Hello(flow.NewContext(t.Context(), flow.TaskInfo{Step: "Hello"}))

	if want := "Hello, gopher!"; f.Greeting != want {
		t.Errorf("Greeting = %q, want %q", f.Greeting, want)
	}
	tr := flow.Inspect(next)
	if tr.Kind != flow.KindGoto || len(tr.Steps) != 1 || tr.Steps[0] != "End" {
		t.Errorf("Hello goes to %v %v, want goto [End]", tr.Kind, tr.Steps)
	}
}
