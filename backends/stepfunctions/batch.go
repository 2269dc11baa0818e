package stepfunctions

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/flowc-dev/flowc/ir"
	"github.com/flowc-dev/flowc/project"
)

// JobDefinition is an AWS Batch job definition in the shape of Batch's
// RegisterJobDefinition request, so flowc deploy sends it as it is.
type JobDefinition struct {
	JobDefinitionName    string              `json:"jobDefinitionName"`
	Type                 string              `json:"type"`
	PlatformCapabilities []string            `json:"platformCapabilities"`
	PropagateTags        bool                `json:"propagateTags"`
	RetryStrategy        RetryStrategy       `json:"retryStrategy"`
	Timeout              *JobTimeout         `json:"timeout,omitempty"`
	ContainerProperties  ContainerProperties `json:"containerProperties"`
	Tags                 map[string]string   `json:"tags,omitempty"`
}

// RetryStrategy is Batch's own retry. A step's //flow:retry is the state
// machine's (a States Retry can wait between attempts); Batch retries only
// a job whose host went away (a Spot instance reclaimed, an instance
// terminated), up to SpotAttempts in all, which the user's retries do not
// count, and ends every other failure at once.
type RetryStrategy struct {
	Attempts       int              `json:"attempts"`
	EvaluateOnExit []EvaluateOnExit `json:"evaluateOnExit,omitempty"`
}

// EvaluateOnExit is one rule of a RetryStrategy.
type EvaluateOnExit struct {
	OnStatusReason string `json:"onStatusReason,omitempty"`
	OnReason       string `json:"onReason,omitempty"`
	Action         string `json:"action"`
}

// SpotAttempts is how many times Batch runs a job whose host was
// reclaimed (Batch's status reason "Host EC2 (instance ...) terminated.").
const SpotAttempts = 3

// spotRetry retries a job whose host went away, and nothing else.
func spotRetry() RetryStrategy {
	return RetryStrategy{Attempts: SpotAttempts, EvaluateOnExit: []EvaluateOnExit{
		{OnStatusReason: "Host EC2*", Action: "RETRY"},
		{OnReason: "*", Action: "EXIT"},
	}}
}

// JobTimeout is Batch's per-attempt time limit.
type JobTimeout struct {
	AttemptDurationSeconds int `json:"attemptDurationSeconds"`
}

// ContainerProperties is what the job's container gets.
type ContainerProperties struct {
	Image                string                `json:"image"`
	Command              []string              `json:"command"`
	JobRoleArn           string                `json:"jobRoleArn"`
	ExecutionRoleArn     string                `json:"executionRoleArn"`
	ResourceRequirements []ResourceRequirement `json:"resourceRequirements"`
	Environment          []KeyValue            `json:"environment,omitempty"`
	Secrets              []Secret              `json:"secrets,omitempty"`
	LinuxParameters      *LinuxParameters      `json:"linuxParameters,omitempty"`
	Privileged           bool                  `json:"privileged,omitempty"`
	// Fargate's: the platform version, the public IP, the ephemeral
	// storage (//flow:batch ephemeral_storage=, GiB).
	FargatePlatformConfiguration *FargatePlatformConfiguration `json:"fargatePlatformConfiguration,omitempty"`
	NetworkConfiguration         *NetworkConfiguration         `json:"networkConfiguration,omitempty"`
	EphemeralStorage             *EphemeralStorage             `json:"ephemeralStorage,omitempty"`
	LogConfiguration             *LogConfiguration             `json:"logConfiguration,omitempty"`
}

// FargatePlatformConfiguration is a Fargate job's platform version.
type FargatePlatformConfiguration struct {
	PlatformVersion string `json:"platformVersion"`
}

// NetworkConfiguration says whether a Fargate job has a public IP address
// (its subnets and security groups are its compute environment's).
type NetworkConfiguration struct {
	AssignPublicIP string `json:"assignPublicIp"` // ENABLED or DISABLED
}

// EphemeralStorage is a Fargate job's disk, in GiB (21 to 200).
type EphemeralStorage struct {
	SizeInGiB int `json:"sizeInGiB"`
}

// LogConfiguration is the job's log driver and its options.
type LogConfiguration struct {
	LogDriver string            `json:"logDriver"`
	Options   map[string]string `json:"options,omitempty"`
}

// ResourceRequirement is one of VCPU, MEMORY (MiB) and GPU.
type ResourceRequirement struct {
	Type  string `json:"type"`
	Value string `json:"value"`
}

// KeyValue is one environment variable.
type KeyValue struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Secret puts a Secrets Manager secret (by ARN) in an environment
// variable; Batch reads it when the job starts, flowc never sees it.
type Secret struct {
	Name      string `json:"name"`
	ValueFrom string `json:"valueFrom"`
}

// LinuxParameters holds the shared memory, swap and tmpfs settings.
type LinuxParameters struct {
	SharedMemorySize int     `json:"sharedMemorySize,omitempty"`
	MaxSwap          *int    `json:"maxSwap,omitempty"`
	Swappiness       *int    `json:"swappiness,omitempty"`
	Tmpfs            []Tmpfs `json:"tmpfs,omitempty"`
}

// Tmpfs is a memory-backed file system mounted in the container.
type Tmpfs struct {
	ContainerPath string `json:"containerPath"`
	Size          int    `json:"size"` // MiB
}

// defaultTmpfsPath is where //flow:batch use_tmpfs mounts its tmpfs
// without tmpfs_path, as Metaflow does.
const defaultTmpfsPath = "/metaflow_temp"

// minAttemptSeconds is the shortest attempt duration Batch accepts.
const minAttemptSeconds = 60

// timeoutGraceSeconds is added to a step's timeout for Batch's limit: the
// runner enforces the timeout itself (and records it), Batch's limit is a
// backstop for a runner that cannot.
const timeoutGraceSeconds = 60

// OwnerTag is the tag on everything flowc deploys (job definitions, the
// state machine, rules), its value the state machine's name; deploy
// replaces and deletes only what carries it.
const OwnerTag = "flowc:flow"

// FlowNameTag is the tag deploy puts on the state machine beside OwnerTag,
// its value the flow's name (the runs' name in the datastore), which the
// commands that operate deployed flows read.
const FlowNameTag = "flowc:flow-name"

// DefaultAttemptSeconds is Batch's limit on an attempt of a step without
// //flow:timeout: 5 days, Metaflow's default run time limit on Batch.
const DefaultAttemptSeconds = 5 * 24 * 60 * 60

// executionRole is the role ECS starts a job's container with: it reads
// the job's secrets (Batch refuses secrets without one) and pulls the
// image from a private registry. The flow-wide default is --role.
// or returns a, or b when a is empty.
func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func (c *compiler) executionRole() string {
	if c.opts.ExecutionRole != "" {
		return c.opts.ExecutionRole
	}
	return c.opts.Role
}

// jobDefinition builds the job definition of one step. Everything static
// about the step's container is here, so the Task state overrides only the
// command.
func (c *compiler) jobDefinition(s *ir.Step) JobDefinition {
	d := s.Decorators
	jd := JobDefinition{
		Type:                 "container",
		PlatformCapabilities: []string{"EC2"},
		PropagateTags:        true,
		RetryStrategy:        spotRetry(),
		// What flowc deploys carries the flow's state machine name, and
		// --tag's tags.
		Tags: c.jobTags(),
		ContainerProperties: ContainerProperties{
			Image:            c.opts.Image,
			Command:          c.jobCommand(),
			JobRoleArn:       or(c.opts.JobRole, c.opts.Role),
			ExecutionRoleArn: c.executionRole(),
		},
	}
	if d.Batch != nil {
		if d.Batch.Image != "" {
			jd.ContainerProperties.Image = d.Batch.Image
		}
		if d.Batch.IAMRole != "" {
			jd.ContainerProperties.JobRoleArn = d.Batch.IAMRole
		}
		if d.Batch.ExecutionRole != "" {
			jd.ContainerProperties.ExecutionRoleArn = d.Batch.ExecutionRole
		}
		for k, v := range d.Batch.Tags {
			jd.Tags[k] = v
		}
		jd.ContainerProperties.Privileged = d.Batch.Privileged
	}
	jd.Timeout = &JobTimeout{DefaultAttemptSeconds}
	if d.Timeout != nil {
		jd.Timeout = &JobTimeout{max(minAttemptSeconds, d.Timeout.Seconds+timeoutGraceSeconds)}
	}
	jd.ContainerProperties.ResourceRequirements = resources(d)
	if c.opts.Fargate {
		jd.PlatformCapabilities = []string{"FARGATE"}
		ip := "DISABLED"
		if c.opts.AssignPublicIP {
			ip = "ENABLED"
		}
		jd.ContainerProperties.FargatePlatformConfiguration = &FargatePlatformConfiguration{"LATEST"}
		jd.ContainerProperties.NetworkConfiguration = &NetworkConfiguration{ip}
		if d.Batch != nil && d.Batch.EphemeralStorage > 0 {
			jd.ContainerProperties.EphemeralStorage = &EphemeralStorage{d.Batch.EphemeralStorage}
		}
	}
	jd.ContainerProperties.LogConfiguration = c.logConfiguration(d.Batch)
	if d.Batch != nil {
		mem, _ := strconv.Atoi(jd.ContainerProperties.ResourceRequirements[1].Value)
		jd.ContainerProperties.LinuxParameters = linuxParameters(d.Batch, mem)
		if lp := jd.ContainerProperties.LinuxParameters; lp != nil && len(lp.Tmpfs) > 0 {
			jd.ContainerProperties.Environment = append(jd.ContainerProperties.Environment, KeyValue{"TMPDIR", lp.Tmpfs[0].ContainerPath})
		}
	}
	// The runner tags the run it records runtime:$FLOWC_ENGINE.
	jd.ContainerProperties.Environment = append([]KeyValue{{"FLOWC_ENGINE", "step-functions"}}, jd.ContainerProperties.Environment...)
	// The run's project and branch, for its tags and flow.Context.
	for _, kv := range project.OfFlow(c.f).Env() {
		k, v, _ := strings.Cut(kv, "=")
		jd.ContainerProperties.Environment = append(jd.ContainerProperties.Environment, KeyValue{k, v})
	}
	if d.Environment != nil {
		for _, k := range sortedKeys(d.Environment.Vars) {
			jd.ContainerProperties.Environment = append(jd.ContainerProperties.Environment, KeyValue{k, d.Environment.Vars[k]})
		}
	}
	if d.Secrets != nil {
		// Batch puts each secret, whole, in one variable; the runner
		// splits a JSON secret into a variable per key (as a Kubernetes
		// Secret gives on argo), told by FLOWC_SECRETS_JSON which.
		var vars []string
		for _, src := range d.Secrets.Sources {
			jd.ContainerProperties.Secrets = append(jd.ContainerProperties.Secrets, Secret{secretEnv(src), c.secretARN(src)})
			vars = append(vars, secretEnv(src))
		}
		jd.ContainerProperties.Environment = append(jd.ContainerProperties.Environment, KeyValue{"FLOWC_SECRETS_JSON", strings.Join(vars, ",")})
		if d.Secrets.AllowOverride {
			jd.ContainerProperties.Environment = append(jd.ContainerProperties.Environment, KeyValue{"FLOWC_SECRETS_OVERRIDE", "1"})
		}
	}
	jd.JobDefinitionName = c.names.machine + "-" + definitionHash(jd)
	return jd
}

// jobTags are a job definition's tags: --tag's and flowc's own.
func (c *compiler) jobTags() map[string]string {
	tags, _ := ParseTags(c.opts.Tags)
	tags[OwnerTag] = c.names.machine
	return tags
}

// logConfiguration is the job's: a step's //flow:batch log_driver= and
// log_options= ("KEY:VALUE" each, as Metaflow), else --log-driver and
// --log-group (the awslogs driver's group, with the stream prefix
// "flowc"), else none (Batch's default: awslogs to /aws/batch/job).
func (c *compiler) logConfiguration(b *ir.Batch) *LogConfiguration {
	if b != nil && (b.LogDriver != "" || len(b.LogOptions) > 0) {
		lc := &LogConfiguration{LogDriver: or(b.LogDriver, "awslogs")}
		for _, o := range b.LogOptions {
			k, v, _ := strings.Cut(o, ":")
			if lc.Options == nil {
				lc.Options = map[string]string{}
			}
			lc.Options[k] = v
		}
		return lc
	}
	if c.opts.LogDriver == "" && c.opts.LogGroup == "" {
		return nil
	}
	lc := &LogConfiguration{LogDriver: or(c.opts.LogDriver, "awslogs")}
	if c.opts.LogGroup != "" {
		lc.Options = map[string]string{"awslogs-group": c.opts.LogGroup, "awslogs-stream-prefix": "flowc"}
	}
	return lc
}

// resources returns the step's VCPU, MEMORY and GPU: the largest of what
// //flow:resources, //flow:batch and //flow:kubernetes ask for (as
// Metaflow takes the larger of @resources and the compute decorator), with
// Metaflow's defaults of 1 CPU and 4096 MiB.
func resources(d ir.StepDecorators) []ResourceRequirement {
	cpu, mem, gpu := 1.0, 4096, 0
	if r := d.Resources; r != nil {
		cpu, mem, gpu = math.Max(cpu, r.CPU), max(mem, r.Memory), max(gpu, r.GPU)
	}
	if b := d.Batch; b != nil {
		cpu, mem, gpu = math.Max(cpu, b.CPU), max(mem, b.Memory), max(gpu, b.GPU)
	}
	if k := d.Kubernetes; k != nil {
		cpu, mem, gpu = math.Max(cpu, k.CPU), max(mem, k.Memory), max(gpu, k.GPU)
	}
	out := []ResourceRequirement{
		{"VCPU", strconv.FormatFloat(cpu, 'g', -1, 64)},
		{"MEMORY", strconv.Itoa(mem)},
	}
	if gpu > 0 {
		out = append(out, ResourceRequirement{"GPU", strconv.Itoa(gpu)})
	}
	return out
}

// linuxParameters are the step's shared memory, swap, and tmpfs: with
// use_tmpfs (or a tmpfs_size), a tmpfs of tmpfs_size MiB (default half the
// job's memory, as Metaflow) at tmpfs_path (default /metaflow_temp), which
// TMPDIR names so that os.TempDir uses it.
func linuxParameters(b *ir.Batch, memory int) *LinuxParameters {
	useTmpfs := b.UseTmpfs || b.TmpfsSize > 0
	if b.SharedMemory == 0 && b.MaxSwap == 0 && b.Swappiness == 0 && !useTmpfs {
		return nil
	}
	lp := &LinuxParameters{SharedMemorySize: b.SharedMemory}
	if useTmpfs {
		t := Tmpfs{ContainerPath: b.TmpfsPath, Size: b.TmpfsSize}
		if t.ContainerPath == "" {
			t.ContainerPath = defaultTmpfsPath
		}
		if t.Size == 0 {
			t.Size = max(1, memory/2)
		}
		lp.Tmpfs = []Tmpfs{t}
	}
	if b.MaxSwap != 0 || b.Swappiness != 0 {
		swap, sw := b.MaxSwap, b.Swappiness
		lp.MaxSwap, lp.Swappiness = &swap, &sw
	}
	return lp
}

// definitionHash names a job definition by its content, so a deploy of an
// unchanged flow finds it registered and registers nothing.
func definitionHash(jd JobDefinition) string {
	data, _ := json.Marshal(jd)
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])[:12]
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
