// Package secrets holds Secrets, a flow whose step reads its secrets from
// the environment. (A real flow never saves a secret as an artifact: this
// one does so that the test can see what the step saw.)
package secrets

import (
	"os"

	"github.com/flowc-dev/flowc/flow"
)

// Secrets reads DB_HOST and DB_PORT, the keys of the JSON secret
// db-credentials, and API_TOKEN, a secret that is not JSON.
type Secrets struct {
	Host  string
	Port  string
	Whole string
	Token string
}

// Start's secrets are read with its own execution role.
//
//flow:secrets sources=[db-credentials, api-token]
//flow:batch execution_role=arn:aws:iam::123456789012:role/start-exec
func (f *Secrets) Start(c *flow.Context) flow.Next {
	f.Host, f.Port = os.Getenv("DB_HOST"), os.Getenv("DB_PORT")
	f.Whole, f.Token = os.Getenv("DB_CREDENTIALS"), os.Getenv("API_TOKEN")
	return flow.Goto(f.End)
}

func (f *Secrets) End(c *flow.Context) {}
