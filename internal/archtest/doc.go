// Package archtest holds flowc's architecture tests: the import rules that
// keep the pipeline's phases apart and the task runner lean, checked on the
// real dependency graph that `go list -deps` reports.
//
// The rules (docs/PERFORMANCE.md says why the runner's matter):
//
//   - ir and flow import nothing of flowc's;
//   - a flow's task runner (the generated main, runtime/task and all they
//     link) never links the parser, the checker, go/types or go/parser, the
//     CLI (cobra) or Kubernetes' client-go, under every set of build tags
//     runtime/build builds it with;
//   - a backend never imports another backend;
//   - with build tag flowc_local the runner links no S3 datastore, AWS SDK,
//     TLS, network stack or cgo; with flowc_nocards no card rendering;
//   - the runtime never imports the front end, a backend or the CLI;
//   - client and ui never pull the parser, the checker or the task runner.
//
// The package has no code outside its tests.
package archtest
