// Package secretflow is a test flow whose step reads secrets from its
// environment, prints nothing, and saves only what it learnt about them.
package secretflow

import (
	"crypto/sha256"
	"encoding/hex"
	"os"

	"github.com/flowc-dev/flowc/flow"
)

// Secretive reads two secrets.
type Secretive struct {
	// PasswordSHA is the SHA-256 of DB_PASSWORD, so the test knows the
	// step saw the value without the value being saved.
	PasswordSHA string
	HostLen     int
	// Whole says whether the whole secret's variable was left in the
	// environment (the runner removes it once split).
	Whole bool
}

// Start goes to Use.
func (f *Secretive) Start(c *flow.Context) flow.Next { return flow.Goto(f.Use) }

// Use reads the secrets.
//
//flow:secrets sources=[db-credentials, api-token]
func (f *Secretive) Use(c *flow.Context) flow.Next {
	sum := sha256.Sum256([]byte(os.Getenv("DB_PASSWORD")))
	f.PasswordSHA = hex.EncodeToString(sum[:])
	f.HostLen = len(os.Getenv("DB_HOST")) + len(os.Getenv("API_TOKEN"))
	_, f.Whole = os.LookupEnv("DB_CREDENTIALS")
	return flow.Goto(f.End)
}

// End ends.
func (f *Secretive) End(c *flow.Context) {}
