package argo

import (
	"sort"
	"strings"

	"github.com/flowc-dev/flowc/diag"
	"github.com/flowc-dev/flowc/ir"
)

// kubernetes applies //flow:kubernetes (and resources shared_memory=) to
// step s's template: image, pull policy, service account, node selector,
// tolerations, labels, annotations and volumes. What Kubernetes would
// reject, or Argo cannot express, is a diagnostic at the directive.
func (c *compiler) kubernetes(s *ir.Step, t *Template) {
	shm := 0
	if r := s.Decorators.Resources; r != nil {
		shm = r.SharedMemory
	}
	k := s.Decorators.Kubernetes
	if k == nil {
		c.sharedMemory(t, shm)
		return
	}
	c.sharedMemory(t, max(shm, k.SharedMemory))
	if k.Image != "" {
		t.Container.Image = k.Image
	}
	switch k.ImagePullPolicy {
	case "", "Always", "IfNotPresent", "Never":
		t.Container.ImagePullPolicy = k.ImagePullPolicy
	default:
		c.add(k.Pos, diag.TargetValue, "step %s: image_pull_policy %q must be Always, IfNotPresent or Never", s.Name, k.ImagePullPolicy)
	}
	if k.Namespace != "" && k.Namespace != c.opts.Namespace {
		c.add(k.Pos, diag.TargetUnsupported, "step %s: kubernetes namespace=%q: every pod of an Argo workflow runs in the workflow's namespace; set it with flowc compile --namespace", s.Name, k.Namespace)
	}
	if k.QOS != "" && k.QOS != "Burstable" && k.QOS != "Guaranteed" {
		c.add(k.Pos, diag.TargetValue, "step %s: qos %q must be Burstable or Guaranteed", s.Name, k.QOS)
	}
	if k.ServiceAccount != "" {
		if !dnsSubdomain.MatchString(k.ServiceAccount) {
			c.add(k.Pos, diag.TargetValue, "step %s: service_account %q is not a Kubernetes name", s.Name, k.ServiceAccount)
		}
		t.ServiceAccountName = k.ServiceAccount
	}
	t.NodeSelector = c.labelMap(s, k.Pos, "node_selector", k.NodeSelector, true)
	for key, v := range c.labelMap(s, k.Pos, "labels", k.Labels, true) {
		t.Metadata.Labels[key] = v
	}
	for key, v := range c.labelMap(s, k.Pos, "annotations", k.Annotations, false) {
		t.Metadata.Annotations[key] = v
	}
	c.tolerations(s, k, t)
	c.volumes(s, k, t)
	if k.Port > 0 {
		t.Container.Ports = []ContainerPort{{ContainerPort: k.Port}}
	}
}

// labelMap checks the keys (and, for labels, the values) of m.
func (c *compiler) labelMap(s *ir.Step, pos ir.Pos, what string, m map[string]string, values bool) map[string]string {
	if len(m) == 0 {
		return nil
	}
	out := map[string]string{}
	for _, k := range sortedKeys(m) {
		if why := qualifiedName(k); why != "" {
			c.add(pos, diag.TargetValue, "step %s: %s key %q %s", s.Name, what, k, why)
			continue
		}
		if why := labelValue(m[k]); values && why != "" {
			c.add(pos, diag.TargetValue, "step %s: %s value %q of %s %s", s.Name, what, m[k], k, why)
			continue
		}
		if strings.Contains(m[k], "{{") {
			c.add(pos, diag.TargetValue, "step %s: %s value %q of %s contains {{, which Argo's controller would substitute; Argo has no escape for it", s.Name, what, m[k], k)
			continue
		}
		out[k] = m[k]
	}
	return out
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// tolerations copies the tolerations, checking operator and effect.
func (c *compiler) tolerations(s *ir.Step, k *ir.Kubernetes, t *Template) {
	for _, tol := range k.Tolerations {
		switch {
		case tol.Operator != "" && tol.Operator != "Exists" && tol.Operator != "Equal":
			c.add(k.Pos, diag.TargetValue, "step %s: toleration operator %q must be Exists or Equal", s.Name, tol.Operator)
		case tol.Effect != "" && tol.Effect != "NoSchedule" && tol.Effect != "PreferNoSchedule" && tol.Effect != "NoExecute":
			c.add(k.Pos, diag.TargetValue, "step %s: toleration effect %q must be NoSchedule, PreferNoSchedule or NoExecute", s.Name, tol.Effect)
		case tol.Operator == "Exists" && tol.Value != "":
			c.add(k.Pos, diag.TargetValue, "step %s: a toleration with operator Exists takes no value", s.Name)
		default:
			t.Tolerations = append(t.Tolerations, Toleration(tol))
		}
	}
}

// sharedMemory mounts a memory-backed /dev/shm of mib MiB.
func (c *compiler) sharedMemory(t *Template, size int) {
	if size <= 0 {
		return
	}
	t.Volumes = append(t.Volumes, Volume{Name: "dshm", EmptyDir: &EmptyDir{Medium: "Memory", SizeLimit: mib(size)}})
	t.Container.VolumeMounts = append(t.Container.VolumeMounts, VolumeMount{Name: "dshm", MountPath: "/dev/shm"})
}

// volumes mounts the tmpfs and the persistent volume claims.
func (c *compiler) volumes(s *ir.Step, k *ir.Kubernetes, t *Template) {
	if k.UseTmpfs || k.TmpfsSize > 0 {
		path := k.TmpfsPath
		if path == "" {
			path = "/flowc_temp"
		}
		ed := &EmptyDir{Medium: "Memory"}
		if k.TmpfsSize > 0 {
			ed.SizeLimit = mib(k.TmpfsSize)
		}
		t.Volumes = append(t.Volumes, Volume{Name: "tmpfs", EmptyDir: ed})
		t.Container.VolumeMounts = append(t.Container.VolumeMounts, VolumeMount{Name: "tmpfs", MountPath: path})
	}
	for i, claim := range sortedKeys(k.PersistentVolumeClaims) {
		if !dnsSubdomain.MatchString(claim) {
			c.add(k.Pos, diag.TargetValue, "step %s: persistent volume claim %q is not a Kubernetes name", s.Name, claim)
			continue
		}
		name := "pvc-" + itoa(i)
		t.Volumes = append(t.Volumes, Volume{Name: name, PersistentVolumeClaim: &PersistentVolumeClaim{ClaimName: claim}})
		t.Container.VolumeMounts = append(t.Container.VolumeMounts, VolumeMount{Name: name, MountPath: k.PersistentVolumeClaims[claim]})
	}
}
