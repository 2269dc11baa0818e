package ir

import "sort"

// StepDecorators are a step's resolved //flow: directives, with Metaflow's
// defaults filled in. A nil field means the directive is absent.
type StepDecorators struct {
	Retry       *Retry       `json:"retry,omitempty"`
	Catch       *Catch       `json:"catch,omitempty"`
	Timeout     *Timeout     `json:"timeout,omitempty"`
	Resources   *Resources   `json:"resources,omitempty"`
	Environment *Environment `json:"environment,omitempty"`
	Secrets     *Secrets     `json:"secrets,omitempty"`
	Cards       []Card       `json:"cards,omitempty"`
	Kubernetes  *Kubernetes  `json:"kubernetes,omitempty"`
	Batch       *Batch       `json:"batch,omitempty"`
	Cache       *Cache       `json:"cache,omitempty"`
	// Directives are the directives as written, for the targets'
	// support tables; not part of the plan.
	Directives []Directive `json:"-"`
}

// FlowDecorators are the flow's resolved //flow: directives.
type FlowDecorators struct {
	Schedule        *Schedule        `json:"schedule,omitempty"`
	Project         *Project         `json:"project,omitempty"`
	Trigger         *Trigger         `json:"trigger,omitempty"`
	TriggerOnFinish *TriggerOnFinish `json:"trigger_on_finish,omitempty"`
	ExitHooks       []ExitHook       `json:"exit_hooks,omitempty"`
	// Directives are the directives as written, for the targets'
	// support tables; not part of the plan.
	Directives []Directive `json:"-"`
}

// Directive is one //flow: directive as the flow's source writes it: its
// name, the attributes it gives (each once, in order) and its position.
// The front end records them beside the resolved values so that a target
// can refuse a directive or an attribute it cannot express, whatever its
// value (backends.Support), instead of silently ignoring it.
type Directive struct {
	Name  string
	Attrs []string
	Pos   Pos
}

// Retry is //flow:retry: run a failed attempt again, up to Times more times.
type Retry struct {
	Times                 int `json:"times"`                   // 0..4, default 3
	MinutesBetweenRetries int `json:"minutes_between_retries"` // default 2; orchestrators only
	Pos                   Pos `json:"pos"`
}

// Catch is //flow:catch: a step whose last attempt fails still succeeds, with
// the error stored in the artifact Var.
type Catch struct {
	Var            string `json:"var,omitempty"`
	PrintException bool   `json:"print_exception"`
	Pos            Pos    `json:"pos"`
}

// Timeout is //flow:timeout: each attempt is stopped after Seconds.
type Timeout struct {
	Seconds int `json:"seconds"` // seconds + 60*minutes + 3600*hours as written
	Pos     Pos `json:"pos"`
}

// Resources is //flow:resources: what a task needs from the machine running
// it. CPU is in cores, Memory, Disk and SharedMemory in MiB.
type Resources struct {
	CPU          float64 `json:"cpu"`    // default 1
	GPU          int     `json:"gpu"`    // default 0
	Memory       int     `json:"memory"` // default 4096
	Disk         int     `json:"disk,omitempty"`
	SharedMemory int     `json:"shared_memory,omitempty"`
	Pos          Pos     `json:"pos"`
}

// Environment is //flow:environment: variables added to the task's
// environment.
type Environment struct {
	Vars map[string]string `json:"vars"`
	Pos  Pos               `json:"pos"`
}

// Secrets is //flow:secrets: references to secrets whose keys become
// environment variables of the task. flowc never sees their values.
type Secrets struct {
	Sources       []string `json:"sources"`
	Role          string   `json:"role,omitempty"`
	AllowOverride bool     `json:"allow_override,omitempty"`
	Pos           Pos      `json:"pos"`
}

// Cache is //flow:cache: a task of the step may be reused from an earlier
// run instead of running, when the runner's code, the run's parameters and
// configs and the task's inputs are the same (runtime/exec).
type Cache struct {
	Pos Pos `json:"pos"`
}

// Card is //flow:card: an HTML report made after the task.
type Card struct {
	Type            string            `json:"type"` // default or blank
	ID              string            `json:"id,omitempty"`
	Timeout         int               `json:"timeout"` // seconds, default 45
	Options         map[string]string `json:"options,omitempty"`
	RefreshInterval int               `json:"refresh_interval"` // seconds, default 5
	SaveErrors      bool              `json:"save_errors"`
	Pos             Pos               `json:"pos"`
}

// Toleration is one Kubernetes toleration.
type Toleration struct {
	Key      string `json:"key,omitempty"`
	Operator string `json:"operator,omitempty"`
	Value    string `json:"value,omitempty"`
	Effect   string `json:"effect,omitempty"`
}

// Kubernetes is //flow:kubernetes: how the step's pod is shaped on Argo.
type Kubernetes struct {
	CPU                    float64           `json:"cpu"`    // default 1
	Memory                 int               `json:"memory"` // MiB, default 4096
	Disk                   int               `json:"disk"`   // MiB, default 10240
	GPU                    int               `json:"gpu,omitempty"`
	GPUVendor              string            `json:"gpu_vendor"` // default nvidia
	Image                  string            `json:"image,omitempty"`
	ImagePullPolicy        string            `json:"image_pull_policy,omitempty"`
	Namespace              string            `json:"namespace,omitempty"`
	ServiceAccount         string            `json:"service_account,omitempty"`
	Secrets                []string          `json:"secrets,omitempty"`
	NodeSelector           map[string]string `json:"node_selector,omitempty"`
	Tolerations            []Toleration      `json:"tolerations,omitempty"`
	Labels                 map[string]string `json:"labels,omitempty"`
	Annotations            map[string]string `json:"annotations,omitempty"`
	UseTmpfs               bool              `json:"use_tmpfs,omitempty"`
	TmpfsSize              int               `json:"tmpfs_size,omitempty"`
	TmpfsPath              string            `json:"tmpfs_path,omitempty"`
	PersistentVolumeClaims map[string]string `json:"persistent_volume_claims,omitempty"` // claim name to mount path
	SharedMemory           int               `json:"shared_memory,omitempty"`
	Port                   int               `json:"port,omitempty"`
	ComputePool            string            `json:"compute_pool,omitempty"`
	QOS                    string            `json:"qos"` // default Burstable
	Pos                    Pos               `json:"pos"`
}

// Batch is //flow:batch: how the step's AWS Batch job is shaped on Step
// Functions.
type Batch struct {
	CPU              float64           `json:"cpu"` // default 1
	GPU              int               `json:"gpu,omitempty"`
	Memory           int               `json:"memory"` // MiB, default 4096
	Image            string            `json:"image,omitempty"`
	Queue            string            `json:"queue,omitempty"`
	IAMRole          string            `json:"iam_role,omitempty"`
	ExecutionRole    string            `json:"execution_role,omitempty"`
	SharedMemory     int               `json:"shared_memory,omitempty"`
	MaxSwap          int               `json:"max_swap,omitempty"`
	Swappiness       int               `json:"swappiness,omitempty"`
	UseTmpfs         bool              `json:"use_tmpfs,omitempty"`
	TmpfsSize        int               `json:"tmpfs_size,omitempty"`
	TmpfsPath        string            `json:"tmpfs_path,omitempty"`
	Inferentia       int               `json:"inferentia,omitempty"`
	Trainium         int               `json:"trainium,omitempty"`
	EFA              int               `json:"efa,omitempty"`
	EphemeralStorage int               `json:"ephemeral_storage,omitempty"` // GiB
	LogDriver        string            `json:"log_driver,omitempty"`
	LogOptions       []string          `json:"log_options,omitempty"`
	Privileged       bool              `json:"privileged,omitempty"`
	Tags             map[string]string `json:"aws_batch_tags,omitempty"`
	HostVolumes      []string          `json:"host_volumes,omitempty"`
	EFSVolumes       []string          `json:"efs_volumes,omitempty"`
	Pos              Pos               `json:"pos"`
}

// Schedule is //flow:schedule. Cron is the resolved expression in the
// five-field form (minute hour day-of-month month day-of-week), from cron=,
// or from weekly, hourly or daily (the default) in that order.
type Schedule struct {
	Cron     string `json:"cron"`
	Timezone string `json:"timezone,omitempty"` // an IANA zone name
	Pos      Pos    `json:"pos"`
}

// Project is //flow:project: the flow belongs to a project, and its
// deployments are named per branch.
type Project struct {
	Name       string `json:"name"`
	Branch     string `json:"branch,omitempty"`
	Production bool   `json:"production,omitempty"`
	Pos        Pos    `json:"pos"`
}

// Event is one event a triggered flow waits for. Parameters maps a flow
// parameter to the event field that sets it.
type Event struct {
	Name       string            `json:"name"`
	Parameters map[string]string `json:"parameters,omitempty"`
}

// Trigger is //flow:trigger: the flow runs when the events arrive.
type Trigger struct {
	Events  []Event           `json:"events"`
	Options map[string]string `json:"options,omitempty"`
	Pos     Pos               `json:"pos"`
}

// TriggerOnFinish is //flow:trigger_on_finish: the flow runs when the named
// flows finish successfully.
type TriggerOnFinish struct {
	Flows   []string          `json:"flows"`
	Options map[string]string `json:"options,omitempty"`
	Pos     Pos               `json:"pos"`
}

// ExitHook is one //flow:exit_hook: functions of the flow's package, each
// func(context.Context, flow.RunInfo) error, run once when a run ends:
// OnSuccess when it succeeded, OnError when it failed, in order.
type ExitHook struct {
	OnSuccess []string `json:"on_success,omitempty"`
	OnError   []string `json:"on_error,omitempty"`
	Pos       Pos      `json:"pos"`
}

// HookFuncs returns the exit hook functions of the flow for a run that
// succeeded or failed, in the order the directives name them, each once.
func (d FlowDecorators) HookFuncs(succeeded bool) []string {
	var out []string
	seen := map[string]bool{}
	for _, h := range d.ExitHooks {
		names := h.OnError
		if succeeded {
			names = h.OnSuccess
		}
		for _, n := range names {
			if !seen[n] {
				seen[n] = true
				out = append(out, n)
			}
		}
	}
	return out
}

// AllHookFuncs returns every exit hook function of the flow, sorted, each
// once: what the runner must be able to call.
func (d FlowDecorators) AllHookFuncs() []string {
	seen := map[string]bool{}
	var out []string
	for _, n := range append(d.HookFuncs(true), d.HookFuncs(false)...) {
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}
