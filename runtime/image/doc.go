// Package image packages a flow's task runner as an OCI container image
// and pushes it to a registry, without a Docker daemon (as ko does): one
// layer holding the runner at ir.RunnerPath (/flowc/runner) and an
// empty /tmp, over a base image (scratch, the empty image, by default),
// one image per platform and an OCI image index over them when there are
// several.
//
// Layers are reproducible: entries in a fixed order, owned by root, with a
// fixed time, gzip-compressed deterministically, so the same runner binary
// always gives the same layer digest. A built layer is cached beside the
// runner binary in the runner cache, so packaging unchanged code builds
// nothing, compresses nothing and, since the registry already has every
// blob, uploads nothing: the push is a few HEAD requests and the manifest.
//
// The package must not build runners (runtime/build does) or know flows:
// it takes binaries and puts them in images.
package image
