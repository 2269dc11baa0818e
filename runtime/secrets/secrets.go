package secrets

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
)

// Environment variables a task process reads its secrets from. A target
// that cannot split a secret into its keys itself (AWS Batch puts a
// Secrets Manager secret, whole, in one variable; flowc run puts each
// secret in one too) names those variables in JSONEnv, and the runner
// replaces each by one variable per key of its JSON object, as a
// Kubernetes Secret gives one per key on argo.
const (
	// JSONEnv lists, comma-separated, the variables that hold a whole
	// secret.
	JSONEnv = "FLOWC_SECRETS_JSON"
	// OverrideEnv set to 1 lets a secret's key replace a variable the
	// environment has (//flow:secrets allow_override=true).
	OverrideEnv = "FLOWC_SECRETS_OVERRIDE"
)

// Provider reads secrets by reference.
type Provider interface {
	// Name says where secrets come from, for messages ("the env files in
	// DIR", "Kubernetes namespace ns").
	Name() string
	// Get returns a secret's content: a JSON object of string values for
	// a secret made of keys (an env file, a Kubernetes Secret), or the
	// secret's text as stored (a Secrets Manager secret). A missing secret
	// is an error matching ErrNotFound. The error never holds the content.
	Get(ctx context.Context, ref string) (string, error)
}

// ErrNotFound is the error a Provider's Get matches for a secret it does
// not have.
var ErrNotFound = errors.New("secret not found")

// nonAlnum is compiled on first use, not at every task runner's start.
var nonAlnum = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`[^A-Za-z0-9]+`) })

// EnvName is the environment variable a secret's whole content is put in:
// its name (the last part of a Secrets Manager ARN, without the six
// characters Secrets Manager appends) in upper case, every run of other
// characters as one _. A secret that is not a JSON object stays there
// whole; a JSON object is split into its keys by the runner.
func EnvName(ref string) string {
	name := ref
	if strings.HasPrefix(ref, "arn:") {
		if i := strings.LastIndex(ref, ":secret:"); i >= 0 {
			name = ref[i+len(":secret:"):]
			if j := strings.LastIndex(name, "-"); j > 0 && len(name)-j == 7 {
				name = name[:j]
			}
		}
	}
	return strings.ToUpper(nonAlnum().ReplaceAllString(name, "_"))
}

// Env reads each secret of refs through p and returns the variables to add
// to a task's environment: one per secret (EnvName) holding its content,
// JSONEnv naming them and, with override, OverrideEnv. base is the rest of
// the task's environment ("K=V" entries): a secret whose variable it
// already has is refused, since the runner would remove that variable
// after splitting the secret. The runner splits the secrets and refuses a
// key that would replace a variable unless override is set.
func Env(ctx context.Context, p Provider, refs []string, override bool, base []string) ([]string, error) {
	have := map[string]bool{}
	for _, kv := range base {
		k, _, _ := strings.Cut(kv, "=")
		have[k] = true
	}
	var out, vars []string
	from := map[string]string{}
	for _, ref := range refs {
		v := EnvName(ref)
		if prev, dup := from[v]; dup {
			return nil, fmt.Errorf("secrets %q and %q would both be passed in the variable %s; rename one", prev, ref, v)
		}
		if have[v] {
			return nil, fmt.Errorf("secret %q would be passed in the variable %s, which the task's environment already has", ref, v)
		}
		from[v] = ref
		content, err := p.Get(ctx, ref)
		if err != nil {
			return nil, fmt.Errorf("secret %q (from %s): %w", ref, p.Name(), err)
		}
		out = append(out, v+"="+content)
		vars = append(vars, v)
	}
	if len(vars) == 0 {
		return nil, nil
	}
	out = append(out, JSONEnv+"="+strings.Join(vars, ","))
	if override {
		out = append(out, OverrideEnv+"=1")
	}
	return out, nil
}

// Object returns the JSON object text of a secret made of keys, the form
// Get returns for one: keys sorted, values strings.
func Object(kv map[string]string) string {
	keys := make([]string, 0, len(kv))
	for k := range kv {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var b strings.Builder
	b.WriteByte('{')
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(',')
		}
		kj, _ := json.Marshal(k)
		vj, _ := json.Marshal(kv[k])
		b.Write(kj)
		b.WriteByte(':')
		b.Write(vj)
	}
	b.WriteByte('}')
	return b.String()
}

// Static is a Provider of secrets held in memory, by reference then key:
// what a test gives a run (see package flowtest).
type Static map[string]map[string]string

// Name returns "the secrets given to the run".
func (Static) Name() string { return "the secrets given to the run" }

// Get returns the secret's keys as a JSON object.
func (s Static) Get(_ context.Context, ref string) (string, error) {
	kv, ok := s[ref]
	if !ok {
		return "", ErrNotFound
	}
	return Object(kv), nil
}
