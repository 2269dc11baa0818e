// Package s3store is flowc's datastore on Amazon S3 and S3-compatible
// object stores: a [datastore.Backend] that keeps every key of
// docs/datastore.md under s3://bucket/prefix/<key>.
//
// Importing the package registers the "s3" scheme with
// [datastore.RegisterScheme], so [datastore.Open] accepts
// "s3://bucket/prefix" roots. [Open] configures the AWS SDK the standard
// way: credentials from the default chain (environment, shared config and
// credentials files, SSO, web identity, ECS and EC2 roles), the region from
// AWS_REGION or the profile (us-east-1 when none is set), a custom endpoint
// from AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL, and the SDK's standard
// retryer with exponential backoff (5 attempts unless AWS_MAX_ATTEMPTS says
// otherwise). With a custom endpoint, addressing is path-style
// (http://host/bucket/key), which S3-compatible servers expect;
// FLOWC_S3_PATH_STYLE=true or false overrides the choice either way.
//
// Large objects move in parts of 16 MiB, eight at once: uploads through the
// SDK's transfer manager (a multipart upload for PutReader and for a Put
// over one part), downloads as parallel ranged GETs for an Open of an
// object over two parts (the package's own reader: the transfer manager's
// busy-waits, see rangeReader). A PUT and a
// completed multipart upload are atomic on S3, so no reader ever sees part
// of an object. The package keeps no state between calls and takes no
// locks: two processes writing the same blob both succeed.
//
// The package must not know flows or the key layout: it maps keys to
// objects and nothing else; the layout is the datastore package's.
package s3store
