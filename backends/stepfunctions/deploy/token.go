package deploy

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"

	"github.com/flowc-dev/flowc/backends/stepfunctions"
	"github.com/flowc-dev/flowc/project/token"
)

// The tags of a production state machine that hold its production token
// and the user who made it (docs/projects.md).
const (
	TokenTag      = "flowc:production-token"
	TokenOwnerTag = "flowc:owner"
)

// AuthorizeProduction decides whether user may deploy c, a project's
// production state machine, over what AWS holds under its name (see
// token.Authorize), given the token the user passed (or ""), and records
// the token and its owner in c's tags, which Deploy then puts on the state
// machine. Call it before Deploy, for production deployments only; with
// DryRun it reads nothing and records a placeholder.
func (d *Deployer) AuthorizeProduction(ctx context.Context, c *stepfunctions.Compiled, user, given string) (token.Decision, error) {
	var have token.Deployed
	if d.DryRun {
		have = token.Deployed{Exists: true, Owner: user, Token: "TOKEN"}
	} else {
		arn, err := FindMachine(ctx, d.SFN, c.Name)
		if err != nil {
			return token.Decision{}, err
		}
		if arn != "" {
			tags, err := d.SFN.ListTagsForResource(ctx, &sfn.ListTagsForResourceInput{ResourceArn: aws.String(arn)})
			if err != nil {
				return token.Decision{}, fmt.Errorf("list the tags of state machine %s: %w", arn, err)
			}
			have.Exists = true
			for _, t := range tags.Tags {
				switch aws.ToString(t.Key) {
				case TokenTag:
					have.Token = aws.ToString(t.Value)
				case TokenOwnerTag:
					have.Owner = aws.ToString(t.Value)
				}
			}
		}
	}
	dec, err := token.Authorize("state machine "+c.Name, have, user, given)
	if err != nil {
		return dec, err
	}
	if c.Tags == nil {
		c.Tags = map[string]string{}
	}
	c.Tags[TokenTag], c.Tags[TokenOwnerTag] = dec.Token, dec.Owner
	return dec, nil
}
