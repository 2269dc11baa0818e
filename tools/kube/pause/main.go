// Command pause is the sandbox ("pause") container of the e2e cluster's
// pods: it holds the pod's namespaces, reaps the children it inherits and
// exits on SIGINT or SIGTERM, as Kubernetes' own pause does. It is built
// static (CGO_ENABLED=0) and pushed to the cluster's local registry by
// scripts/kube-up.sh, never pulled from the internet.
package main

import (
	"os"
	"os/signal"
	"syscall"
)

func main() {
	sig := make(chan os.Signal, 4)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM, syscall.SIGCHLD)
	for s := range sig {
		if s != syscall.SIGCHLD {
			os.Exit(0)
		}
		for {
			var ws syscall.WaitStatus
			pid, err := syscall.Wait4(-1, &ws, syscall.WNOHANG, nil)
			if pid <= 0 || err != nil {
				break
			}
		}
	}
}
