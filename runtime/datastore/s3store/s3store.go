package s3store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	tm "github.com/aws/aws-sdk-go-v2/feature/s3/transfermanager"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"

	"github.com/flowc-dev/flowc/runtime/datastore"
)

func init() {
	datastore.RegisterScheme("s3", func(ctx context.Context, root string) (datastore.Backend, error) {
		return Open(ctx, root)
	})
}

// Transfer sizes. Objects up to one part move in one request; larger ones
// in parts of PartSize, Concurrency at a time.
const (
	// PartSize is the size of one part of a multipart upload or one ranged
	// GET of a large object.
	PartSize = 16 << 20
	// Concurrency is how many parts of one object move at once.
	Concurrency = 8
	// defaultMaxAttempts is the retryer's attempts per request, where
	// AWS_MAX_ATTEMPTS does not say.
	defaultMaxAttempts = 5
)

// Backend is a datastore.Backend on one S3 bucket, under a key prefix.
type Backend struct {
	client *s3.Client
	tm     *tm.Client
	bucket string
	prefix string // "" or ending in "/"
}

// ParseRoot splits "s3://bucket/prefix" into the bucket and the prefix
// ("" or without a trailing "/").
func ParseRoot(root string) (bucket, prefix string, err error) {
	rest, ok := strings.CutPrefix(root, "s3://")
	if !ok {
		return "", "", fmt.Errorf("s3 datastore root %q: want s3://bucket/prefix", root)
	}
	bucket, prefix, _ = strings.Cut(rest, "/")
	prefix = strings.Trim(prefix, "/")
	if bucket == "" {
		return "", "", fmt.Errorf("s3 datastore root %q: no bucket: want s3://bucket/prefix", root)
	}
	if prefix != "" {
		if err := datastore.CheckKey(prefix); err != nil {
			return "", "", fmt.Errorf("s3 datastore root %q: prefix: %w", root, err)
		}
	}
	return bucket, prefix, nil
}

// Open returns a Backend for root ("s3://bucket/prefix"), configured from
// the environment and the AWS config files as the package documentation
// says. It sends no request to S3: a missing bucket or credentials S3
// refuses show up in the first operation's error. Credentials that cannot
// be found at all are an error at once (see checkCredentials).

func Open(ctx context.Context, root string) (*Backend, error) {
	bucket, prefix, err := ParseRoot(root)
	if err != nil {
		return nil, err
	}
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return nil, fmt.Errorf("s3 datastore %s: load the AWS configuration: %w", root, err)
	}
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	if err := checkCredentials(ctx, cfg); err != nil {
		return nil, fmt.Errorf("s3 datastore %s: %w", root, err)
	}
	pathStyle, err := pathStyleOverride()
	if err != nil {
		return nil, err
	}
	client := s3.NewFromConfig(cfg, func(o *s3.Options) {
		custom := o.BaseEndpoint != nil
		if pathStyle != nil {
			o.UsePathStyle = *pathStyle
		} else {
			o.UsePathStyle = custom
		}
		if o.RetryMaxAttempts == 0 {
			o.RetryMaxAttempts = defaultMaxAttempts
		}
		// S3-compatible servers often predate the SDK's default CRC
		// checksums (sent as an aws-chunked trailer); blobs carry their
		// own SHA-256, verified on every read.
		if custom && os.Getenv("AWS_REQUEST_CHECKSUM_CALCULATION") == "" {
			o.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenRequired
			o.ResponseChecksumValidation = aws.ResponseChecksumValidationWhenRequired
		}
	})
	return New(client, bucket, prefix), nil
}

// credentialsWait bounds the search for credentials. The SDK's chain ends
// with the EC2 instance metadata service, which off EC2 answers nothing and
// is retried for about 20 s; on EC2, ECS or EKS credentials come in well
// under a second.
const credentialsWait = 5 * time.Second

// checkCredentials finds the configuration's credentials once (the SDK
// caches them for the requests that follow), so that a machine without any
// gets a plain error naming where they are looked for, at once, instead of
// the first request's after the SDK's retries.
func checkCredentials(ctx context.Context, cfg aws.Config) error {
	if cfg.Credentials == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, credentialsWait)
	defer cancel()
	if _, err := cfg.Credentials.Retrieve(ctx); err != nil {
		return fmt.Errorf("no AWS credentials found (looked in AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, "+
			"AWS_PROFILE and ~/.aws, web identity, container and instance roles): %w", err)
	}
	return nil
}

// pathStyleOverride reads FLOWC_S3_PATH_STYLE: nil when unset.
func pathStyleOverride() (*bool, error) {
	v, ok := os.LookupEnv("FLOWC_S3_PATH_STYLE")
	if !ok || v == "" {
		return nil, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return nil, fmt.Errorf("FLOWC_S3_PATH_STYLE=%q: want true or false", v)
	}
	return &b, nil
}

// New returns a Backend on bucket through client, with every key under
// prefix ("" for the bucket's root).
func New(client *s3.Client, bucket, prefix string) *Backend {
	prefix = strings.Trim(prefix, "/")
	if prefix != "" {
		prefix += "/"
	}
	calc := client.Options().RequestChecksumCalculation
	t := tm.New(client, func(o *tm.Options) {
		o.PartSizeBytes = PartSize
		o.MultipartUploadThreshold = PartSize
		o.Concurrency = Concurrency
		if calc != aws.RequestChecksumCalculationUnset {
			o.RequestChecksumCalculation = calc
		}
	})
	return &Backend{client: client, tm: t, bucket: bucket, prefix: prefix}
}

// Root returns the backend's root, s3://bucket/prefix.
func (b *Backend) Root() string {
	return "s3://" + b.bucket + "/" + strings.TrimSuffix(b.prefix, "/")
}

func (b *Backend) key(key string) *string { return aws.String(b.prefix + key) }

// wrap turns an SDK error into the datastore's: a missing object matches
// datastore.ErrNotFound; every error names the operation and the object.
func (b *Backend) wrap(op, key string, err error) error {
	if isNotFound(err) {
		return fmt.Errorf("datastore: %s s3://%s/%s%s: %w", op, b.bucket, b.prefix, key, datastore.ErrNotFound)
	}
	return fmt.Errorf("datastore: %s s3://%s/%s%s: %w", op, b.bucket, b.prefix, key, err)
}

func isNotFound(err error) bool {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		switch ae.ErrorCode() {
		case "NoSuchKey", "NotFound":
			return true
		case "NoSuchBucket":
			return false
		}
	}
	var re *awshttp.ResponseError
	return errors.As(err, &re) && re.HTTPStatusCode() == http.StatusNotFound
}

// Put implements datastore.Backend.
func (b *Backend) Put(ctx context.Context, key string, data []byte) error {
	if err := datastore.CheckKey(key); err != nil {
		return err
	}
	if len(data) > PartSize {
		return b.PutReader(ctx, key, bytes.NewReader(data))
	}
	_, err := b.client.PutObject(ctx, &s3.PutObjectInput{
		Bucket: &b.bucket, Key: b.key(key), Body: bytes.NewReader(data), ContentLength: aws.Int64(int64(len(data))),
	})
	if err != nil {
		return b.wrap("put", key, err)
	}
	return nil
}

// PutReader implements datastore.Backend with the transfer manager: a
// stream of more than one part becomes a multipart upload whose parts go
// up Concurrency at a time; the object appears only when the upload is
// completed, and a failed upload is aborted.
func (b *Backend) PutReader(ctx context.Context, key string, r io.Reader) error {
	if err := datastore.CheckKey(key); err != nil {
		return err
	}
	_, err := b.tm.UploadObject(ctx, &tm.UploadObjectInput{Bucket: &b.bucket, Key: b.key(key), Body: r})
	if err != nil {
		return b.wrap("put", key, err)
	}
	return nil
}

// Get implements datastore.Backend.
func (b *Backend) Get(ctx context.Context, key string) ([]byte, error) {
	rc, size, err := b.open(ctx, "get", key)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	buf := bytes.NewBuffer(make([]byte, 0, size))
	if _, err := buf.ReadFrom(rc); err != nil {
		return nil, b.wrap("get", key, err)
	}
	return buf.Bytes(), nil
}

// Open implements datastore.Backend. One GET streams the object; for an
// object over two parts, only its first part is read from that stream,
// and the rest comes in parallel ranged GETs, Concurrency at a time.
func (b *Backend) Open(ctx context.Context, key string) (io.ReadCloser, error) {
	rc, _, err := b.open(ctx, "open", key)
	return rc, err
}

func (b *Backend) open(ctx context.Context, op, key string) (io.ReadCloser, int64, error) {
	if err := datastore.CheckKey(key); err != nil {
		return nil, 0, err
	}
	out, err := b.client.GetObject(ctx, &s3.GetObjectInput{Bucket: &b.bucket, Key: b.key(key)})
	if err != nil {
		return nil, 0, b.wrap(op, key, err)
	}
	total := aws.ToInt64(out.ContentLength)
	if total <= 2*PartSize {
		return sized{out.Body, total}, total, nil
	}
	// The rest: parallel ranged GETs, stopped by Close. The object is the
	// one the first GET saw (If-Match its ETag), or the read fails.
	rest := newRangeReader(ctx, b, key, out.ETag, PartSize, total)
	first := &firstPart{r: io.LimitReader(out.Body, PartSize), c: out.Body}
	return sized{&multiBody{Reader: io.MultiReader(first, rest), first: first, rest: rest}, total}, total, nil
}

// sized is an object's stream that can say its size, as an *os.File can:
// the datastore then reads a large blob into one buffer of the right size
// and hashes it while it streams in.
type sized struct {
	io.ReadCloser
	size int64
}

// Stat returns a FileInfo whose Size is the object's.
func (s sized) Stat() (fs.FileInfo, error) { return sizeInfo(s.size), nil }

type sizeInfo int64

func (n sizeInfo) Name() string       { return "" }
func (n sizeInfo) Size() int64        { return int64(n) }
func (n sizeInfo) Mode() fs.FileMode  { return 0 }
func (n sizeInfo) ModTime() time.Time { return time.Time{} }
func (n sizeInfo) IsDir() bool        { return false }
func (n sizeInfo) Sys() any           { return nil }

// firstPart reads the first part of a whole-object stream and closes the
// stream as soon as the part is read, so its connection does not go on
// carrying bytes the ranged GETs fetch.
type firstPart struct {
	r      io.Reader
	c      io.Closer
	closed bool
}

func (f *firstPart) Read(p []byte) (int, error) {
	n, err := f.r.Read(p)
	if err == io.EOF {
		f.Close()
	}
	return n, err
}

func (f *firstPart) Close() error {
	if f.closed {
		return nil
	}
	f.closed = true
	return f.c.Close()
}

// multiBody reads the first part, then the rest; Close stops the rest's
// downloads.
type multiBody struct {
	io.Reader
	first, rest io.Closer
}

func (m *multiBody) Close() error {
	m.rest.Close()
	return m.first.Close()
}

// Exists implements datastore.Backend with a HEAD request.
func (b *Backend) Exists(ctx context.Context, key string) (bool, error) {
	if err := datastore.CheckKey(key); err != nil {
		return false, err
	}
	_, err := b.client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: &b.bucket, Key: b.key(key)})
	if isNotFound(err) {
		return false, nil
	}
	if err != nil {
		return false, b.wrap("head", key, err)
	}
	return true, nil
}

// List implements datastore.Backend with ListObjectsV2 and delimiter "/",
// every page of it.
func (b *Backend) List(ctx context.Context, prefix string) ([]string, error) {
	if err := datastore.CheckPrefix(prefix); err != nil {
		return nil, err
	}
	var keys []string
	p := s3.NewListObjectsV2Paginator(b.client, &s3.ListObjectsV2Input{
		Bucket: &b.bucket, Prefix: aws.String(b.prefix + prefix), Delimiter: aws.String("/"),
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("datastore: list s3://%s/%s%s: %w", b.bucket, b.prefix, prefix, err)
		}
		for _, o := range page.Contents {
			keys = append(keys, strings.TrimPrefix(aws.ToString(o.Key), b.prefix))
		}
		for _, cp := range page.CommonPrefixes {
			keys = append(keys, strings.TrimPrefix(aws.ToString(cp.Prefix), b.prefix))
		}
	}
	slices.Sort(keys)
	return slices.Compact(keys), nil
}

// Delete implements datastore.Backend.
func (b *Backend) Delete(ctx context.Context, key string) error {
	if err := datastore.CheckKey(key); err != nil {
		return err
	}
	if _, err := b.client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: &b.bucket, Key: b.key(key)}); err != nil && !isNotFound(err) {
		return b.wrap("delete", key, err)
	}
	return nil
}
