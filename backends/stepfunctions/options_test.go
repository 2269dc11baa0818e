package stepfunctions_test

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"

	"github.com/flowc-dev/flowc/backends"
	"github.com/flowc-dev/flowc/backends/stepfunctions"
)

// TestCheck: the target needs an image, a job queue, a role ARN and an S3
// datastore root; each error names the flag.
func TestCheck(t *testing.T) {
	const queue, role = "q", "arn:aws:iam::1:role/r"
	opts := func(image, root, queue, role string) stepfunctions.Options {
		return stepfunctions.Options{Common: backends.Common{Image: image, DatastoreRoot: root}, JobQueue: queue, Role: role}
	}
	for _, c := range []struct {
		o    stepfunctions.Options
		want string
	}{
		{opts("", "s3://b", queue, role), "--image"},
		{opts("i", "s3://b", "", role), "--job-queue"},
		{opts("i", "s3://b", queue, ""), "--role"},
		{opts("i", "s3://b", queue, "flowc"), "--role \"flowc\" is not an ARN"},
		{opts("i", "", queue, role), "--datastore-root s3://BUCKET"},
		{opts("i", "/tmp/ds", queue, role), "--datastore-root s3://BUCKET"},
		{opts("i", "s3://b/"+strings.Repeat("p", 600), queue, role), "--datastore-root is 607 characters"},
		{opts("i", "s3://b/p", queue, role), ""},
	} {
		err := c.o.Check()
		if c.want == "" && err != nil || c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)) {
			t.Errorf("Check(%+v) = %v, want an error naming %q", c.o, err, c.want)
		}
	}
}

// TestOtherOptions: options of another target, or none, are an error, not
// a panic; so are options that fail Check.
func TestOtherOptions(t *testing.T) {
	f := generated(t, 3)
	bad := e2eOptions
	bad.Role = ""
	for _, o := range []backends.Options{nil, (*stepfunctions.Options)(nil), &otherOptions{}, &bad} {
		if _, _, err := (stepfunctions.Target{}).Compile(f, o); err == nil || !strings.Contains(err.Error(), "step-functions") {
			t.Errorf("Compile with %T options: err %v, want one naming step-functions", o, err)
		}
	}
}

// otherOptions are options of some other target.
type otherOptions struct{ backends.Common }

func (*otherOptions) Flags(*pflag.FlagSet) {}
func (*otherOptions) Check() error         { return nil }

// TestFlags: the target registers its own flags, bound to its options,
// and not the common ones.
func TestFlags(t *testing.T) {
	o := stepfunctions.Target{}.NewOptions()
	fs := pflag.NewFlagSet("compile", pflag.ContinueOnError)
	backends.RegisterFlags(fs, o)
	if err := fs.Parse([]string{"--image=i", "--datastore-root=s3://b", "--job-queue=q", "--role=arn:aws:iam::1:role/r", "--max-workers=3",
		"--execution-role=arn:aws:iam::1:role/x", "--workflow-timeout=48h", "--fargate", "--assign-public-ip", "--log-group=/flows",
		"--tag=team=ml", "--tag=cost=42", "--name-prefix=stg-", "--history-log-group=arn:aws:logs:eu-west-1:1:log-group:h:*",
		"--history-log-level=ALL", "--history-log-data"}); err != nil {
		t.Fatal(err)
	}
	got := *o.(*stepfunctions.Options)
	want := stepfunctions.Options{Common: backends.Common{Image: "i", DatastoreRoot: "s3://b", MaxWorkers: 3}, JobQueue: "q", Role: "arn:aws:iam::1:role/r",
		ExecutionRole: "arn:aws:iam::1:role/x", WorkflowTimeout: 48 * time.Hour, Fargate: true, AssignPublicIP: true, LogGroup: "/flows",
		Tags: []string{"team=ml", "cost=42"}, NamePrefix: "stg-", HistoryLogGroup: "arn:aws:logs:eu-west-1:1:log-group:h:*", HistoryLogLevel: "ALL",
		HistoryLogData: true}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("options %+v, want %+v", got, want)
	}
	common := pflag.NewFlagSet("common", pflag.ContinueOnError)
	backends.RegisterFlags(common, &otherOptions{})
	own := pflag.NewFlagSet("own", pflag.ContinueOnError)
	o.Flags(own)
	own.VisitAll(func(f *pflag.Flag) {
		if common.Lookup(f.Name) != nil {
			t.Errorf("Flags registers the common flag --%s", f.Name)
		}
	})
}
