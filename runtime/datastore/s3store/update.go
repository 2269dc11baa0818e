package s3store

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"net/http"
	"time"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"

	"github.com/flowc-dev/flowc/runtime/datastore"
)

// updateTries bounds the retries of an Update that keeps meeting
// concurrent writers.
const updateTries = 50

// Update implements datastore.Updater with S3's conditional writes: it
// reads the object and its ETag, and writes the new one If-Match that ETag
// (If-None-Match * when there was none); a write that finds the object
// changed (412 Precondition Failed, or 409 when another conditional write
// is in flight) reads again and retries, with a short random pause.
//
// S3 has had conditional writes since 2024; a server that ignores the
// headers (older S3-compatible stores) turns Update into a plain read and
// write, where a concurrent update may be lost, as before.
func (b *Backend) Update(ctx context.Context, key string, change func(old []byte) ([]byte, error)) error {
	if err := datastore.CheckKey(key); err != nil {
		return err
	}
	for try := 0; ; try++ {
		old, etag, err := b.getETag(ctx, key)
		if err != nil {
			return err
		}
		data, err := change(old)
		if err != nil {
			return err
		}
		in := &s3.PutObjectInput{Bucket: &b.bucket, Key: b.key(key), Body: bytes.NewReader(data), ContentLength: new(int64(len(data)))}
		if old == nil {
			in.IfNoneMatch = new("*")
		} else {
			in.IfMatch = etag
		}
		_, err = b.client.PutObject(ctx, in)
		if err == nil {
			return nil
		}
		if !isConflict(err) || try == updateTries {
			return b.wrap("update", key, err)
		}
		select {
		case <-ctx.Done():
			return b.wrap("update", key, ctx.Err())
		case <-time.After(time.Duration(5+rand.IntN(20*min(try+1, 10))) * time.Millisecond):
		}
	}
}

// getETag reads an object and its ETag; nil bytes when it does not exist.
func (b *Backend) getETag(ctx context.Context, key string) ([]byte, *string, error) {
	out, err := b.client.GetObject(ctx, &s3.GetObjectInput{Bucket: &b.bucket, Key: b.key(key)})
	if isNotFound(err) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, b.wrap("update", key, err)
	}
	defer out.Body.Close()
	data, err := io.ReadAll(out.Body)
	if err != nil {
		return nil, nil, b.wrap("update", key, err)
	}
	if data == nil {
		data = []byte{}
	}
	return data, out.ETag, nil
}

// isConflict reports whether a conditional write lost to another writer.
func isConflict(err error) bool {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		switch ae.ErrorCode() {
		case "PreconditionFailed", "ConditionalRequestConflict":
			return true
		}
	}
	var re *awshttp.ResponseError
	return errors.As(err, &re) && (re.HTTPStatusCode() == http.StatusPreconditionFailed || re.HTTPStatusCode() == http.StatusConflict)
}
