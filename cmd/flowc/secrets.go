package main

// Where flowc run reads //flow:secrets: --secrets-provider, the
// environment (FLOWC_SECRETS_PROVIDER), the config file, the default (env
// files in the user's config directory). docs/running.md documents it.

import (
	"context"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/pflag"

	"github.com/flowc-dev/flowc/ir"
	"github.com/flowc-dev/flowc/runtime/secrets"
	"github.com/flowc-dev/flowc/runtime/secrets/awssecrets"
	"github.com/flowc-dev/flowc/runtime/secrets/kubesecrets"
)

// secretsFlag is --secrets-provider.
type secretsFlag struct {
	spec string
	fs   *pflag.FlagSet
}

func (sf *secretsFlag) register(fs *pflag.FlagSet) {
	sf.fs = fs
	fs.StringVar(&sf.spec, "secrets-provider", "", "where //flow:secrets are read: env[:DIR] (files DIR/NAME.env), kubernetes[:NAMESPACE] or aws[:REGION] "+
		"(default env:$XDG_CONFIG_HOME/flowc/secrets; also FLOWC_SECRETS_PROVIDER or a config file)")
}

// provider returns the provider of f's secrets; nil when no step of f has
// any, so a flow without secrets never reads a kubeconfig or AWS settings.
func (sf *secretsFlag) provider(ctx context.Context, f *ir.Flow) (secrets.Provider, error) {
	need := false
	for _, s := range f.Steps {
		need = need || s.Decorators.Secrets != nil
	}
	if !need {
		return nil, nil
	}
	spec, from := "env", "the default"
	file, err := loadConfig()
	if err != nil {
		return nil, err
	}
	if file.SecretsProvider != "" {
		spec, from = file.SecretsProvider, "secrets-provider in "+file.path
	}
	if v := os.Getenv("FLOWC_SECRETS_PROVIDER"); v != "" {
		spec, from = v, "FLOWC_SECRETS_PROVIDER"
	}
	if sf.fs != nil && sf.fs.Changed("secrets-provider") {
		spec, from = sf.spec, "--secrets-provider"
	}
	return openProvider(ctx, spec, from)
}

// openProvider opens the provider spec names.
func openProvider(ctx context.Context, spec, from string) (secrets.Provider, error) {
	kind, arg, _ := strings.Cut(spec, ":")
	switch kind {
	case "env":
		if arg == "" {
			dir, err := os.UserConfigDir()
			if err != nil {
				return nil, usagef("%s: no directory for env files: %v; write env:DIR", from, err)
			}
			arg = filepath.Join(dir, "flowc", "secrets")
		}
		return secrets.EnvDir(arg), nil
	case "kubernetes":
		return kubesecrets.New("", "", arg)
	case "aws":
		return awssecrets.New(ctx, arg)
	}
	return nil, usagef("%s=%q: a secrets provider is env[:DIR], kubernetes[:NAMESPACE] or aws[:REGION]", from, spec)
}
