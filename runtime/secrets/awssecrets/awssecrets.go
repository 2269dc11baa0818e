// Package awssecrets reads //flow:secrets from AWS Secrets Manager for a
// local run, with the AWS SDK's default configuration (credentials,
// region, and AWS_ENDPOINT_URL_SECRETS_MANAGER or AWS_ENDPOINT_URL for
// another endpoint), as the Step Functions target's Batch jobs read the
// same secrets: the secret REF is a secret's name or ARN, and a secret
// whose text is a JSON object becomes one variable per key (the runner
// splits it, as on Batch). flowc links this package; the task runner never
// does.
package awssecrets

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"

	"github.com/flowc-dev/flowc/runtime/secrets"
)

// Provider reads secrets from Secrets Manager.
type Provider struct {
	client *secretsmanager.Client
	region string
}

// New loads the SDK's default configuration, in region when not empty.
func New(ctx context.Context, region string) (*Provider, error) {
	var opts []func(*config.LoadOptions) error
	if region != "" {
		opts = append(opts, config.WithRegion(region))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("AWS configuration: %w", err)
	}
	if cfg.Region == "" {
		return nil, errors.New("AWS Secrets Manager needs a region: set AWS_REGION, or write aws:REGION")
	}
	return NewFromConfig(cfg), nil
}

// NewFromConfig reads secrets with an SDK configuration.
func NewFromConfig(cfg aws.Config, optFns ...func(*secretsmanager.Options)) *Provider {
	return &Provider{client: secretsmanager.NewFromConfig(cfg, optFns...), region: cfg.Region}
}

// Name says which region the secrets come from.
func (p *Provider) Name() string { return "AWS Secrets Manager in " + p.region }

// Get returns the secret's current text. A binary secret is refused: a
// variable holds text.
func (p *Provider) Get(ctx context.Context, ref string) (string, error) {
	out, err := p.client.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(ref)})
	if nf := (*types.ResourceNotFoundException)(nil); errors.As(err, &nf) {
		return "", fmt.Errorf("%w: no secret %s in %s", secrets.ErrNotFound, ref, p.region)
	}
	if err != nil {
		return "", err
	}
	if out.SecretString == nil {
		return "", fmt.Errorf("secret %s is binary; an environment variable holds text", ref)
	}
	return *out.SecretString, nil
}
