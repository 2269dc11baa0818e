package main

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// lockedBuffer is a bytes.Buffer safe for a writer and a reader at once.
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
	return l.b.String()
}

// TestUIHost: flowc ui listens on 127.0.0.1 by default and serves pages;
// --host with another address warns on stderr, loopback ones do not.
func TestUIHost(t *testing.T) {
	if def := newUI().Flags().Lookup("host").DefValue; def != "127.0.0.1" {
		t.Errorf("--host defaults to %q, want 127.0.0.1", def)
	}
	for _, tc := range []struct {
		host string
		warn bool
	}{{"127.0.0.1", false}, {"localhost", false}, {"0.0.0.0", true}} {
		t.Run(tc.host, func(t *testing.T) {
			var stdout, stderr lockedBuffer
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() { done <- serveUI(ctx, &stdout, &stderr, &storeFlags{root: t.TempDir()}, &nsFlags{}, tc.host, 0) }()
			addr := regexp.MustCompile(`on http://(\S+)/`)
			deadline := time.Now().Add(10 * time.Second)
			for addr.FindStringSubmatch(stdout.String()) == nil {
				if time.Now().After(deadline) {
					cancel()
					t.Fatalf("no address printed; stdout %q stderr %q", stdout.String(), stderr.String())
				}
				time.Sleep(10 * time.Millisecond)
			}
			a := addr.FindStringSubmatch(stdout.String())[1]
			if !regexp.MustCompile(`^flowc ui: serving the datastore \S+ on http://`).MatchString(stdout.String()) {
				t.Errorf("stdout %q does not name the datastore", stdout.String())
			}
			if tc.host != "0.0.0.0" {
				if h, _, _ := net.SplitHostPort(a); !net.ParseIP(h).IsLoopback() {
					t.Errorf("listening on %s", a)
				}
			}
			_, port, _ := net.SplitHostPort(a)
			resp, err := http.Get("http://127.0.0.1:" + port + "/")
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != 200 {
				t.Errorf("GET /: %s", resp.Status)
			}
			// A forged Host (DNS rebinding) is refused unless --host
			// opened the server to every name.
			req, _ := http.NewRequest("GET", "http://127.0.0.1:"+port+"/", nil)
			req.Host = "attacker.example:" + port
			if resp, err = http.DefaultClient.Do(req); err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if want := map[bool]int{false: 421, true: 200}[tc.host == "0.0.0.0"]; resp.StatusCode != want {
				t.Errorf("GET / with Host attacker.example: %s, want %d", resp.Status, want)
			}
			cancel()
			if err := <-done; err != nil {
				t.Errorf("serveUI: %v", err)
			}
			if got := strings.Contains(stderr.String(), "warning: --host "+tc.host); got != tc.warn {
				t.Errorf("warning %v, want %v; stderr %q", got, tc.warn, stderr.String())
			}
		})
	}
}

// TestUIBusyPort: a port in use is an error that says what to do.
func TestUIBusyPort(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	port := ln.Addr().(*net.TCPAddr).Port
	var stdout, stderr lockedBuffer
	err = serveUI(context.Background(), &stdout, &stderr, &storeFlags{root: t.TempDir()}, &nsFlags{}, "127.0.0.1", port)
	if err == nil || !strings.Contains(err.Error(), "is in use") || !strings.Contains(err.Error(), "--port") {
		t.Errorf("serveUI on a busy port: %v", err)
	}
}
