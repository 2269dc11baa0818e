// Package roots gives a flow's task runner Mozilla's CA roots
// (golang.org/x/crypto/x509roots/fallback), used where the system has none,
// as in a scratch image; a runner for a local datastore (build tag
// flowc_local) has no network and gets none. Only the runner's generated
// main imports it: flowc itself runs where Go and the system's roots are,
// and does not pay the roots' initialisation (about 5 ms) at every start.
package roots
