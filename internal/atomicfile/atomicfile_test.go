package atomicfile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWrite(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "out.json")
	for _, content := range []string{"one", "two"} {
		if err := Write(p, []byte(content)); err != nil {
			t.Fatal(err)
		}
		if got, _ := os.ReadFile(p); string(got) != content {
			t.Errorf("got %q, want %q", got, content)
		}
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("left files behind: %v", ents)
	}
	err := Write(filepath.Join(dir, "missing", "x"), nil)
	if err == nil || !strings.HasPrefix(err.Error(), "write "+filepath.Join(dir, "missing", "x")+": ") || strings.Contains(err.Error(), ".tmp-") {
		t.Errorf("error %v: want one naming the path, not the temporary file", err)
	}
}
