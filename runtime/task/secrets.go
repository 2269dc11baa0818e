package task

import (
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/flowc-dev/flowc/runtime/secrets"
)

// Environment variables a target sets for secrets it cannot split itself
// (flowc run sets them too: package secrets).
const (
	// SecretsJSONEnv lists, comma-separated, the variables that hold a
	// whole JSON secret (Batch puts a Secrets Manager secret in one
	// variable): the runner replaces each by one variable per key of the
	// JSON object, as a Kubernetes Secret gives one per key.
	SecretsJSONEnv = secrets.JSONEnv
	// SecretsOverrideEnv set to 1 lets a secret's key replace a variable
	// the environment has (//flow:secrets allow_override=true).
	SecretsOverrideEnv = secrets.OverrideEnv
)

// expandSecrets splits the JSON secrets SecretsJSONEnv names into one
// environment variable per key; a value that is not a JSON object stays
// as it is. A key that would replace a variable already set is an error
// unless SecretsOverrideEnv is 1 (as Metaflow's @secrets does). Values
// are never printed.
func expandSecrets() error {
	list := os.Getenv(SecretsJSONEnv)
	if list == "" {
		return nil
	}
	override := os.Getenv(SecretsOverrideEnv) == "1"
	os.Unsetenv(SecretsJSONEnv)
	os.Unsetenv(SecretsOverrideEnv)
	set := map[string]string{}
	from := map[string]string{}
	var whole []string
	for _, name := range strings.Split(list, ",") {
		raw, ok := os.LookupEnv(name)
		if !ok {
			return fmt.Errorf("secret variable %s is not in the environment: the job's secrets did not set it", name)
		}
		var obj map[string]any
		if json.Unmarshal([]byte(raw), &obj) != nil {
			continue // not a JSON object: the variable keeps the whole value
		}
		whole = append(whole, name)
		for k, v := range obj {
			if prev, dup := from[k]; dup {
				return fmt.Errorf("secrets %s and %s both have the key %s", prev, name, k)
			}
			s, isString := v.(string)
			if !isString {
				data, _ := json.Marshal(v)
				s = string(data)
			}
			set[k], from[k] = s, name
		}
	}
	for _, name := range whole {
		os.Unsetenv(name)
	}
	keys := make([]string, 0, len(set))
	for k := range set {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if _, exists := os.LookupEnv(k); exists && !override {
			return fmt.Errorf("key %s of secret %s would replace the environment variable %s; rename the key, or set allow_override=true on //flow:secrets", k, from[k], k)
		}
		if err := os.Setenv(k, set[k]); err != nil {
			return fmt.Errorf("key %q of secret %s: %w", k, from[k], err)
		}
	}
	return nil
}
