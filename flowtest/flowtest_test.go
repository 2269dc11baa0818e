package flowtest_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/flowc-dev/flowc/flowtest"
	"github.com/flowc-dev/flowc/flowtest/testdata/squares"
)

var apiSecret = map[string]map[string]string{"api": {"API_KEY": "k-123"}}

func TestRun(t *testing.T) {
	res := flowtest.Run[squares.Squares](t, flowtest.Options{Dir: "testdata/squares",
		Params: map[string]any{"Count": 4, "label-text": "total"}, Secrets: apiSecret})
	end := res.Task("End")
	if end.Total != 0+1+4+9 || end.Report != "total=14" || end.Count != 4 || end.KeyLen != 5 {
		t.Errorf("End: %+v", end)
	}
	var got []int
	for _, sq := range res.Tasks("Square2") {
		got = append(got, sq.Square)
	}
	if !slices.Equal(got, []int{0, 1, 4, 9}) {
		t.Errorf("the foreach tasks' squares, by index: %v", got)
	}
	if sq := res.TaskID("Square2", "3"); sq.Square != 9 {
		t.Errorf("Square2/3: %+v", sq)
	}
	if out := res.Stdout("Square2", "2"); out != "squared 2\n" {
		t.Errorf("Square2/2 printed %q", out)
	}
}

func TestConfig(t *testing.T) {
	res := flowtest.Run[squares.Squares](t, flowtest.Options{Dir: "testdata/squares",
		Configs: map[string]string{"cfg": "testdata/squares/ten.toml"}, Secrets: apiSecret})
	if end := res.Task("End"); end.Cfg.Offset != 10 || end.Total != 30+0+1+4 {
		t.Errorf("End: %+v", end)
	}
}

func TestFailure(t *testing.T) {
	res := flowtest.Run[squares.Squares](t, flowtest.Options{Dir: "testdata/squares",
		Params: map[string]any{"Count": -1}, Secrets: apiSecret, AllowFailure: true})
	if res.Succeeded() || !strings.HasSuffix(res.Failed, "/Start/0") || !strings.Contains(res.Err.Error(), "count -1 is negative") {
		t.Errorf("status %s, failed %s: %v", res.Status, res.Failed, res.Err)
	}
}

// TestMistakes: what a test gets wrong fails it with a message naming the
// mistake. Each case runs in a fake testing.TB that records Fatalf.
func TestMistakes(t *testing.T) {
	for _, tc := range []struct {
		name, want string
		run        func(tb testing.TB)
	}{
		{"unknown parameter", "no parameter Cnt (parameters: Count, Label)", func(tb testing.TB) {
			flowtest.Run[squares.Squares](tb, flowtest.Options{Dir: "testdata/squares", Params: map[string]any{"Cnt": 1}})
		}},
		{"missing secret", `secret "api"`, func(tb testing.TB) {
			flowtest.Run[squares.Squares](tb, flowtest.Options{Dir: "testdata/squares"})
		}},
		{"failed run", "count -2 is negative", func(tb testing.TB) {
			flowtest.Run[squares.Squares](tb, flowtest.Options{Dir: "testdata/squares", Params: map[string]any{"Count": -2}, Secrets: apiSecret})
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := &fatalTB{TB: t}
			func() {
				defer func() { recover() }()
				tc.run(f)
			}()
			if !strings.Contains(f.msg, tc.want) {
				t.Errorf("Fatalf(%q), want it to say %q", f.msg, tc.want)
			}
		})
	}
}

// fatalTB records the first Fatalf and stops the test function as
// runtime.Goexit would, by panicking (recovered above).
type fatalTB struct {
	testing.TB
	msg string
}

func (f *fatalTB) Fatalf(format string, args ...any) {
	if f.msg == "" {
		f.msg = strings.TrimSpace(fmt.Sprintf(format, args...))
	}
	panic("fatal")
}

func (f *fatalTB) Helper() {}
