package stepfunctions_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// toolsDir holds the node scripts and their npm packages (npm ci --prefix
// tools/sfn, which .ci/run does).
var toolsDir = filepath.Join("..", "..", "tools", "sfn")

// needNode returns the node binary, skipping the test when node or the
// npm packages are missing, except under CI, where it fails.
func needNode(t *testing.T) string {
	t.Helper()
	node, err := exec.LookPath("node")
	if err == nil {
		_, err = os.Stat(filepath.Join(toolsDir, "node_modules", "aws-local-stepfunctions", "package.json"))
	}
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("node and tools/sfn's packages are needed (npm ci --prefix tools/sfn): %v", err)
		}
		t.Skipf("skipping: node or tools/sfn/node_modules missing (npm ci --prefix tools/sfn): %v", err)
	}
	return node
}
