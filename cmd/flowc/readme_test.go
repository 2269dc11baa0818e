package main

import (
	"fmt"
	"io"
	"log"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/registry"
	"github.com/rogpeppe/go-internal/testscript"

	"github.com/flowc-dev/flowc/internal/s3test"
)

// readmeSkips are the README commands this test cannot run here, each
// with where it is tested instead. Every other command of README's "Using
// it" block runs as written, so a README that drifts from the tool fails.
var readmeSkips = map[string]string{
	"flowc ui":                      "serves until stopped; TestUIHost serves and fetches a page",
	"flowc deploy argo ":            "needs a Kubernetes cluster; TestDeployArgo* run it on client-go's fake cluster, tools/argo-e2e on a real one",
	"flowc trigger argo ":           "needs a Kubernetes cluster; TestTriggerArgo runs it on client-go's fake cluster",
	"flowc argo ":                   "needs a Kubernetes cluster; TestArgoCommands and TestArgoLogs* run it on client-go's fake clients",
	"flowc trigger step-functions ": "needs AWS; TestTriggerStepFunctions runs it through the real SDK against a fake endpoint",
}

// TestReadmeCommands runs every command of README.md's "Using it" block, in
// order, in a module outside the repository that holds a copy of the
// examples: the S3 datastore on s3rver (internal/s3test), the image pushed
// to go-containerregistry's in-process registry, the graph drawn by
// Graphviz's dot where it is installed.
func TestReadmeCommands(t *testing.T) {
	if testing.Short() {
		t.Skip("runs flows")
	}
	lines := readmeBlock(t, filepath.Join("..", "..", "README.md"), "## Using it")
	// Without s3rver (and outside CI) only the S3 command is left out.
	var s3 *s3test.Server
	if _, err := s3test.Binary(); err == nil || os.Getenv("CI") == "true" {
		s3 = s3test.Start(t)
	}
	reg := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	t.Cleanup(reg.Close) // after the script, which runs as a parallel subtest

	var script strings.Builder
	files := map[string]string{}
	for i, line := range lines {
		cmd := stripComment(line)
		skipped := false
		for prefix, why := range readmeSkips {
			if strings.HasPrefix(cmd, prefix) {
				t.Logf("not run: %s: %s", cmd, why)
				skipped = true
			}
		}
		if s3 == nil && strings.Contains(cmd, "--datastore-root s3://") && !strings.Contains(cmd, "--target") && !strings.Contains(cmd, "--dry-run") {
			t.Logf("not run: %s: s3rver is not installed (npm ci in tools/s3rver)", cmd)
			skipped = true
		}
		if skipped {
			continue
		}
		if s3 != nil {
			cmd = strings.ReplaceAll(cmd, "--datastore-root s3://my-bucket/flowc", "--datastore-root "+s3.Root("flowc"))
		}
		cmd = strings.ReplaceAll(cmd, "--image ghcr.io/", "--image "+strings.TrimPrefix(reg.URL, "http://")+"/")
		name := fmt.Sprintf("cmd%02d.sh", i)
		files[name] = "set -eu -o pipefail\n" + cmd + "\n"
		cond := ""
		if strings.Contains(cmd, "| dot ") {
			// Graphviz is a tool of the user's; .ci/run installs it, so under
			// CI=true the line must run.
			if _, err := exec.LookPath("dot"); err != nil && os.Getenv("CI") == "true" {
				t.Fatalf("README runs Graphviz's dot, which is not installed (apt-get install graphviz)")
			}
			cond = "[exec:dot] "
		}
		fmt.Fprintf(&script, "# README: %s\n%sexec bash %s\n", cmd, cond, name)
	}
	dir := t.TempDir()
	var txtar strings.Builder
	txtar.WriteString(script.String())
	for i := range lines {
		name := fmt.Sprintf("cmd%02d.sh", i)
		if body, ok := files[name]; ok {
			fmt.Fprintf(&txtar, "-- %s --\n%s", name, body)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "readme.txtar"), []byte(txtar.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	checkout, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	testscript.Run(t, testscript.Params{
		Dir:                 dir,
		RequireExplicitExec: true,
		Setup: func(env *testscript.Env) error {
			for _, k := range []string{"PATH", "HOME", "GOPATH", "GOCACHE", "GOMODCACHE", "GOFLAGS", "GOTOOLCHAIN", "GOPROXY", "XDG_CACHE_HOME"} {
				if v, ok := os.LookupEnv(k); ok {
					env.Setenv(k, v)
				}
			}
			if s3 != nil {
				for k, v := range s3.Env() {
					env.Setenv(k, v)
				}
			}
			env.Setenv("DOCKER_CONFIG", env.WorkDir) // no registry credentials from the host
			mod := "module readme.example/flows\n\ngo 1.26.0\n\nrequire github.com/flowc-dev/flowc v0.0.0\n\nreplace github.com/flowc-dev/flowc => " + checkout + "\n"
			if err := os.WriteFile(filepath.Join(env.WorkDir, "go.mod"), []byte(mod), 0o644); err != nil {
				return err
			}
			return os.CopyFS(filepath.Join(env.WorkDir, "examples"), os.DirFS(filepath.Join(checkout, "examples")))
		},
	})
}

// readmeBlock returns the lines of the first ```sh block after heading.
func readmeBlock(t *testing.T, path, heading string) []string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	i := strings.Index(text, "\n"+heading+"\n")
	if i < 0 {
		t.Fatalf("%s has no %q section", path, heading)
	}
	text = text[i:]
	start := strings.Index(text, "```sh\n")
	if start < 0 {
		t.Fatalf("%s: no ```sh block under %q", path, heading)
	}
	text = text[start+len("```sh\n"):]
	end := strings.Index(text, "```")
	var lines []string
	for _, l := range strings.Split(text[:end], "\n") {
		if strings.TrimSpace(l) != "" {
			lines = append(lines, l)
		}
	}
	return lines
}

// stripComment drops a line's trailing "   # comment": a # after two
// spaces, where the README's comments start.
func stripComment(line string) string {
	if i := strings.Index(line, "  #"); i >= 0 {
		line = line[:i]
	}
	return strings.TrimSpace(line)
}
