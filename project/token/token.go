// Package token guards a project's production deployment, as Metaflow's
// production token does: the first production deploy of a flow makes a
// token and stores it, with the deployer's name, on the deployed object (an
// Argo WorkflowTemplate's annotations, a state machine's tags). Another
// user's production deploy then replaces it only with that token
// (--production-token, or FLOWC_PRODUCTION_TOKEN). The token is a guard
// against deploying over a teammate's production flow by mistake, not a
// secret: whoever can read the deployed object can read it.
package token

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
)

// Deployed is what a production deployment records of its token.
type Deployed struct {
	Exists bool   // the target holds a deployment under the name
	Owner  string // the user who made the token
	Token  string // "" for a deployment made without one
}

// Decision is what a deploy stores: the token and its owner, and whether
// the token is new (flowc then prints it).
type Decision struct {
	Token, Owner string
	New          bool
}

// New returns a fresh token: 16 random bytes in hex.
func New() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24)
	return hex.EncodeToString(b)
}

// Authorize decides a production deploy of name by user, given token
// (empty when none was given) and what the target holds. A deployment
// without a token (none yet, or one made before tokens) gets a new one,
// or the one given; the owner, or anyone with the token, replaces one
// that has a token; anyone else is refused, with a message that says how
// to proceed.
func Authorize(name string, have Deployed, user, given string) (Decision, error) {
	switch {
	case !have.Exists || have.Token == "":
		if given != "" {
			return Decision{Token: given, Owner: user}, nil
		}
		return Decision{Token: New(), Owner: user, New: true}, nil
	case given == have.Token:
		return Decision{Token: have.Token, Owner: have.Owner}, nil
	case given == "" && user == have.Owner:
		return Decision{Token: have.Token, Owner: have.Owner}, nil
	case given != "":
		return Decision{}, fmt.Errorf("%s is %s's production deployment, and the production token given is not its token; ask %s for it", name, have.Owner, have.Owner)
	}
	return Decision{}, fmt.Errorf("%s is %s's production deployment: replacing it needs its production token, --production-token TOKEN or FLOWC_PRODUCTION_TOKEN (%s has it, from their first production deploy)", name, have.Owner, have.Owner)
}
