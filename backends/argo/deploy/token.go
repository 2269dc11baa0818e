package deploy

import (
	"context"
	"fmt"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/flowc-dev/flowc/backends/argo"
	"github.com/flowc-dev/flowc/project/token"
)

// The annotations of a production WorkflowTemplate that hold its
// production token and the user who made it (docs/projects.md).
const (
	TokenAnnotation = "flowc.dev/production-token"
	OwnerAnnotation = "flowc.dev/owner"
)

// AuthorizeProduction decides whether user may deploy objs, a project's
// production deployment, over what the cluster holds under its name (see
// token.Authorize), given the token the user passed (or ""), and records
// the token and its owner in the template's annotations, which Apply then
// writes. Call it before Apply, for production deployments only.
func AuthorizeProduction(ctx context.Context, c *Cluster, objs *argo.Objects, user, given string) (token.Decision, error) {
	name := objs.Template.Metadata.Name
	var have token.Deployed
	old, err := c.resource(Templates).Get(ctx, name, metav1.GetOptions{})
	switch {
	case apierrors.IsNotFound(err):
	case err != nil:
		return token.Decision{}, fmt.Errorf("get %s in namespace %s: %w", what(Templates, name), c.Namespace, err)
	default:
		a := old.GetAnnotations()
		have = token.Deployed{Exists: true, Owner: a[OwnerAnnotation], Token: a[TokenAnnotation]}
	}
	d, err := token.Authorize(what(Templates, name), have, user, given)
	if err != nil {
		return d, err
	}
	m := &objs.Template.Metadata
	if m.Annotations == nil {
		m.Annotations = map[string]string{}
	}
	m.Annotations[TokenAnnotation], m.Annotations[OwnerAnnotation] = d.Token, d.Owner
	return d, nil
}
