package deploy_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/flowc-dev/flowc/backends/stepfunctions/deploy"
	"github.com/flowc-dev/flowc/backends/stepfunctions/deploy/deploytest"
)

// TestAuthorizeProduction: the first production deploy tags the state
// machine with a new token and its owner; the owner deploys again without
// it, another user only with it; against the in-process endpoint.
func TestAuthorizeProduction(t *testing.T) {
	ctx := context.Background()
	fake := deploytest.New()
	cl := endpoint(t, fake)
	deployAs := func(user, given string) (string, error) {
		c := build(t, example("production"), opts())
		d := &deploy.Deployer{Clients: cl, Out: &bytes.Buffer{}}
		dec, err := d.AuthorizeProduction(ctx, c, user, given)
		if err != nil {
			return "", err
		}
		return dec.Token, d.Deploy(ctx, c)
	}
	tok, err := deployAs("ana", "")
	if err != nil || len(tok) != 32 {
		t.Fatalf("first deploy: %q, %v", tok, err)
	}
	tags := func() string {
		var b strings.Builder
		for _, tg := range fake.Tags[deploytest.MachinePrefix+"fraud-main-FraudScoring"].([]any) {
			m := tg.(map[string]any)
			b.WriteString(m["key"].(string) + "=" + m["value"].(string) + " ")
		}
		return b.String()
	}
	if got := tags(); !strings.Contains(got, deploy.TokenTag+"="+tok+" ") || !strings.Contains(got, deploy.TokenOwnerTag+"=ana ") {
		t.Fatalf("the state machine's tags: %s", got)
	}
	if again, err := deployAs("ana", ""); err != nil || again != tok {
		t.Errorf("the owner again: %q, %v", again, err)
	}
	if _, err := deployAs("bob", ""); err == nil || !strings.Contains(err.Error(), "is ana's production deployment") {
		t.Errorf("bob without the token: %v", err)
	}
	if _, err := deployAs("bob", "guess"); err == nil || !strings.Contains(err.Error(), "not its token") {
		t.Errorf("bob with a wrong token: %v", err)
	}
	if got, err := deployAs("bob", tok); err != nil || got != tok {
		t.Errorf("bob with the token: %q, %v", got, err)
	}
	if got := tags(); !strings.Contains(got, deploy.TokenOwnerTag+"=ana ") {
		t.Errorf("after bob's deploy: %s", got)
	}
}
