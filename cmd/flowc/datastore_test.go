package main

import (
	"errors"
	"strings"
	"testing"
)

// FuzzParseConfig: a config file of any content gives a config or a usage
// error that names the file, never a panic.
func FuzzParseConfig(f *testing.F) {
	for _, s := range []string{
		"", "datastore = \"s3\"\ndatastore-root = \"s3://b/p\"\n", "datastore = 3", "[datastore]\nroot = 1",
		"datastore-root = ", "x = \"y\"", "datastore = \"local\"\n\x00",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		_, err := parseConfig("flowc.toml", src)
		var ue usageError
		if err != nil && (!errors.As(err, &ue) || !strings.HasPrefix(err.Error(), "flowc.toml:")) {
			t.Fatalf("error %v is not a usage error naming the file", err)
		}
	})
}

func TestResolveRoot(t *testing.T) {
	flag := func(v string) setting { return setting{v, "--x", 3} }
	env := func(v string) setting { return setting{v, "ENV", 2} }
	for _, c := range []struct {
		kind, root setting
		want, err  string
	}{
		{setting{}, setting{}, ".flowc", ""},
		{setting{}, flag("dir"), "dir", ""},
		{setting{}, flag("s3://b/p"), "s3://b/p", ""},
		{flag("s3"), env("s3://b/p"), "s3://b/p", ""},
		{flag("local"), env("s3://b/p"), ".flowc", ""},
		{env("local"), flag("s3://b/p"), "", "not a local datastore root"},
		{flag("s3"), flag("dir"), "", "not a s3 datastore root"},
		{flag("s3"), env("dir"), "", "needs a root"},
		{flag("s3"), setting{}, "", "needs a root"},
		{flag("gcs"), setting{}, "", "local or s3"},
	} {
		got, err := resolveRoot(c.kind, c.root)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("resolveRoot(%v, %v) = %q, %v; want an error with %q", c.kind, c.root, got, err, c.err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("resolveRoot(%v, %v) = %q, %v; want %q", c.kind, c.root, got, err, c.want)
		}
	}
}
