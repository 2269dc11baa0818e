package argoe2e_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/tools/clientcmd"
	"sigs.k8s.io/yaml"

	"github.com/flowc-dev/flowc/internal/runsnap"
	"github.com/flowc-dev/flowc/internal/s3test"
)

var (
	gvrWorkflow  = schema.GroupVersionResource{Group: "argoproj.io", Version: "v1alpha1", Resource: "workflows"}
	gvrNamespace = schema.GroupVersionResource{Version: "v1", Resource: "namespaces"}
	gvrSecret    = schema.GroupVersionResource{Version: "v1", Resource: "secrets"}
	gvrPod       = schema.GroupVersionResource{Version: "v1", Resource: "pods"}
	gvrRole      = schema.GroupVersionResource{Group: "rbac.authorization.k8s.io", Version: "v1", Resource: "roles"}
	gvrBinding   = schema.GroupVersionResource{Group: "rbac.authorization.k8s.io", Version: "v1", Resource: "rolebindings"}
	gvrCron      = schema.GroupVersionResource{Group: "argoproj.io", Version: "v1alpha1", Resource: "cronworkflows"}
	gvrTemplate  = schema.GroupVersionResource{Group: "argoproj.io", Version: "v1alpha1", Resource: "workflowtemplates"}
	gvrSensor    = schema.GroupVersionResource{Group: "argoproj.io", Version: "v1alpha1", Resource: "sensors"}
)

// cluster is the e2e cluster of scripts/kube-up.sh, as its env file and
// scripts/kube-e2e.sh describe it, with the namespace and S3 server of
// this test run.
type cluster struct {
	client   dynamic.Interface
	flowc    string // the flowc binary
	registry string // host:port of the cluster's registry
	ns       string
	s3       *s3test.Server
	root     string // the datastore root the pods use
}

// s3 is the S3 server of every test (TestMain), listening on the pods'
// gateway address; each test's datastore is its own prefix of its bucket.
// s3err says why there is none.
var (
	s3    *s3test.Server
	s3err error
	nsSeq atomic.Int64 // tests start in the same second: their namespaces differ by it
)

// TestMain starts the S3 server when the cluster is up, and sets this
// process's environment to it: the tests read the runs the pods wrote
// in-process (internal/runsnap), and they run in parallel, which a
// per-test t.Setenv forbids. With a cluster up, a missing S3 server fails
// every test rather than skipping it.
func TestMain(m *testing.M) {
	if os.Getenv("FLOWC_E2E_KUBE_DIR") == "" {
		os.Exit(m.Run())
	}
	dir, err := os.MkdirTemp("", "flowc-e2e-s3-")
	if err != nil {
		s3err = err
		os.Exit(m.Run())
	}
	var stop func() string
	s3, stop, s3err = s3test.Launch(dir, os.Getenv("FLOWC_E2E_HOST"))
	if s3 != nil {
		for k, v := range s3.Env() {
			os.Setenv(k, v)
		}
	}
	code := m.Run()
	if stop != nil {
		out := stop()
		if code != 0 && out != "" {
			fmt.Fprintf(os.Stderr, "s3rver stderr:\n%s\n", out)
		}
	}
	os.RemoveAll(dir)
	os.Exit(code)
}

// need returns the cluster with a namespace and an S3 server for this
// test, or skips the test when make e2e-argo did not start one
// (FLOWC_E2E_KUBE_DIR unset). It marks the test parallel: every test's
// pods run on the node at once (scripts/kube-e2e.sh passes go test a
// -parallel above the number of tests), so the tests take about as long
// as the slowest of them. Call it first, from a top-level test, and claim
// the node (claim) while a Workflow of the test runs.
func need(t *testing.T) *cluster {
	t.Helper()
	if os.Getenv("FLOWC_E2E_KUBE_DIR") == "" {
		t.Skip("no e2e cluster: run make e2e-argo (scripts/kube-e2e.sh)")
	}
	t.Parallel()
	c, err := setUp(t)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// node orders the Workflows on the one node: those that share it hold its
// read lock while they run; one with a step that requests every CPU of the
// node (examples/training's Fit and examples/production's Score ask for 2,
// as many as this node has) holds its write lock. The scheduler places such
// a pod only when no other pod holds a request, which never happens while
// other tests keep starting pods, so it runs while no other Workflow does.
// A test waiting for the write lock keeps later readers out
// (sync.RWMutex), so it is not starved.
var node sync.RWMutex

// epoch is when the tests began, for the claims' log lines.
var epoch = time.Now()

// wholeFirst counts the tests that will claim the node whole and have not
// yet had their turn. A shared claim waits for them: the Workflows that
// need the whole node run first, one after another, while the other tests
// build their images, and then the rest at once. The other way round they
// would wait for the longest shared Workflow (the foreach of 200 takes 10
// to 17 minutes) and then run one after another, after it.
var wholeFirst = newCount()

// count is a number of things not yet done, and a wait for none.
type count struct {
	mu   sync.Mutex
	zero *sync.Cond
	n    int
}

func newCount() *count {
	c := &count{}
	c.zero = sync.NewCond(&c.mu)
	return c
}

func (c *count) add() {
	c.mu.Lock()
	c.n++
	c.mu.Unlock()
}

func (c *count) done() {
	c.mu.Lock()
	if c.n--; c.n == 0 {
		c.zero.Broadcast()
	}
	c.mu.Unlock()
}

func (c *count) wait() {
	c.mu.Lock()
	for c.n > 0 {
		c.zero.Wait()
	}
	c.mu.Unlock()
}

// turn is a test's place among those that claim the node whole.
type turn struct{ done func() }

// wholeTurn says, at the start of a test, before it builds anything, that
// it will claim the node whole (claim(t, turn)).
func wholeTurn(t *testing.T) *turn {
	wholeFirst.add()
	done := sync.OnceFunc(wholeFirst.done)
	t.Cleanup(done) // a test that fails before its claim
	return &turn{done: done}
}

// claim holds node's write lock (with whole, the test's turn) or its read
// lock until release is called: for the time a Workflow runs, and only
// then, so that building a flow's image, running it locally and comparing
// happen while other tests' Workflows run. It logs when it got the node
// and for how long it held it: the timeline of the run.
func (c *cluster) claim(t *testing.T, whole *turn) (release func()) {
	t.Helper()
	how, lock, unlock := "shared", node.RLock, node.RUnlock
	if whole != nil {
		how, lock, unlock = "whole", node.Lock, func() {
			node.Unlock()
			whole.done()
		}
	}
	asked := time.Now()
	if whole == nil {
		wholeFirst.wait()
	}
	lock()
	got := time.Now()
	t.Logf("node claimed %s at +%s (waited %s)", how, got.Sub(epoch).Round(time.Second), got.Sub(asked).Round(time.Second))
	return sync.OnceFunc(func() {
		unlock()
		t.Logf("node released (%s) at +%s after %s", how, time.Since(epoch).Round(time.Second), time.Since(got).Round(time.Second))
	})
}

// setUp starts the S3 server on the pods' gateway address and makes a
// namespace for this run holding the datastore's Secret (which deploy
// gives every container with --secret) and Argo's own
// executor Role, bound to the namespace's default service account.
func setUp(t *testing.T) (*cluster, error) {
	cfg, err := clientcmd.BuildConfigFromFlags("", os.Getenv("KUBECONFIG"))
	if err != nil {
		return nil, err
	}
	client, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return nil, err
	}
	c := &cluster{
		client:   client,
		flowc:    os.Getenv("FLOWC_E2E_FLOWC"),
		registry: os.Getenv("FLOWC_E2E_REGISTRY"),
		ns:       fmt.Sprintf("flowc-e2e-%d-%d", time.Now().Unix()%1000000, nsSeq.Add(1)),
	}
	if c.flowc == "" {
		return nil, fmt.Errorf("FLOWC_E2E_FLOWC (the flowc binary) is not set")
	}
	if s3 == nil {
		return nil, s3err
	}
	c.s3 = s3
	c.root = s3.Root(c.ns)
	ctx := context.Background()
	ns := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "v1", "kind": "Namespace", "metadata": map[string]any{"name": c.ns}}}
	if _, err := client.Resource(gvrNamespace).Create(ctx, ns, metav1.CreateOptions{}); err != nil {
		return nil, err
	}
	// A failed test's namespace stays for inspection (kubectl -n NS).
	t.Cleanup(func() {
		if !t.Failed() {
			client.Resource(gvrNamespace).Delete(context.Background(), c.ns, metav1.DeleteOptions{}) //nolint:errcheck
		}
	})
	env := map[string]any{}
	for k, v := range c.s3.Env() {
		if k == "AWS_CONFIG_FILE" || k == "AWS_SHARED_CREDENTIALS_FILE" || v == "" {
			continue
		}
		env[k] = v
	}
	secret := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "v1", "kind": "Secret",
		"metadata": map[string]any{"name": "flowc-e2e-datastore"}, "stringData": env}}
	if _, err := client.Resource(gvrSecret).Namespace(c.ns).Create(ctx, secret, metav1.CreateOptions{}); err != nil {
		return nil, err
	}
	argo := os.Getenv("FLOWC_E2E_ARGO_DIR")
	for _, m := range []struct {
		gvr  schema.GroupVersionResource
		file string
	}{
		{gvrRole, "manifests/quick-start/base/executor/emissary/executor-role.yaml"},
		{gvrBinding, "manifests/quick-start/base/executor-default-rolebinding.yaml"},
	} {
		if err := c.applyFile(ctx, m.gvr, filepath.Join(argo, m.file)); err != nil {
			return nil, err
		}
	}
	// What examples/production's steps name, as its operator would make
	// them: the service account trainer of its Score step (bound to
	// Argo's executor Role like default) and the Secret db-credentials of
	// //flow:secrets (a value no step reads).
	for _, o := range []struct {
		gvr schema.GroupVersionResource
		obj map[string]any
	}{
		{schema.GroupVersionResource{Version: "v1", Resource: "serviceaccounts"},
			map[string]any{"apiVersion": "v1", "kind": "ServiceAccount", "metadata": map[string]any{"name": "trainer"}}},
		{gvrBinding, map[string]any{"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
			"metadata": map[string]any{"name": "trainer-executor"},
			"roleRef":  map[string]any{"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "executor"},
			"subjects": []any{map[string]any{"kind": "ServiceAccount", "name": "trainer"}}}},
		{gvrSecret, map[string]any{"apiVersion": "v1", "kind": "Secret", "metadata": map[string]any{"name": "db-credentials"},
			"stringData": map[string]any{"DB_USER": "e2e"}}},
	} {
		u := &unstructured.Unstructured{Object: o.obj}
		if _, err := client.Resource(o.gvr).Namespace(c.ns).Create(ctx, u, metav1.CreateOptions{}); err != nil {
			return nil, err
		}
	}
	// The service account controller makes "default" shortly after the
	// namespace; a pod before it is refused.
	for i := 0; ; i++ {
		_, err := client.Resource(schema.GroupVersionResource{Version: "v1", Resource: "serviceaccounts"}).Namespace(c.ns).Get(ctx, "default", metav1.GetOptions{})
		if err == nil {
			break
		}
		if i == 60 {
			return nil, fmt.Errorf("no default service account in %s: %v", c.ns, err)
		}
		time.Sleep(time.Second)
	}
	return c, nil
}

// applyFile creates the object of a YAML manifest in the run's namespace.
func (c *cluster) applyFile(ctx context.Context, gvr schema.GroupVersionResource, path string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	u := &unstructured.Unstructured{}
	if err := yaml.Unmarshal(b, &u.Object); err != nil {
		return fmt.Errorf("%s: %v", path, err)
	}
	_, err = c.client.Resource(gvr).Namespace(c.ns).Create(ctx, u, metav1.CreateOptions{})
	return err
}

// flowcCmd runs flowc with args; env adds to the environment.
func (c *cluster) flowcCmd(env []string, args ...string) (string, error) {
	cmd := exec.Command(c.flowc, args...)
	cmd.Env = append(os.Environ(), env...)
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	err := cmd.Run()
	if err != nil {
		return out.String(), fmt.Errorf("flowc %s: %v\n%s", strings.Join(args, " "), err, lastLines(stderr.String(), 15))
	}
	return out.String(), nil
}

func lastLines(s string, n int) string {
	l := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(l) > n {
		l = l[len(l)-n:]
	}
	return strings.Join(l, "\n")
}

// smallRequests is the --with of every deploy: a tenth of a CPU, 256 MiB
// of memory and 1 GiB of disk for a step with no //flow:kubernetes of its
// own (one with //flow:resources gets the larger of the two, as Metaflow
// merges them). What a step uses is far below that.
const smallRequests = "kubernetes:cpu=0.1,memory=256,disk=1024"

// deploy runs flowc deploy argo with --package: the runner image is built
// and pushed to the cluster's registry, and the template names it by
// digest. The datastore's credentials reach the pods as a user's would:
// --secret names the namespace's Secret that holds them.
//
// Steps that name no //flow:kubernetes get small requests (smallRequests):
// with flowc's defaults (1 CPU, 4 GiB, 10 GiB of disk) the node of 2 CPUs
// runs two step pods at once, and the flows wait on the scheduler, not on
// their work.
func (c *cluster) deploy(dir, image string, extra ...string) error {
	args := append([]string{"deploy", "argo", dir, "--package", "--image", c.registry + "/flowc-e2e/" + image,
		"--datastore-root", c.root, "--namespace", c.ns, "--secret", "flowc-e2e-datastore", "--with", smallRequests}, extra...)
	_, err := c.flowcCmd(nil, args...)
	return err
}

// trigger runs flowc trigger argo and returns the Workflow's name, which
// is the run id it prints ("run id: NAME").
func (c *cluster) trigger(dir string, params ...string) (string, error) {
	out, err := c.flowcCmd(nil, append([]string{"trigger", "argo", dir, "--namespace", c.ns}, params...)...)
	if err != nil {
		return "", err
	}
	for _, l := range strings.Split(out, "\n") {
		if name, ok := strings.CutPrefix(l, "run id: "); ok && strings.TrimSpace(name) != "" {
			return strings.TrimSpace(name), nil
		}
	}
	return "", fmt.Errorf("flowc trigger argo printed no run id: %q", out)
}

// wait watches Workflow name until its phase is final and returns it with
// the status message and the failed nodes' messages.
func (c *cluster) wait(name string, limit time.Duration) (phase, message string, err error) {
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	rc := c.client.Resource(gvrWorkflow).Namespace(c.ns)
	for {
		wf, err := rc.Get(ctx, name, metav1.GetOptions{})
		if err != nil && !apierrors.IsNotFound(err) {
			return "", "", err
		}
		if err == nil {
			phase, _, _ := unstructured.NestedString(wf.Object, "status", "phase")
			if phase == "Succeeded" || phase == "Failed" || phase == "Error" {
				return phase, workflowMessage(wf), nil
			}
		}
		select {
		case <-ctx.Done():
			return "", "", fmt.Errorf("workflow %s not finished after %s", name, limit)
		case <-time.After(2 * time.Second):
		}
	}
}

// workflowMessage is the Workflow's message and each failed node's.
func workflowMessage(wf *unstructured.Unstructured) string {
	msg, _, _ := unstructured.NestedString(wf.Object, "status", "message")
	var parts []string
	if msg != "" {
		parts = append(parts, msg)
	}
	nodes, _, _ := unstructured.NestedMap(wf.Object, "status", "nodes")
	var failed []string
	for _, n := range nodes {
		m, ok := n.(map[string]any)
		if !ok {
			continue
		}
		if p, _ := m["phase"].(string); p == "Failed" || p == "Error" {
			if t, _ := m["type"].(string); t == "Pod" {
				failed = append(failed, fmt.Sprintf("%v: %v", m["displayName"], m["message"]))
			}
		}
	}
	slices.Sort(failed)
	return strings.Join(append(parts, failed...), "; ")
}

// localRun runs the flow with flowc run on a local datastore and returns
// the datastore's root and the run id.
func (c *cluster) localRun(t *testing.T, dir string, params ...string) (root, runID string, err error) {
	root = t.TempDir()
	idFile := filepath.Join(t.TempDir(), "run-id")
	// The local secrets provider's env files (examples/production's
	// db-credentials, as setUp gives the cluster).
	cfg := t.TempDir()
	if err := os.MkdirAll(filepath.Join(cfg, "flowc", "secrets"), 0o755); err != nil {
		return "", "", err
	}
	if err := os.WriteFile(filepath.Join(cfg, "flowc", "secrets", "db-credentials.env"), []byte("DB_USER=e2e\n"), 0o644); err != nil {
		return "", "", err
	}
	args := append([]string{"run", dir, "--run-id-file", idFile}, params...)
	_, err = c.flowcCmd([]string{"FLOWC_DATASTORE_ROOT=" + root, "FLOWC_DATASTORE=local", "XDG_CONFIG_HOME=" + cfg}, args...)
	id, _ := os.ReadFile(idFile)
	return root, strings.TrimSpace(string(id)), err
}

// snapshot is runsnap's description of a run with its id written RUN, so
// that two runs of the same flow compare.
func snapshot(root, flow, runID string, skip []string) ([]string, error) {
	lines, err := runsnap.Of(root, flow, runID, skip)
	for i, l := range lines {
		lines[i] = strings.ReplaceAll(l, flow+"/"+runID+"/", flow+"/RUN/")
	}
	return lines, err
}

// diff describes the first lines where got and want differ.
func diff(got, want []string) string {
	var b strings.Builder
	n := 0
	for i := 0; i < max(len(got), len(want)) && n < 4; i++ {
		var g, w string
		if i < len(got) {
			g = got[i]
		}
		if i < len(want) {
			w = want[i]
		}
		if g != w {
			fmt.Fprintf(&b, "\n  argo:      %s\n  flowc run: %s", g, w)
			n++
		}
	}
	return b.String()
}
