package stepfunctions

import (
	"strings"
	"testing"
)

func TestEventBridgeCron(t *testing.T) {
	for _, tc := range []struct{ in, want, err string }{
		{"0 2 * * *", "cron(0 2 * * ? *)", ""},
		{"*/15 * * * *", "cron(*/15 * * * ? *)", ""},
		{"30 6 * * 1-5", "cron(30 6 ? * 2-6 *)", ""},
		{"0 0 * * 0", "cron(0 0 ? * 1 *)", ""},
		{"0 0 * * 7", "cron(0 0 ? * 1 *)", ""},
		{"0 0 * * 1,3,6", "cron(0 0 ? * 2,4,7 *)", ""},
		{"0 0 * * 1-6/2", "cron(0 0 ? * 2-7/2 *)", ""},
		{"0 0 * * MON-FRI", "cron(0 0 ? * MON-FRI *)", ""},
		{"0 12 1 * *", "cron(0 12 1 * ? *)", ""},
		{"0 2 1 * 1", "", "both the day of the month and the day of the week"},
		{"0 0 * * 5-7", "", "wraps past Sunday"},
		{"0 0 * * 9", "", "out of range"},
		{"0 0 * *", "", "five fields"},
	} {
		got, err := eventBridgeCron(tc.in)
		switch {
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("%q: error %v, want one saying %q", tc.in, err, tc.err)
		case tc.err == "" && (err != nil || got != tc.want):
			t.Errorf("%q: %q %v, want %q", tc.in, got, err, tc.want)
		}
	}
}

func TestMachineName(t *testing.T) {
	if got := machineName("Training", "", ""); got != "Training" {
		t.Errorf("got %q", got)
	}
	if got := machineName("Training", "fraud.ml", "main"); got != "fraud-ml-main-Training" {
		t.Errorf("got %q", got)
	}
	long := strings.Repeat("A", 100)
	a, b := machineName(long, "", ""), machineName(long+"B", "", "")
	if len(a) != maxMachineName || len(b) != maxMachineName || a == b {
		t.Errorf("long names %q and %q: want %d characters each, different", a, b, maxMachineName)
	}
}

// FuzzMachineName: whatever the branch (user.NAME holds a user's name,
// any character), a state machine's name is 1 to 80 characters of
// [A-Za-z0-9_-], and two names over the limit that differ stay apart.
func FuzzMachineName(f *testing.F) {
	for _, s := range []string{"user.ana", "prod", "test.x", "user.Bob.Smith@example.com", "ü", strings.Repeat("b", 200)} {
		f.Add("Train", "fraud", s)
	}
	f.Fuzz(func(t *testing.T, flow, project, branch string) {
		if flow == "" || project == "" || branch == "" {
			t.Skip()
		}
		n := machineName(flow, project, branch)
		if len(n) == 0 || len(n) > maxMachineName || invalidNameChars.MatchString(n) {
			t.Fatalf("machineName(%q, %q, %q) = %q", flow, project, branch, n)
		}
		if long := machineName(flow, project, branch+strings.Repeat("x", 100)); long == machineName(flow, project, branch+strings.Repeat("x", 101)) {
			t.Fatalf("two long names meet: %q", long)
		}
	})
}

func TestFormatEscapes(t *testing.T) {
	if got := format("it's {x}\\", "/"); got != `'it\'s \{x\}\\{}/'` {
		t.Errorf("got %s", got)
	}
}

func TestSecretEnv(t *testing.T) {
	for in, want := range map[string]string{
		"db-credentials": "DB_CREDENTIALS",
		"arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-AbCdEf": "PROD_DB",
	} {
		if got := secretEnv(in); got != want {
			t.Errorf("%s: %s, want %s", in, got, want)
		}
	}
}
