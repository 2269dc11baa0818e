package secrets

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
)

// EnvDir is the provider of secrets kept in files: the secret REF is the
// file DIR/REF.env, in the syntax `kubectl create secret generic REF
// --from-env-file=REF.env` reads, so the file that makes the Kubernetes
// Secret a deployed run reads also serves a local run:
//
//	# a comment
//	DB_HOST=db.example.com
//	DB_PASSWORD=s3cret=with=equals
//
// One KEY=VALUE per line; the value is the rest of the line, taken as it
// is (no quotes are removed, no variables expanded); blank lines and lines
// starting with # are skipped.
type EnvDir string

// Name says which directory the secrets come from.
func (d EnvDir) Name() string { return "the env files in " + string(d) }

// envKey is what a key may be: an environment variable's name, as
// Kubernetes accepts them in a Secret given as environment. Compiled on
// first use: every task runner links this package, and most never read an
// env file.
var envKey = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[-._a-zA-Z][-._a-zA-Z0-9]*$`) })

// Get reads DIR/REF.env and returns its keys as a JSON object.
func (d EnvDir) Get(_ context.Context, ref string) (string, error) {
	if ref == "" || strings.ContainsAny(ref, `/\`) || strings.HasPrefix(ref, ".") {
		return "", fmt.Errorf("%q cannot name a file in %s", ref, d)
	}
	path := filepath.Join(string(d), ref+".env")
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("%w: no file %s", ErrNotFound, path)
	}
	if err != nil {
		return "", err
	}
	kv, err := parseEnvFile(path, data)
	if err != nil {
		return "", err
	}
	return Object(kv), nil
}

// parseEnvFile reads an env file. An error names the file, the line and
// the key, never a value.
func parseEnvFile(path string, data []byte) (map[string]string, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	kv := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimLeft(strings.TrimSuffix(sc.Text(), "\r"), " \t")
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		switch {
		case !ok:
			return nil, fmt.Errorf("%s:%d: a line is KEY=VALUE, and this one has no =", path, n)
		case !envKey().MatchString(k):
			// The text is not printed: it may be a value.
			return nil, fmt.Errorf("%s:%d: what comes before = is not an environment variable name", path, n)
		}
		if _, dup := kv[k]; dup {
			return nil, fmt.Errorf("%s:%d: key %s is set twice", path, n, k)
		}
		kv[k] = v
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return kv, nil
}
