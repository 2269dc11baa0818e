package deploy

import (
	"context"
	"strings"
	"testing"
)

// TestAuthorizeProduction: the first production deploy makes a token and
// writes it, with its owner, on the template; the owner deploys again
// without it, another user only with it, against client-go's fake cluster.
func TestAuthorizeProduction(t *testing.T) {
	ctx := context.Background()
	c, _ := fakeCluster(t, "ml")
	objs := compile(t, "examples/production", "img:1")
	first, err := AuthorizeProduction(ctx, c, objs, "ana", "")
	if err != nil || !first.New || first.Owner != "ana" || len(first.Token) != 32 {
		t.Fatalf("first deploy: %+v, %v", first, err)
	}
	if _, err := Apply(ctx, c, objs); err != nil {
		t.Fatal(err)
	}
	a := object(t, c, Templates, objs.Template.Metadata.Name).GetAnnotations()
	if a[TokenAnnotation] != first.Token || a[OwnerAnnotation] != "ana" {
		t.Fatalf("the template's annotations: %v", a)
	}

	again := compile(t, "examples/production", "img:2")
	if d, err := AuthorizeProduction(ctx, c, again, "ana", ""); err != nil || d.New || d.Token != first.Token {
		t.Errorf("the owner again: %+v, %v", d, err)
	}
	bob := compile(t, "examples/production", "img:3")
	if _, err := AuthorizeProduction(ctx, c, bob, "bob", ""); err == nil || !strings.Contains(err.Error(), "ana's production deployment") {
		t.Errorf("bob without the token: %v", err)
	}
	if _, err := AuthorizeProduction(ctx, c, bob, "bob", "guess"); err == nil || !strings.Contains(err.Error(), "not its token") {
		t.Errorf("bob with a wrong token: %v", err)
	}
	d, err := AuthorizeProduction(ctx, c, bob, "bob", first.Token)
	if err != nil || d.Owner != "ana" || bob.Template.Metadata.Annotations[TokenAnnotation] != first.Token {
		t.Fatalf("bob with the token: %+v, %v", d, err)
	}
	if _, err := Apply(ctx, c, bob); err != nil {
		t.Fatal(err)
	}
	if a := object(t, c, Templates, objs.Template.Metadata.Name).GetAnnotations(); a[TokenAnnotation] != first.Token || a[OwnerAnnotation] != "ana" {
		t.Errorf("after bob's deploy: %v", a)
	}
}
