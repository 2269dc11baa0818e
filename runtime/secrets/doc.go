// Package secrets resolves //flow:secrets for a local run: a Provider
// reads a secret by its reference (the source named in the directive) and
// Env turns a step's secrets into the environment its task process gets.
//
// flowc, never the task runner, talks to a secret store: the providers
// that need a network client (Kubernetes, AWS Secrets Manager) live in the
// sub-packages kubesecrets and awssecrets, which the runner never links.
// This package is a leaf of the standard library only, because the runner
// links it for the names of the variables it reads (JSONEnv, OverrideEnv).
//
// A value passes from a provider to the task process's environment and
// nowhere else: no function here logs, prints or wraps a value in an
// error. Errors name the secret's reference and, for a file, the file and
// line, never the content.
package secrets
