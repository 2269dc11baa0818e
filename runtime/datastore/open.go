package datastore

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
)

// OpenFunc opens the backend for a root of one scheme, such as
// "s3://bucket/prefix". It is what a remote backend's package registers.
type OpenFunc func(ctx context.Context, root string) (Backend, error)

var (
	schemesMu sync.RWMutex
	schemes   = map[string]OpenFunc{}
)

// RegisterScheme makes Open hand roots that start with scheme + "://" to
// open. A remote backend's package calls it from init, so this package
// never imports an SDK: importing the backend's package (for S3,
// runtime/datastore/s3store) is what makes its roots work. Registering a
// scheme twice panics.
func RegisterScheme(scheme string, open OpenFunc) {
	schemesMu.Lock()
	defer schemesMu.Unlock()
	if _, dup := schemes[scheme]; dup {
		panic("datastore: scheme " + scheme + " registered twice")
	}
	schemes[scheme] = open
}

// Scheme returns the scheme of a root ("s3" for "s3://bucket/prefix"), or
// "" for a local directory.
func Scheme(root string) string {
	i := strings.Index(root, "://")
	if i <= 0 {
		return ""
	}
	for _, c := range root[:i] {
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '+' || c == '-' || c == '.') {
			return ""
		}
	}
	return root[:i]
}

// IsRemote reports whether root names a remote datastore (it has a
// scheme) rather than a local directory.
func IsRemote(root string) bool { return Scheme(root) != "" }

// OpenBackend returns the backend for root: a registered remote backend for
// a root with a scheme ("s3://bucket/prefix"), else a Local backend on the
// directory root ("" means DefaultRoot), which it creates if needed.
func OpenBackend(ctx context.Context, root string) (Backend, error) {
	scheme := Scheme(root)
	if scheme == "" {
		return NewLocal(root)
	}
	schemesMu.RLock()
	open := schemes[scheme]
	schemesMu.RUnlock()
	if open == nil {
		return nil, fmt.Errorf("datastore: root %s: unknown scheme %q (known: %s)", root, scheme, strings.Join(knownSchemes(), ", "))
	}
	return open(ctx, root)
}

// Open returns a Store on the backend for root, as OpenBackend chooses it.
// It is the one opener every user of a datastore calls: the CLI, the task
// runner, the local executor and the client.
func Open(ctx context.Context, root string) (*Store, error) {
	b, err := OpenBackend(ctx, root)
	if err != nil {
		return nil, err
	}
	return New(b), nil
}

func knownSchemes() []string {
	schemesMu.RLock()
	defer schemesMu.RUnlock()
	names := []string{"a local directory"}
	for s := range schemes {
		names = append(names, s+"://")
	}
	slices.Sort(names[1:])
	return names
}

// CheckPrefix returns an error unless prefix is what Backend.List takes: a
// key, a key ending in "/", a key with a partial last component, or "".
// A backend other than Local calls it to validate List's argument the same
// way.
func CheckPrefix(prefix string) error { return checkPrefix(prefix) }
