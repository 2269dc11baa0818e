package s3test

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// AccessKey and SecretKey are the credentials s3rver accepts.
const (
	AccessKey = "S3RVER"
	SecretKey = "S3RVER"
)

// Server is a running s3rver.
type Server struct {
	// Endpoint is its URL, http://127.0.0.1:PORT.
	Endpoint string
	// Bucket exists and is empty at the start.
	Bucket string
}

// Env returns the environment that points the AWS SDK, and so flowc's S3
// datastore in this process and in every task process, at the server.
func (s *Server) Env() map[string]string {
	return map[string]string{
		"AWS_ENDPOINT_URL_S3":         s.Endpoint,
		"AWS_ACCESS_KEY_ID":           AccessKey,
		"AWS_SECRET_ACCESS_KEY":       SecretKey,
		"AWS_REGION":                  "us-east-1",
		"AWS_CONFIG_FILE":             os.DevNull,
		"AWS_SHARED_CREDENTIALS_FILE": os.DevNull,
		"AWS_PROFILE":                 "",
		"AWS_SESSION_TOKEN":           "",
	}
}

// Setenv sets Env for the rest of the test (t.Setenv: not in parallel
// tests).
func (s *Server) Setenv(t testing.TB) {
	for k, v := range s.Env() {
		t.Setenv(k, v)
	}
}

// Root returns "s3://BUCKET/prefix".
func (s *Server) Root(prefix string) string { return "s3://" + s.Bucket + "/" + prefix }

// Binary returns the path of the script that starts s3rver: $FLOWC_S3RVER,
// or tools/s3rver/serve.js in the module that holds the working directory
// (s3rver itself, with the fix to its listing that serve.js explains),
// which needs s3rver installed in tools/s3rver/node_modules.
func Binary() (string, error) {
	if p := os.Getenv("FLOWC_S3RVER"); p != "" {
		return p, nil
	}
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			p := filepath.Join(dir, "tools", "s3rver", "serve.js")
			if _, err := os.Stat(filepath.Join(dir, "tools", "s3rver", "node_modules", "s3rver")); err != nil {
				return "", fmt.Errorf("s3rver is not installed: run npm ci in %s", filepath.Join(dir, "tools", "s3rver"))
			}
			return p, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod above the working directory, so no tools/s3rver")
		}
		dir = parent
	}
}

// need skips the test when s3rver or node is missing, or fails it under CI.
func need(t testing.TB) string {
	t.Helper()
	bin, err := Binary()
	if err == nil {
		if _, lerr := exec.LookPath("node"); lerr != nil {
			err = fmt.Errorf("s3rver needs node: %w", lerr)
		}
	}
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true and %v", err)
		}
		t.Skipf("skipping: %v", err)
	}
	return bin
}

var listening = regexp.MustCompile(`listening on ([0-9.]+):([0-9]+)`)

// Start starts s3rver for the test and returns it, with an empty bucket
// named "flowc". The server's data lives in a temporary directory; the
// process is stopped (SIGTERM, then SIGKILL after 5 s) when the test ends,
// and its output is logged if the test failed.
func Start(t testing.TB) *Server {
	t.Helper()
	return StartAt(t, "127.0.0.1")
}

// StartAt is Start with the server listening on the local address ip
// instead of 127.0.0.1: the e2e cluster's pods reach it at the address of
// their bridge on this machine.
func StartAt(t testing.TB, ip string) *Server {
	t.Helper()
	need(t)
	srv, stop, err := Launch(t.TempDir(), ip)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		out := stop()
		if t.Failed() {
			t.Logf("s3rver stderr:\n%s", out)
		}
	})
	return srv
}

// Launch starts s3rver outside a test's life (a package's TestMain, whose
// tests share it): its data in dir, listening on ip, with an empty bucket
// named "flowc". stop ends it (SIGTERM, then SIGKILL after 5 s) and
// returns what it wrote to stderr. Binary says what it needs.
func Launch(dir, ip string) (srv *Server, stop func() string, err error) {
	bin, err := Binary()
	if err != nil {
		return nil, nil, err
	}
	const bucket = "flowc"
	cmd := exec.Command("node", bin, "-d", dir, "-a", ip, "-p", "0", "--silent", "--configure-bucket", bucket)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, nil, err
	}
	var stderr lockedBuffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		return nil, nil, fmt.Errorf("start s3rver: %v", err)
	}
	done := make(chan error, 1)
	addr := make(chan string, 1)
	var wg sync.WaitGroup
	wg.Go(func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := listening.FindStringSubmatch(sc.Text()); m != nil {
				addr <- m[1] + ":" + m[2]
			}
		}
	})
	go func() { wg.Wait(); done <- cmd.Wait() }()
	var once sync.Once
	stop = func() string {
		once.Do(func() {
			syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
			select {
			case <-done:
			case <-time.After(5 * time.Second):
				syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
				<-done
			}
		})
		return stderr.String()
	}
	select {
	case a := <-addr:
		return &Server{Endpoint: "http://" + a, Bucket: bucket}, stop, nil
	case err := <-done:
		return nil, nil, fmt.Errorf("s3rver exited before listening: %v\n%s", err, stderr.String())
	case <-time.After(30 * time.Second):
		return nil, nil, fmt.Errorf("s3rver did not say it was listening within 30 s\n%s", stop())
	}
}

// lockedBuffer is a bytes.Buffer written by the process's output copier
// and read by the test.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.TrimSpace(l.b.String())
}
