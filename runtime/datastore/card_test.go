package datastore_test

import (
	"context"
	"testing"

	"github.com/flowc-dev/flowc/runtime/datastore"
)

func TestCards(t *testing.T) {
	ctx := context.Background()
	st, err := datastore.OpenLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	tp := datastore.TaskPath{Flow: "F", Run: "1", Step: "S", Task: "0"}
	cards := []datastore.CardInfo{{Attempt: 1, Type: "default"}, {Attempt: 0, Type: "blank", ID: "summary"}, {Attempt: 0, Type: "default"}}
	for _, c := range cards {
		if err := st.PutCard(ctx, tp, c, []byte(c.Name())); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.WriteAttempt(ctx, tp, datastore.Attempt{Attempt: 0}); err != nil {
		t.Fatal(err)
	}
	got, err := st.ListCards(ctx, tp)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"0.card.blank-summary.html", "0.card.default.html", "1.card.default.html"}
	if len(got) != len(want) {
		t.Fatalf("ListCards = %v", got)
	}
	for i, c := range got {
		if c.Name() != want[i] {
			t.Errorf("card %d = %s, want %s", i, c.Name(), want[i])
		}
		b, err := st.GetCard(ctx, tp, c)
		if err != nil || string(b) != c.Name() {
			t.Errorf("GetCard %s = %q, %v", c.Name(), b, err)
		}
	}
	if err := st.PutCard(ctx, tp, datastore.CardInfo{Type: "x", ID: "../y"}, nil); err == nil {
		t.Error("a card id with a slash was accepted")
	}
	if n, _ := st.ListAttempts(ctx, tp); len(n) != 1 {
		t.Errorf("cards confuse ListAttempts: %v", n)
	}
}
