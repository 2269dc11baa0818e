// Command kube is a single-node Kubernetes for flowc's end-to-end tests of the
// Argo target, built from the upstream source modules: one binary that links
// etcd, kube-apiserver, kube-controller-manager, kube-scheduler, the kubelet,
// kube-proxy and kubectl, and runs the one named by its first argument (or by
// the name it is called by), as k3s does. Linking them once costs one build and
// one binary instead of seven. It is a test tool, never linked into flowc.
//
//	kube etcd ARGS...                  etcd's own main (go.etcd.io/etcd/server/v3/etcdmain)
//	kube kube-apiserver ARGS...        k8s.io/kubernetes/cmd/kube-apiserver
//	kube kube-controller-manager ARGS  k8s.io/kubernetes/cmd/kube-controller-manager
//	kube kube-scheduler ARGS...        k8s.io/kubernetes/cmd/kube-scheduler
//	kube kubelet ARGS...               k8s.io/kubernetes/cmd/kubelet
//	kube kube-proxy ARGS...            k8s.io/kubernetes/cmd/kube-proxy
//	kube kubectl ARGS...               k8s.io/kubectl
//	kube pki DIR SERVER-URL IP...      writes the cluster's certificates and kubeconfigs
//	kube registry ADDR DIR             go-containerregistry's registry: the cluster's images
//	kube push-image REF ENTRY SRC=DEST builds a one-layer image of local files and pushes it
package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"go.etcd.io/etcd/server/v3/etcdmain"
	"k8s.io/component-base/cli"
	"k8s.io/component-base/logs"
	_ "k8s.io/component-base/logs/json/register"
	_ "k8s.io/component-base/metrics/prometheus/clientgo"
	_ "k8s.io/component-base/metrics/prometheus/version"
	kubectl "k8s.io/kubectl/pkg/cmd"
	kubectlutil "k8s.io/kubectl/pkg/cmd/util"
	apiserver "k8s.io/kubernetes/cmd/kube-apiserver/app"
	controllermanager "k8s.io/kubernetes/cmd/kube-controller-manager/app"
	proxy "k8s.io/kubernetes/cmd/kube-proxy/app"
	scheduler "k8s.io/kubernetes/cmd/kube-scheduler/app"
	kubelet "k8s.io/kubernetes/cmd/kubelet/app"
)

func main() {
	name := filepath.Base(os.Args[0])
	args := os.Args
	if name == "kube" {
		if len(os.Args) < 2 {
			fmt.Fprintln(os.Stderr, "usage: kube COMPONENT ARGS... (etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kubelet, kube-proxy, kubectl, pki, registry, push-image)")
			os.Exit(2)
		}
		name = os.Args[1]
		args = os.Args[1:]
	}
	// The components read their flags from os.Args[1:].
	os.Args = args
	switch name {
	case "etcd":
		etcdmain.Main(args)
	case "kube-apiserver":
		os.Exit(cli.Run(apiserver.NewAPIServerCommand()))
	case "kube-controller-manager":
		os.Exit(cli.Run(controllermanager.NewControllerManagerCommand()))
	case "kube-scheduler":
		os.Exit(cli.Run(scheduler.NewSchedulerCommand()))
	case "kubelet":
		os.Exit(cli.Run(kubelet.NewKubeletCommand(context.Background())))
	case "kube-proxy":
		os.Exit(cli.Run(proxy.NewProxyCommand()))
	case "kubectl":
		logs.GlogSetter(kubectl.GetLogVerbosity(args)) //nolint:errcheck
		if err := cli.RunNoErrOutput(kubectl.NewDefaultKubectlCommand()); err != nil {
			kubectlutil.CheckErr(err)
		}
	case "pki":
		if err := pki(args[1:]); err != nil {
			fmt.Fprintln(os.Stderr, "kube pki:", err)
			os.Exit(1)
		}
	case "push-image":
		if err := pushImage(args[1:]); err != nil {
			fmt.Fprintln(os.Stderr, "kube push-image:", err)
			os.Exit(1)
		}
	case "registry":
		if err := serveRegistry(args[1:]); err != nil {
			fmt.Fprintln(os.Stderr, "kube registry:", err)
			os.Exit(1)
		}
	default:
		fmt.Fprintf(os.Stderr, "kube: unknown component %q\n", name)
		os.Exit(2)
	}
}
