package stepfunctions

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/flowc-dev/flowc/backends"
	"github.com/flowc-dev/flowc/diag"
	"github.com/flowc-dev/flowc/ir"
)

func init() { backends.Register(Target{}) }

// Target is the step-functions target.
type Target struct{}

// Name returns "step-functions".
func (Target) Name() string { return "step-functions" }

// splitS3 splits s3://bucket/prefix.
func splitS3(root string) (bucket, prefix string, err error) {
	rest, ok := strings.CutPrefix(root, "s3://")
	bucket, prefix, _ = strings.Cut(rest, "/")
	if !ok || bucket == "" {
		return "", "", fmt.Errorf("step-functions needs --datastore-root s3://BUCKET[/PREFIX], got %q", root)
	}
	return bucket, strings.Trim(prefix, "/"), nil
}

// Compiled is what the target makes of a flow, typed: Compile writes it
// as files, and the deploy package sends it as it is.
type Compiled struct {
	// Flow is the flow's name, the files' prefix.
	Flow string
	// Name is the state machine's name (MachineName).
	Name string
	// Role is the IAM role ARN the state machine runs as (--role).
	Role string
	// Machine is the state machine's definition.
	Machine Machine
	// Jobs are the Batch job definitions, sorted by name.
	Jobs []JobDefinition
	// Schedule is the EventBridge Scheduler schedule, or nil.
	Schedule *Schedule
	// Rules are the EventBridge rules (MACHINE-ended first).
	Rules []Rule
	// Tags are the tags of the state machine and the rules: OwnerTag,
	// FlowNameTag and --tag's.
	Tags map[string]string
	// Logging is the state machine's execution-history logging
	// (--history-log-group), or nil for none.
	Logging *Logging
}

// Logging is a state machine's loggingConfiguration, in the shape of the
// CreateStateMachine request's.
type Logging struct {
	Level                string        `json:"level"`
	IncludeExecutionData bool          `json:"includeExecutionData"`
	Destinations         []Destination `json:"destinations"`
}

// Destination is where a state machine logs.
type Destination struct {
	CloudWatchLogsLogGroup struct {
		LogGroupArn string `json:"logGroupArn"`
	} `json:"cloudWatchLogsLogGroup"`
}

// Definition is the state machine's definition as deploy sends it: JSON
// without indentation (Step Functions counts every byte).
func (c *Compiled) Definition() (string, error) {
	data, err := compact(c.Machine)
	return string(data), err
}

// Files are the files Compile writes: FLOW.asl.json, FLOW.batch.json, and
// FLOW.schedule.json and FLOW.rules.json when there is a schedule or a
// rule.
func (c *Compiled) Files() ([]backends.File, error) {
	var files []backends.File
	add := func(suffix string, v any) error {
		data, err := marshal(v)
		if err != nil {
			return fmt.Errorf("compile %s: %s: %w", c.Flow, suffix, err)
		}
		files = append(files, backends.File{Name: c.Flow + suffix, Data: data})
		return nil
	}
	if err := add(".asl.json", c.Machine); err != nil {
		return nil, err
	}
	if err := add(".batch.json", c.Jobs); err != nil {
		return nil, err
	}
	if c.Schedule != nil {
		if err := add(".schedule.json", c.Schedule); err != nil {
			return nil, err
		}
	}
	if c.Rules != nil {
		if err := add(".rules.json", c.Rules); err != nil {
			return nil, err
		}
	}
	return files, nil
}

// Compile emits FLOW.asl.json (the state machine), FLOW.batch.json (the
// job definitions), and FLOW.schedule.json and FLOW.rules.json when the
// flow is scheduled or triggered.
func (t Target) Compile(f *ir.Flow, opts backends.Options) ([]backends.File, diag.List, error) {
	c, diags, err := t.Build(f, opts)
	if err != nil || len(diags) > 0 {
		return nil, diags, err
	}
	files, err := c.Files()
	return files, nil, err
}

// Build compiles f into the typed result that Compile writes and deploy
// sends; diagnostics mean no result.
func (Target) Build(f *ir.Flow, opts backends.Options) (*Compiled, diag.List, error) {
	o, err := backends.OptionsFor[*Options]("step-functions", opts)
	if err != nil {
		return nil, nil, err
	}
	if err := o.Check(); err != nil {
		return nil, nil, err
	}
	c := newCompiler(f, *o)
	c.diags = append(c.diags, support.Diagnose("step-functions", o.Dir, f)...)
	m := c.machine()
	c.checkSize(m)
	jobs := c.jobList()
	sched := c.schedule()
	rules := c.rules()
	if len(c.diags) > 0 {
		return nil, c.diags.Sorted(), nil
	}
	return &Compiled{Flow: f.Name, Name: c.names.machine, Role: o.Role, Machine: m, Jobs: jobs, Schedule: sched, Rules: rules, Tags: c.tags(), Logging: c.logging()}, nil, nil
}

// maxDefinition is the largest state machine definition Step Functions
// takes, in bytes; flowc deploy sends it without indentation.
const maxDefinition = 1 << 20

// checkSize reports a definition too large to deploy.
func (c *compiler) checkSize(m Machine) {
	data, err := compact(m)
	if err == nil && len(data) > maxDefinition {
		c.diags.Add(c.pos(c.f.Pos), diag.TargetLimit,
			"step-functions: the state machine definition of %s is %d bytes without indentation; Step Functions takes at most %d (split the flow)",
			c.f.Name, len(data), maxDefinition)
	}
}

// compact marshals v as JSON without indentation or HTML escaping: the
// definition flowc deploy sends.
func compact(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// marshal writes v as indented JSON without HTML escaping (ASL paths hold
// $ and &), ending in a newline.
func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// compiler holds what one compilation needs.
type compiler struct {
	f               *ir.Flow
	opts            Options
	names           names
	partition       string
	bucket, prefix  string
	region, account string // from an ARN among the options, or empty
	jobs            map[string]JobDefinition
	stepJob         map[string]string // step to its job definition's name
	endRunJob       string            // the job definition of end-run
	diags           diag.List
}

func newCompiler(f *ir.Flow, opts Options) *compiler {
	c := &compiler{f: f, opts: opts, jobs: map[string]JobDefinition{}, stepJob: map[string]string{}, partition: "aws"}
	c.bucket, c.prefix, _ = splitS3(opts.DatastoreRoot)
	if a, ok := parseARN(opts.Role); ok {
		c.partition, c.account = a.partition, a.account
	}
	if a, ok := parseARN(opts.JobQueue); ok {
		c.region, c.account = a.region, a.account
	}
	c.names = names{machine: PrefixedName(opts.NamePrefix, MachineName(f))}
	for _, s := range f.Steps {
		c.checkStep(s)
		jd := c.jobDefinition(s)
		c.jobs[jd.JobDefinitionName] = jd
		c.stepJob[s.Name] = jd.JobDefinitionName
	}
	// end-run needs no more than Metaflow's defaults.
	jd := c.jobDefinition(&ir.Step{})
	c.jobs[jd.JobDefinitionName] = jd
	c.endRunJob = jd.JobDefinitionName
	return c
}

// pos turns an IR position into a diagnostic's, the file made absolute.
func (c *compiler) pos(p ir.Pos) diag.Pos {
	return diag.Pos(p.In(c.opts.Dir))
}

// jobList returns the job definitions sorted by name.
func (c *compiler) jobList() []JobDefinition {
	out := make([]JobDefinition, 0, len(c.jobs))
	for _, k := range slices.Sorted(maps.Keys(c.jobs)) {
		out = append(out, c.jobs[k])
	}
	return out
}

// secretARN is the ARN of a //flow:secrets source: the source itself when
// it is an ARN, else the Secrets Manager secret of that name in the region
// and account of --job-queue's ARN.
func (c *compiler) secretARN(src string) string {
	if strings.HasPrefix(src, "arn:") {
		return src
	}
	if c.region == "" || c.account == "" {
		return ""
	}
	return fmt.Sprintf("arn:%s:secretsmanager:%s:%s:secret:%s", c.partition, c.region, c.account, src)
}

// tags are the tags of everything deploy creates: --tag's, and flowc's own.
func (c *compiler) tags() map[string]string {
	tags := c.jobTags()
	tags[FlowNameTag] = c.f.Name
	return tags
}

// logging is the state machine's execution-history logging: to
// --history-log-group (its ARN ending in :*, as Step Functions wants it),
// at --history-log-level (default ERROR).
func (c *compiler) logging() *Logging {
	group := c.opts.HistoryLogGroup
	if group == "" {
		return nil
	}
	if !strings.HasSuffix(group, ":*") {
		group += ":*"
	}
	l := &Logging{Level: or(c.opts.HistoryLogLevel, "ERROR"), IncludeExecutionData: c.opts.HistoryLogData, Destinations: []Destination{{}}}
	l.Destinations[0].CloudWatchLogsLogGroup.LogGroupArn = group
	return l
}
