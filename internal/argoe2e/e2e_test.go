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

// need returns the cluster with a namespace and an S3 server for this
// test, or skips the test when make e2e-argo did not start one
// (FLOWC_E2E_KUBE_DIR unset).
func need(t *testing.T) *cluster {
	t.Helper()
	if os.Getenv("FLOWC_E2E_KUBE_DIR") == "" {
		t.Skip("no e2e cluster: run make e2e-argo (scripts/kube-e2e.sh)")
	}
	c, err := setUp(t)
	if err != nil {
		t.Fatal(err)
	}
	return c
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
		ns:       fmt.Sprintf("flowc-e2e-%d", time.Now().Unix()%1000000),
	}
	if c.flowc == "" {
		return nil, fmt.Errorf("FLOWC_E2E_FLOWC (the flowc binary) is not set")
	}
	// With a cluster up, a missing S3 server is a failure, not a skip.
	if _, err := s3test.Binary(); err != nil {
		return nil, err
	}
	c.s3 = s3test.StartAt(t, os.Getenv("FLOWC_E2E_HOST"))
	c.root = c.s3.Root("argo")
	// This process reads the runs the pods wrote (internal/runsnap).
	c.s3.Setenv(t)
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

// deploy runs flowc deploy argo with --package: the runner image is built
// and pushed to the cluster's registry, and the template names it by
// digest. The datastore's credentials reach the pods as a user's would:
// --secret names the namespace's Secret that holds them.
func (c *cluster) deploy(dir, image string, extra ...string) error {
	args := append([]string{"deploy", "argo", dir, "--package", "--image", c.registry + "/flowc-e2e/" + image,
		"--datastore-root", c.root, "--namespace", c.ns, "--secret", "flowc-e2e-datastore"}, extra...)
	_, err := c.flowcCmd(nil, args...)
	return err
}

// deployFlow is deploy, with a note saying what was not deployed: a
// Sensor, when the cluster has no Sensor CRD (Argo Events' module is not
// obtainable here), is refused by the API server after the
// WorkflowTemplate and CronWorkflow are in, and the test goes on without
// it.
func (c *cluster) deployFlow(dir, image string, extra ...string) (note string, err error) {
	if err := c.deploy(dir, image, extra...); err != nil {
		if !strings.Contains(err.Error(), "sensor.argoproj.io/") || !strings.Contains(err.Error(), "the server could not find the requested resource") {
			return "", err
		}
		note = "its Sensor not applied: this cluster has no Sensor CRD"
	}
	return note, nil
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
