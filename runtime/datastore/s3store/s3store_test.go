package s3store_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/flowc-dev/flowc/runtime/datastore"
	"github.com/flowc-dev/flowc/runtime/datastore/s3store"
)

const bucket = "flowc-test"

// fake is an in-process S3 server (gofakes3) that counts requests by
// method.
type fake struct {
	url    string
	counts sync.Map // method -> *atomic.Int64
	client *s3.Client
}

func (f *fake) count(method string) int64 {
	v, ok := f.counts.Load(method)
	if !ok {
		return 0
	}
	return v.(*atomic.Int64).Load()
}

func startFake(t testing.TB) *fake {
	t.Helper()
	f := &fake{}
	h := gofakes3.New(s3mem.New(), gofakes3.WithLogger(gofakes3.DiscardLog())).Server()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v, _ := f.counts.LoadOrStore(r.Method, new(atomic.Int64))
		v.(*atomic.Int64).Add(1)
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	f.url = srv.URL
	f.client = s3.New(s3.Options{
		Region:                     "us-east-1",
		BaseEndpoint:               aws.String(srv.URL),
		UsePathStyle:               true,
		Credentials:                aws.AnonymousCredentials{},
		RequestChecksumCalculation: aws.RequestChecksumCalculationWhenRequired,
		ResponseChecksumValidation: aws.ResponseChecksumValidationWhenRequired,
	})
	if _, err := f.client.CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
		t.Fatal(err)
	}
	return f
}

func newBackend(t testing.TB, prefix string) (*s3store.Backend, *fake) {
	f := startFake(t)
	return s3store.New(f.client, bucket, prefix), f
}

func randomBytes(seed uint64, n int) []byte {
	var key [32]byte
	key[0] = byte(seed)
	b := make([]byte, n)
	rand.NewChaCha8(key).Read(b)
	return b
}

func TestParseRoot(t *testing.T) {
	for root, want := range map[string][2]string{
		"s3://b":           {"b", ""},
		"s3://b/":          {"b", ""},
		"s3://b/p":         {"b", "p"},
		"s3://b/p/q/":      {"b", "p/q"},
		"s3://my-bucket/x": {"my-bucket", "x"},
	} {
		b, p, err := s3store.ParseRoot(root)
		if err != nil || b != want[0] || p != want[1] {
			t.Errorf("ParseRoot(%q) = %q, %q, %v; want %q, %q", root, b, p, err, want[0], want[1])
		}
	}
	for _, root := range []string{"s3://", "s3:///p", "b/p", "s3://b/.hidden", "s3://b/a//c"} {
		if _, _, err := s3store.ParseRoot(root); err == nil || !strings.Contains(err.Error(), root) {
			t.Errorf("ParseRoot(%q) error = %v, want one naming the root", root, err)
		}
	}
}

func TestPutGetOpenExistsDelete(t *testing.T) {
	ctx := context.Background()
	b, _ := newBackend(t, "pre/fix")
	if err := b.Put(ctx, "a/b/c.json", []byte("hello")); err != nil {
		t.Fatal(err)
	}
	got, err := b.Get(ctx, "a/b/c.json")
	if err != nil || string(got) != "hello" {
		t.Fatalf("Get = %q, %v", got, err)
	}
	if err := b.Put(ctx, "a/b/c.json", []byte("replaced")); err != nil {
		t.Fatal(err)
	}
	rc, err := b.Open(ctx, "a/b/c.json")
	if err != nil {
		t.Fatal(err)
	}
	got, err = io.ReadAll(rc)
	rc.Close()
	if err != nil || string(got) != "replaced" {
		t.Fatalf("Open read %q, %v", got, err)
	}
	if ok, err := b.Exists(ctx, "a/b/c.json"); !ok || err != nil {
		t.Fatalf("Exists = %v, %v", ok, err)
	}
	// A prefix of keys is not an object.
	if ok, err := b.Exists(ctx, "a/b"); ok || err != nil {
		t.Fatalf("Exists(prefix) = %v, %v", ok, err)
	}
	if err := b.Delete(ctx, "a/b/c.json"); err != nil {
		t.Fatal(err)
	}
	if err := b.Delete(ctx, "a/b/c.json"); err != nil {
		t.Fatalf("deleting a missing key: %v", err)
	}
	if ok, _ := b.Exists(ctx, "a/b/c.json"); ok {
		t.Fatal("deleted object still exists")
	}
}

func TestEmptyObject(t *testing.T) {
	ctx := context.Background()
	b, _ := newBackend(t, "")
	if err := b.Put(ctx, "Flow/1/s/0/0.stdout.log", nil); err != nil {
		t.Fatal(err)
	}
	got, err := b.Get(ctx, "Flow/1/s/0/0.stdout.log")
	if err != nil || len(got) != 0 {
		t.Fatalf("Get(empty) = %q, %v", got, err)
	}
	if err := b.PutReader(ctx, "empty2", strings.NewReader("")); err != nil {
		t.Fatal(err)
	}
	if ok, err := b.Exists(ctx, "empty2"); !ok || err != nil {
		t.Fatalf("Exists(empty put by PutReader) = %v, %v", ok, err)
	}
}

func TestNotFound(t *testing.T) {
	ctx := context.Background()
	b, _ := newBackend(t, "p")
	if _, err := b.Get(ctx, "no/such"); !errors.Is(err, datastore.ErrNotFound) || !strings.Contains(err.Error(), "s3://flowc-test/p/no/such") {
		t.Errorf("Get(missing) error = %v, want ErrNotFound naming the object", err)
	}
	if _, err := b.Open(ctx, "no/such"); !errors.Is(err, datastore.ErrNotFound) {
		t.Errorf("Open(missing) error = %v, want ErrNotFound", err)
	}
	if ok, err := b.Exists(ctx, "no/such"); ok || err != nil {
		t.Errorf("Exists(missing) = %v, %v", ok, err)
	}
	for _, bad := range []string{"", "/a", "a/", "a/../b", "a/.tmp"} {
		if err := b.Put(ctx, bad, nil); err == nil {
			t.Errorf("Put(%q) accepted a bad key", bad)
		}
	}
}

func TestMissingBucketIsNotNotFound(t *testing.T) {
	f := startFake(t)
	b := s3store.New(f.client, "no-such-bucket", "")
	_, err := b.Get(context.Background(), "k")
	if err == nil || errors.Is(err, datastore.ErrNotFound) {
		t.Fatalf("Get in a missing bucket: %v, want an error that is not ErrNotFound", err)
	}
}

func TestLargeObjectMultipart(t *testing.T) {
	ctx := context.Background()
	b, f := newBackend(t, "big")
	data := randomBytes(1, 2*s3store.PartSize+12345)
	if err := b.PutReader(ctx, "data/ab/big", io.MultiReader(bytes.NewReader(data[:1000]), bytes.NewReader(data[1000:]))); err != nil {
		t.Fatal(err)
	}
	// Three parts (POST creates and completes the upload, each part a PUT).
	if n := f.count(http.MethodPost); n < 2 {
		t.Errorf("PutReader of %d bytes made %d POSTs: not a multipart upload", len(data), n)
	}
	gets := f.count(http.MethodGet)
	rc, err := b.Open(ctx, "data/ab/big")
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.New()
	n, err := io.Copy(h, rc)
	rc.Close()
	if err != nil || n != int64(len(data)) {
		t.Fatalf("read %d bytes, %v; want %d", n, err, len(data))
	}
	if want := sha256.Sum256(data); !bytes.Equal(h.Sum(nil), want[:]) {
		t.Fatal("read a large object back with different bytes")
	}
	if got := f.count(http.MethodGet) - gets; got < 3 {
		t.Errorf("Open of %d bytes made %d GETs, want ranged GETs of at most one part each", len(data), got)
	}
	// Put of a large buffer goes through the same upload.
	if err := b.Put(ctx, "data/ab/big2", data); err != nil {
		t.Fatal(err)
	}
	got, err := b.Get(ctx, "data/ab/big2")
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("Get(big2): %d bytes, %v", len(got), err)
	}
}

// A reader that stops early does not leak the parallel download.
func TestOpenCloseEarly(t *testing.T) {
	ctx := context.Background()
	b, _ := newBackend(t, "")
	data := randomBytes(2, 3*s3store.PartSize)
	if err := b.Put(ctx, "x", data); err != nil {
		t.Fatal(err)
	}
	rc, err := b.Open(ctx, "x")
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 100)
	if _, err := io.ReadFull(rc, buf); err != nil || !bytes.Equal(buf, data[:100]) {
		t.Fatalf("first bytes: %v", err)
	}
	if err := rc.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestFailedUploadLeavesOldObject(t *testing.T) {
	ctx := context.Background()
	b, _ := newBackend(t, "")
	if err := b.Put(ctx, "k", []byte("old")); err != nil {
		t.Fatal(err)
	}
	r := io.MultiReader(bytes.NewReader(randomBytes(3, s3store.PartSize+10)), errReader{})
	if err := b.PutReader(ctx, "k", r); err == nil {
		t.Fatal("PutReader of a failing stream succeeded")
	}
	got, err := b.Get(ctx, "k")
	if err != nil || string(got) != "old" {
		t.Fatalf("after a failed upload: %q, %v; want the old object", got, err)
	}
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errors.New("disk on fire") }

// TestStoreOnS3 runs the datastore's blob and document layer on S3: a blob
// already present is not uploaded again (a HEAD, no PUT), and concurrent
// writers of one blob all succeed.
func TestStoreOnS3(t *testing.T) {
	ctx := context.Background()
	b, f := newBackend(t, "store")
	st := datastore.New(b)
	val := randomBytes(4, 4096)
	a, err := st.PutArtifact(ctx, val)
	if err != nil {
		t.Fatal(err)
	}
	puts := f.count(http.MethodPut)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Go(func() {
			_, err := st.PutArtifact(ctx, val)
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if got := f.count(http.MethodPut); got != puts {
		t.Errorf("re-saving an existing blob made %d PUTs, want none", got-puts)
	}
	var back []byte
	if err := st.GetArtifact(ctx, a, &back); err != nil || !bytes.Equal(back, val) {
		t.Fatalf("GetArtifact: %v", err)
	}
	// Concurrent first writers of one new blob.
	val2 := randomBytes(5, 70_000)
	var wg2 sync.WaitGroup
	errs2 := make(chan error, 8)
	for range 8 {
		wg2.Go(func() {
			_, err := st.PutArtifact(ctx, val2)
			errs2 <- err
		})
	}
	wg2.Wait()
	close(errs2)
	for err := range errs2 {
		if err != nil {
			t.Fatal(err)
		}
	}
	// A corrupted blob is reported, not used.
	ref := a.SHA
	if err := b.Put(ctx, datastore.BlobKey(ref), []byte{0, 1, 2}); err != nil {
		t.Fatal(err)
	}
	if err := st.GetArtifact(ctx, a, &back); !errors.Is(err, datastore.ErrCorrupt) {
		t.Fatalf("GetArtifact of a damaged blob: %v, want ErrCorrupt", err)
	}
}

// TestSameAsLocal drives the same operations through the Local backend and
// the S3 backend and compares every result: the S3 backend implements the
// layout key for key, listings included.
func TestSameAsLocal(t *testing.T) {
	ctx := context.Background()
	s3b, _ := newBackend(t, "cmp/root")
	loc, err := datastore.NewLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	keys := []string{
		"Training/latest_run", "Training/17/_run.json", "Training/17/_plan.json", "Training/17/_plan/start.json",
		"Training/17/start/0/0.attempt.json", "Training/17/start/0/DONE.json", "Training/18/_run.json",
		"Training/9/_run.json", "Other/1/_run.json", "data/ab/abcdef", "data/ab/abc", "data/cd/cdef",
		"a-b/x", "a/x", "a0/x", "ab",
	}
	for i, k := range keys {
		for _, b := range []datastore.Backend{s3b, loc} {
			if err := b.Put(ctx, k, []byte{byte(i)}); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, p := range []string{"", "Training/", "Training/1", "Training/17/", "Training/17/start/0/", "data/", "data/ab/abc", "a", "a/", "nothing/", "Trainin"} {
		want, err := loc.List(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		got, err := s3b.List(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, want) {
			t.Errorf("List(%q):\n s3    %q\n local %q", p, got, want)
		}
	}
	for _, bad := range []string{"/x", "a//b/", "../"} {
		_, lerr := loc.List(ctx, bad)
		_, serr := s3b.List(ctx, bad)
		if (lerr == nil) != (serr == nil) {
			t.Errorf("List(%q): local error %v, s3 error %v", bad, lerr, serr)
		}
	}
}

// TestOpenFromEnvironment opens an s3:// root the way every flowc command
// does, through datastore.Open and the SDK's standard environment: the
// endpoint from AWS_ENDPOINT_URL_S3, path-style addressing because it is
// not AWS, static credentials from the environment.
func TestOpenFromEnvironment(t *testing.T) {
	f := startFake(t)
	t.Setenv("AWS_ENDPOINT_URL_S3", f.url)
	t.Setenv("AWS_ACCESS_KEY_ID", "test")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "test")
	t.Setenv("AWS_REGION", "")
	t.Setenv("AWS_CONFIG_FILE", "/nonexistent")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
	ctx := context.Background()
	st, err := datastore.Open(ctx, "s3://"+bucket+"/env")
	if err != nil {
		t.Fatal(err)
	}
	if err := st.SetLatestRun(ctx, "Flow", "42"); err != nil {
		t.Fatal(err)
	}
	// The object is where path-style addressing put it.
	out, err := f.client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String("env/Flow/latest_run")})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(out.Body)
	if string(body) != "42\n" {
		t.Fatalf("latest_run = %q", body)
	}
	if got := st.Backend().(*s3store.Backend).Root(); got != "s3://flowc-test/env" {
		t.Errorf("Root() = %q", got)
	}
	t.Setenv("FLOWC_S3_PATH_STYLE", "maybe")
	if _, err := datastore.Open(ctx, "s3://"+bucket); err == nil || !strings.Contains(err.Error(), "FLOWC_S3_PATH_STYLE") {
		t.Fatalf("bad FLOWC_S3_PATH_STYLE: %v", err)
	}
}

// FuzzParseRoot: any root parses to a bucket and a valid prefix, or to an
// error naming the root, never a panic.
func FuzzParseRoot(f *testing.F) {
	for _, s := range []string{"s3://b/p", "s3://", "s3://b//x", "s3://b/.x/y", "http://b", "s3://b/a\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, root string) {
		b, p, err := s3store.ParseRoot(root)
		if err != nil {
			if !strings.Contains(err.Error(), fmt.Sprintf("%q", root)) {
				t.Fatalf("error %v does not name the root", err)
			}
			return
		}
		if b == "" || strings.Contains(b, "/") {
			t.Fatalf("ParseRoot(%q): bucket %q", root, b)
		}
		if p != "" && datastore.CheckKey(p) != nil {
			t.Fatalf("ParseRoot(%q): prefix %q is not a valid key", root, p)
		}
	})
}

// TestOpenWithoutCredentials: with no credentials anywhere, Open says so
// at once instead of failing the first request after the SDK's retries.
func TestOpenWithoutCredentials(t *testing.T) {
	for _, k := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE",
		"AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI"} {
		t.Setenv(k, "")
	}
	t.Setenv("AWS_CONFIG_FILE", "/nonexistent")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true") // no instance metadata service here to ask
	_, err := s3store.Open(context.Background(), "s3://bucket/prefix")
	if err == nil || !strings.Contains(err.Error(), "no AWS credentials found") {
		t.Errorf("Open without credentials: %v", err)
	}
}
