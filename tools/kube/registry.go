package main

import (
	"fmt"
	"log"
	"net/http"
	"os"
	"time"

	"github.com/google/go-containerregistry/pkg/registry"
)

// serveRegistry runs go-containerregistry's OCI registry on ADDR, blobs
// kept in DIR: where the cluster's images (pause, argoexec, the flows'
// runners from flowc package) are pushed and containerd pulls them from,
// so that nothing comes from the internet.
//
//	kube registry ADDR DIR
func serveRegistry(args []string) error {
	if len(args) != 2 {
		return fmt.Errorf("usage: kube registry ADDR DIR")
	}
	if err := os.MkdirAll(args[1], 0o755); err != nil {
		return err
	}
	h := registry.New(
		registry.Logger(log.New(os.Stderr, "registry: ", log.LstdFlags)),
		registry.WithBlobHandler(registry.NewDiskBlobHandler(args[1])),
	)
	srv := &http.Server{Addr: args[0], Handler: h, ReadHeaderTimeout: 10 * time.Second}
	return srv.ListenAndServe()
}
