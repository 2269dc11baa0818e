//go:build !linux && (darwin || freebsd || netbsd || openbsd || dragonfly)

package datastore

// prefault does nothing here: pages are mapped as they are first read.
func prefault(data []byte) {}
