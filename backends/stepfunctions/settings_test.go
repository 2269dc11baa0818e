package stepfunctions_test

import (
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/flowc-dev/flowc/backends/stepfunctions"
)

// settingsOptions are e2eOptions with every operator setting given.
func settingsOptions() stepfunctions.Options {
	o := e2eOptions
	o.Fargate, o.AssignPublicIP = true, true
	o.LogGroup = "/flows/batch"
	o.Tags = []string{"team=ml", "cost-center=42"}
	o.NamePrefix = "stg-"
	o.HistoryLogGroup = "arn:aws:logs:eu-west-1:123456789012:log-group:flow-history"
	o.HistoryLogLevel, o.HistoryLogData = "ALL", true
	return o
}

// TestOperatorSettings compiles with every operator setting: Fargate job
// definitions (platform, public IP, the step's ephemeral storage), the
// log configuration (--log-group, a step's log_driver and log_options),
// --tag's tags on the job definitions and in what deploy tags, the name
// prefix on the state machine and everything named after it, and the
// execution-history logging.
func TestOperatorSettings(t *testing.T) {
	o := settingsOptions()
	files := compileDir(t, filepath.Join("testdata", "fargate"), o)
	var jobs []stepfunctions.JobDefinition
	if err := json.Unmarshal(files[".batch.json"], &jobs); err != nil {
		t.Fatal(err)
	}
	var disk, plain *stepfunctions.JobDefinition
	for i, jd := range jobs {
		if !strings.HasPrefix(jd.JobDefinitionName, "stg-Disk-") {
			t.Errorf("job definition %s not named after the prefixed machine", jd.JobDefinitionName)
		}
		if !slices.Equal(jd.PlatformCapabilities, []string{"FARGATE"}) || jd.ContainerProperties.FargatePlatformConfiguration == nil ||
			jd.ContainerProperties.NetworkConfiguration == nil || jd.ContainerProperties.NetworkConfiguration.AssignPublicIP != "ENABLED" {
			t.Errorf("job definition %s: not a Fargate one with a public IP: %+v", jd.JobDefinitionName, jd)
		}
		if jd.Tags["team"] != "ml" || jd.Tags["cost-center"] != "42" || jd.Tags[stepfunctions.OwnerTag] != "stg-Disk" {
			t.Errorf("job definition %s tags %v", jd.JobDefinitionName, jd.Tags)
		}
		if jd.ContainerProperties.EphemeralStorage != nil {
			disk = &jobs[i]
		} else {
			plain = &jobs[i]
		}
	}
	if disk == nil || disk.ContainerProperties.EphemeralStorage.SizeInGiB != 100 {
		t.Fatalf("no job definition with the step's 100 GiB: %s", files[".batch.json"])
	}
	if lc := disk.ContainerProperties.LogConfiguration; lc == nil || lc.LogDriver != "fluentd" || lc.Options["fluentd-address"] != "localhost:24224" || lc.Options["tag"] != "disk" {
		t.Errorf("the step's log configuration: %+v", disk.ContainerProperties.LogConfiguration)
	}
	if plain == nil {
		t.Fatalf("no job definition without the step's settings: %s", files[".batch.json"])
	}
	if lc := plain.ContainerProperties.LogConfiguration; lc == nil || lc.LogDriver != "awslogs" || lc.Options["awslogs-group"] != "/flows/batch" {
		t.Errorf("--log-group's log configuration: %+v", plain.ContainerProperties.LogConfiguration)
	}

	f, dir := loadDir(t, filepath.Join("testdata", "fargate"))
	o.Dir = dir
	c, diags, err := stepfunctions.Target{}.Build(f, &o)
	if err != nil || len(diags) > 0 {
		t.Fatal(err, diags)
	}
	if c.Name != "stg-Disk" || c.Rules[0].Name != "stg-Disk-ended" || !strings.Contains(c.Rules[0].EventPattern, `":stateMachine:stg-Disk"`) {
		t.Errorf("machine %s, rule %s %s: want the prefix stg-", c.Name, c.Rules[0].Name, c.Rules[0].EventPattern)
	}
	if c.Tags["team"] != "ml" || c.Tags[stepfunctions.OwnerTag] != "stg-Disk" || c.Tags[stepfunctions.FlowNameTag] != "Disk" {
		t.Errorf("tags %v", c.Tags)
	}
	if l := c.Logging; l == nil || l.Level != "ALL" || !l.IncludeExecutionData || len(l.Destinations) != 1 ||
		l.Destinations[0].CloudWatchLogsLogGroup.LogGroupArn != "arn:aws:logs:eu-west-1:123456789012:log-group:flow-history:*" {
		t.Errorf("logging %+v", c.Logging)
	}

	// Without the settings: EC2, no log configuration, no logging.
	plainOpts := e2eOptions
	c, _, _ = stepfunctions.Target{}.Build(f, &plainOpts)
	if c != nil {
		t.Errorf("the Fargate flow compiles for EC2 (its ephemeral_storage is Fargate's)")
	}
}

// TestFargateRefuses: what a Fargate job cannot have is a diagnostic at
// the directive or step that asks for it.
func TestFargateRefuses(t *testing.T) {
	f, dir := loadDir(t, filepath.Join("testdata", "fargatebad"))
	o := settingsOptions()
	o.Dir = dir
	_, diags, err := stepfunctions.Target{}.Build(f, &o)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range diags {
		got = append(got, d.Error())
	}
	all := strings.Join(got, "\n")
	for _, want := range []string{
		"FLOW080 step-functions: step Start asks for a GPU",
		"FLOW080 step-functions: batch privileged: Fargate jobs cannot be privileged",
		"FLOW080 step-functions: batch shared_memory, max_swap, swappiness and tmpfs",
		"FLOW083 step-functions: step Odd asks for 3 CPUs",
		"FLOW083 step-functions: batch ephemeral_storage=10: Fargate takes 21 to 200 GiB",
		`FLOW083 step-functions: batch log_options "novalue"`,
		"FLOW083 step-functions: step End asks for 16384 MiB with 1 CPUs; a Fargate job with 1 CPUs takes 2048 to 8192 MiB in steps of 1024",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("diagnostics lack %q:\n%s", want, all)
		}
	}
}

// TestSettingsChecked: the options' values are checked before compiling.
func TestSettingsChecked(t *testing.T) {
	for _, tc := range []struct {
		set  func(o *stepfunctions.Options)
		want string
	}{
		{func(o *stepfunctions.Options) { o.Fargate = false }, "--assign-public-ip applies to Fargate jobs only"},
		{func(o *stepfunctions.Options) { o.Tags = []string{"novalue"} }, `--tag "novalue": want KEY=VALUE`},
		{func(o *stepfunctions.Options) { o.Tags = []string{"aws:x=1"} }, "keys beginning aws: are AWS's"},
		{func(o *stepfunctions.Options) { o.Tags = []string{"flowc:flow=x"} }, "flowc's own tag"},
		{func(o *stepfunctions.Options) { o.NamePrefix = "a b" }, `--name-prefix "a b"`},
		{func(o *stepfunctions.Options) { o.HistoryLogGroup = "flow-history" }, "is not a log group ARN"},
		{func(o *stepfunctions.Options) { o.HistoryLogLevel = "DEBUG" }, `--history-log-level "DEBUG"`},
		{func(o *stepfunctions.Options) { o.LogDriver = "syslog" }, "--log-group is the awslogs driver's, not syslog's"},
		{func(o *stepfunctions.Options) { o.LogDriver = "nope"; o.LogGroup = "" }, `--log-driver "nope"`},
	} {
		o := settingsOptions()
		tc.set(&o)
		if err := o.Check(); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Check: %v, want %q", err, tc.want)
		}
	}
	o := settingsOptions()
	if err := o.Check(); err != nil {
		t.Errorf("every setting given: %v", err)
	}
}
