// Package s3test starts an S3-compatible server in its own process for
// tests: s3rver (npm, pinned in tools/s3rver), bound to 127.0.0.1 on a free
// port, with one bucket, stopped when the test ends. Unit tests use the
// in-process gofakes3 instead; this is for end-to-end tests, where flowc's
// task processes talk to a real server over the network.
//
// When s3rver is not installed (npm ci in tools/s3rver, which .ci/run does)
// a test is skipped with a message, except under CI=true, where it fails.
//
// It must not be imported by anything but tests.
package s3test
