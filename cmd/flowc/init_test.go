package main

import "testing"

func TestInitNames(t *testing.T) {
	for v, want := range map[string]bool{
		"v1.2.0": true, "(devel)": false, "": false,
		"v0.0.0-20261206174932-c995503a1b2c":       false,
		"v0.0.0-20261206174932-c995503a1b2c+dirty": false,
		"v1.3.0-rc.1": true,
	} {
		if got := published(v); got != want {
			t.Errorf("published(%q) = %v, want %v", v, got, want)
		}
	}
	for path, want := range map[string]string{
		"squares": "squares", "example.com/team/my-flows": "myflows", "x/2go": "go", "x/__": "flows",
	} {
		if got := packageName(path); got != want {
			t.Errorf("packageName(%q) = %q, want %q", path, got, want)
		}
	}
	if got := modFileString("/a b/flowc"); got != `"/a b/flowc"` {
		t.Errorf("modFileString quotes a path with a space as %s", got)
	}
}
