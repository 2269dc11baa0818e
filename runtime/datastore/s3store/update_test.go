package s3store_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
)

// TestUpdateConcurrent: twenty concurrent Updates of one object, each
// appending a line, keep every line, where the server honours conditional
// writes (If-Match, If-None-Match).
func TestUpdateConcurrent(t *testing.T) {
	b, _ := newBackend(t, "p/")
	ctx := context.Background()
	if err := b.Put(ctx, "Demo/1/_run.json", []byte("start\n")); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			err := b.Update(ctx, "Demo/1/_run.json", func(old []byte) ([]byte, error) {
				return append(old, fmt.Sprintf("line %d\n", i)...), nil
			})
			if err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	data, err := b.Get(ctx, "Demo/1/_run.json")
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(data), "line "); n != 20 {
		t.Errorf("%d lines of 20 kept: the server ignores conditional writes?\n%s", n, data)
	}
}
