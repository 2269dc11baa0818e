package main

// Which datastore a command uses: --datastore and --datastore-root, the
// environment (FLOWC_DATASTORE, FLOWC_DATASTORE_ROOT), a config file, the
// default. docs/remote.md documents it for users.

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/BurntSushi/toml"
	"github.com/spf13/pflag"

	"github.com/flowc-dev/flowc/runtime/datastore"
	// Registers s3:// roots.
	_ "github.com/flowc-dev/flowc/runtime/datastore/s3store"
)

// Datastore kinds, as --datastore takes them.
const (
	kindLocal = "local"
	kindS3    = "s3"
)

// projectConfig is the config file in the working directory; the user's
// is $XDG_CONFIG_HOME/flowc/config.toml (~/.config/flowc/config.toml).
const projectConfig = "flowc.toml"

// storeFlags choose the datastore a command reads or writes.
type storeFlags struct {
	kind, root string
	fs         *pflag.FlagSet
}

func (sf *storeFlags) register(fs *pflag.FlagSet) {
	sf.fs = fs
	fs.StringVar(&sf.kind, "datastore", "", "the datastore: local or s3 (default local, or what --datastore-root names; also FLOWC_DATASTORE or a config file)")
	fs.StringVar(&sf.root, "datastore-root", "", "the datastore's root: a directory (default "+datastore.DefaultRoot+") or s3://bucket/prefix (also FLOWC_DATASTORE_ROOT or a config file)")
}

// setting is one value and how strongly it was given.
type setting struct {
	value, from string
	level       int // 0 default, 1 config file, 2 environment, 3 flag
}

// resolve returns the datastore root the command uses. Each of the two
// settings comes from the first of: the flag, the environment, the config
// file in the working directory, the user's config file. The kind, when
// not given, follows the root; a root that does not fit the kind is an
// error, unless the kind was given more strongly than the root, which then
// falls back to the kind's default.
func (sf *storeFlags) resolve() (string, error) {
	kind, root := setting{}, setting{}
	file, err := loadConfig()
	if err != nil {
		return "", err
	}
	if file.Datastore != "" {
		kind = setting{file.Datastore, "datastore in " + file.path, 1}
	}
	if file.DatastoreRoot != "" {
		root = setting{file.DatastoreRoot, "datastore-root in " + file.path, 1}
	}
	if v := os.Getenv("FLOWC_DATASTORE"); v != "" {
		kind = setting{v, "FLOWC_DATASTORE", 2}
	}
	if v := os.Getenv("FLOWC_DATASTORE_ROOT"); v != "" {
		root = setting{v, "FLOWC_DATASTORE_ROOT", 2}
	}
	// Without a flag set (a caller inside flowc), the fields themselves
	// are the flags.
	if sf.fs != nil && sf.fs.Changed("datastore") || sf.fs == nil && sf.kind != "" {
		kind = setting{sf.kind, "--datastore", 3}
	}
	if sf.fs != nil && sf.fs.Changed("datastore-root") || sf.fs == nil && sf.root != "" {
		root = setting{sf.root, "--datastore-root", 3}
	}
	return resolveRoot(kind, root)
}

func resolveRoot(kind, root setting) (string, error) {
	switch kind.value {
	case "", kindLocal, kindS3:
	default:
		return "", usagef("%s=%q: the datastore is local or s3", kind.from, kind.value)
	}
	rootKind := kindLocal
	if datastore.IsRemote(root.value) {
		rootKind = datastore.Scheme(root.value)
	}
	if kind.value == "" || kind.value == rootKind && root.value != "" {
		if root.value == "" {
			return datastore.DefaultRoot, nil
		}
		return root.value, nil
	}
	if kind.level > root.level || root.value == "" {
		if kind.value == kindLocal {
			return datastore.DefaultRoot, nil
		}
		return "", usagef("%s=s3 needs a root: --datastore-root s3://bucket/prefix (or FLOWC_DATASTORE_ROOT, or datastore-root in %s)", kind.from, projectConfig)
	}
	return "", usagef("%s=%q is not a %s datastore root, which %s asks for", root.from, root.value, kind.value, kind.from)
}

// configFile is what a flowc config file may hold.
type configFile struct {
	Datastore     string `toml:"datastore"`
	DatastoreRoot string `toml:"datastore-root"`
	// SecretsProvider is where flowc run reads //flow:secrets (secrets.go).
	SecretsProvider string `toml:"secrets-provider"`
	path            string
}

// loadConfig reads flowc.toml in the working directory, or else the user's
// config file; neither existing is no error.
func loadConfig() (configFile, error) {
	paths := []string{projectConfig}
	dir := os.Getenv("XDG_CONFIG_HOME")
	if dir == "" {
		if home, err := os.UserHomeDir(); err == nil {
			dir = filepath.Join(home, ".config")
		}
	}
	if dir != "" {
		paths = append(paths, filepath.Join(dir, "flowc", "config.toml"))
	}
	for _, p := range paths {
		src, err := os.ReadFile(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return configFile{}, fmt.Errorf("config file: %w", err)
		}
		return parseConfig(p, string(src))
	}
	return configFile{}, nil
}

// parseConfig decodes a config file; a syntax error names file:line:col,
// an unknown key the file and the key.
func parseConfig(path, src string) (configFile, error) {
	var c configFile
	md, err := toml.Decode(src, &c)
	if err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return c, usagef("%s:%d:%d: %s", path, pe.Position.Line, pe.Position.Col, pe.Message)
		}
		return c, usagef("%s: %v", path, err)
	}
	if und := md.Undecoded(); len(und) > 0 {
		var keys []string
		for _, k := range und {
			keys = append(keys, k.String())
		}
		slices.Sort(keys)
		return c, usagef("%s: unknown key %s (known: datastore, datastore-root, secrets-provider)", path, strings.Join(keys, ", "))
	}
	c.path = path
	return c, nil
}
