package argo

// The Kubernetes, Argo Workflows and Argo Events objects flowc emits, as
// flowc's own typed structs: only the fields flowc sets, with the JSON names
// of argoproj.io/v1alpha1. They are marshalled once, with sigs.k8s.io/yaml,
// which sorts every key, so the output is deterministic.

// ObjectMeta is the metadata of an object or of a template's pods.
type ObjectMeta struct {
	Name         string            `json:"name,omitempty"`
	GenerateName string            `json:"generateName,omitempty"`
	Namespace    string            `json:"namespace,omitempty"`
	Labels       map[string]string `json:"labels,omitempty"`
	Annotations  map[string]string `json:"annotations,omitempty"`
}

// WorkflowTemplate is an argoproj.io/v1alpha1 WorkflowTemplate.
type WorkflowTemplate struct {
	APIVersion string       `json:"apiVersion"`
	Kind       string       `json:"kind"`
	Metadata   ObjectMeta   `json:"metadata"`
	Spec       WorkflowSpec `json:"spec"`
}

// WorkflowSpec is the spec of a Workflow, WorkflowTemplate or CronWorkflow's
// workflowSpec.
type WorkflowSpec struct {
	Entrypoint            string                 `json:"entrypoint,omitempty"`
	OnExit                string                 `json:"onExit,omitempty"`
	Arguments             *Arguments             `json:"arguments,omitempty"`
	Parallelism           int                    `json:"parallelism,omitempty"`
	ActiveDeadlineSeconds int                    `json:"activeDeadlineSeconds,omitempty"`
	ServiceAccountName    string                 `json:"serviceAccountName,omitempty"`
	ImagePullSecrets      []LocalObjectReference `json:"imagePullSecrets,omitempty"`
	NodeSelector          map[string]string      `json:"nodeSelector,omitempty"`
	PodPriorityClassName  string                 `json:"podPriorityClassName,omitempty"`
	PodMetadata           *ObjectMeta            `json:"podMetadata,omitempty"`
	Tolerations           []Toleration           `json:"tolerations,omitempty"`
	SecurityContext       *PodSecurityContext    `json:"securityContext,omitempty"`
	PodGC                 *PodGC                 `json:"podGC,omitempty"`
	TTLStrategy           *TTLStrategy           `json:"ttlStrategy,omitempty"`
	WorkflowMetadata      *ObjectMeta            `json:"workflowMetadata,omitempty"`
	Templates             []Template             `json:"templates,omitempty"`
	WorkflowTemplateRef   *WorkflowTemplateRef   `json:"workflowTemplateRef,omitempty"`
}

// PodSecurityContext is the security context of every pod of a workflow.
type PodSecurityContext struct {
	RunAsUser    *int64 `json:"runAsUser,omitempty"`
	RunAsGroup   *int64 `json:"runAsGroup,omitempty"`
	FSGroup      *int64 `json:"fsGroup,omitempty"`
	RunAsNonRoot *bool  `json:"runAsNonRoot,omitempty"`
}

// PodGC says when Argo deletes a workflow's pods.
type PodGC struct {
	Strategy string `json:"strategy"`
}

// TTLStrategy says when Argo deletes a finished workflow.
type TTLStrategy struct {
	SecondsAfterCompletion *int `json:"secondsAfterCompletion,omitempty"`
}

// WorkflowTemplateRef names the template a Workflow runs.
type WorkflowTemplateRef struct {
	Name string `json:"name"`
}

// Arguments are a workflow's or a task's parameter values.
type Arguments struct {
	Parameters []Parameter `json:"parameters,omitempty"`
}

// Inputs are what a template takes.
type Inputs struct {
	Parameters []Parameter `json:"parameters,omitempty"`
}

// Outputs are what a template gives its dependants.
type Outputs struct {
	Parameters []Parameter `json:"parameters,omitempty"`
}

// Parameter is an Argo parameter: an argument, input or output.
type Parameter struct {
	Name        string     `json:"name"`
	Value       *string    `json:"value,omitempty"`
	Description string     `json:"description,omitempty"`
	ValueFrom   *ValueFrom `json:"valueFrom,omitempty"`
}

// ValueFrom is where an output parameter's value comes from.
type ValueFrom struct {
	Path       string `json:"path,omitempty"`
	Expression string `json:"expression,omitempty"`
}

// Template is a container template or a DAG template.
type Template struct {
	Name                  string            `json:"name"`
	Inputs                *Inputs           `json:"inputs,omitempty"`
	Outputs               *Outputs          `json:"outputs,omitempty"`
	Metadata              *ObjectMeta       `json:"metadata,omitempty"`
	DAG                   *DAG              `json:"dag,omitempty"`
	Container             *Container        `json:"container,omitempty"`
	Volumes               []Volume          `json:"volumes,omitempty"`
	RetryStrategy         *RetryStrategy    `json:"retryStrategy,omitempty"`
	ActiveDeadlineSeconds int               `json:"activeDeadlineSeconds,omitempty"`
	NodeSelector          map[string]string `json:"nodeSelector,omitempty"`
	Tolerations           []Toleration      `json:"tolerations,omitempty"`
	ServiceAccountName    string            `json:"serviceAccountName,omitempty"`
}

// DAG is a DAG template's body.
type DAG struct {
	Tasks    []DAGTask `json:"tasks"`
	FailFast *bool     `json:"failFast,omitempty"`
}

// DAGTask is one node of a DAG template.
type DAGTask struct {
	Name         string     `json:"name"`
	Template     string     `json:"template"`
	Depends      string     `json:"depends,omitempty"`
	When         string     `json:"when,omitempty"`
	Arguments    *Arguments `json:"arguments,omitempty"`
	WithSequence *Sequence  `json:"withSequence,omitempty"`
}

// Sequence is a task's withSequence: one task per number 0..count-1.
type Sequence struct {
	Count string `json:"count"`
}

// RetryStrategy is a template's retryStrategy.
type RetryStrategy struct {
	Limit       int      `json:"limit"`
	RetryPolicy string   `json:"retryPolicy,omitempty"`
	Backoff     *Backoff `json:"backoff,omitempty"`
	Expression  string   `json:"expression,omitempty"`
}

// Backoff is the wait between retries.
type Backoff struct {
	Duration string `json:"duration"`
	Factor   *int   `json:"factor,omitempty"`
}

// Container is a Kubernetes container.
type Container struct {
	Name            string          `json:"name,omitempty"`
	Image           string          `json:"image"`
	ImagePullPolicy string          `json:"imagePullPolicy,omitempty"`
	Command         []string        `json:"command"`
	Args            []string        `json:"args"`
	Env             []EnvVar        `json:"env,omitempty"`
	EnvFrom         []EnvFromSource `json:"envFrom,omitempty"`
	Resources       Resources       `json:"resources"`
	VolumeMounts    []VolumeMount   `json:"volumeMounts,omitempty"`
	Ports           []ContainerPort `json:"ports,omitempty"`
}

// EnvVar is one environment variable: a value, or a reference.
type EnvVar struct {
	Name      string        `json:"name"`
	Value     string        `json:"value,omitempty"`
	ValueFrom *EnvVarSource `json:"valueFrom,omitempty"`
}

// EnvVarSource is where a variable's value comes from.
type EnvVarSource struct {
	FieldRef *FieldRef `json:"fieldRef,omitempty"`
}

// FieldRef selects a field of the pod (the downward API).
type FieldRef struct {
	FieldPath string `json:"fieldPath"`
}

// EnvFromSource adds every key of a Secret as a variable.
type EnvFromSource struct {
	SecretRef *LocalObjectReference `json:"secretRef,omitempty"`
}

// LocalObjectReference names an object in the pod's namespace.
type LocalObjectReference struct {
	Name string `json:"name"`
}

// Resources are a container's requests and limits, quantities as text.
type Resources struct {
	Requests map[string]string `json:"requests,omitempty"`
	Limits   map[string]string `json:"limits,omitempty"`
}

// Volume is a pod volume.
type Volume struct {
	Name                  string                 `json:"name"`
	EmptyDir              *EmptyDir              `json:"emptyDir,omitempty"`
	PersistentVolumeClaim *PersistentVolumeClaim `json:"persistentVolumeClaim,omitempty"`
}

// EmptyDir is a scratch volume, on disk or in memory.
type EmptyDir struct {
	Medium    string `json:"medium,omitempty"`
	SizeLimit string `json:"sizeLimit,omitempty"`
}

// PersistentVolumeClaim mounts a claim.
type PersistentVolumeClaim struct {
	ClaimName string `json:"claimName"`
}

// VolumeMount mounts a volume in the container.
type VolumeMount struct {
	Name      string `json:"name"`
	MountPath string `json:"mountPath"`
}

// ContainerPort is a port the container listens on.
type ContainerPort struct {
	ContainerPort int `json:"containerPort"`
}

// Toleration is a Kubernetes toleration.
type Toleration struct {
	Key      string `json:"key,omitempty"`
	Operator string `json:"operator,omitempty"`
	Value    string `json:"value,omitempty"`
	Effect   string `json:"effect,omitempty"`
}

// CronWorkflow is an argoproj.io/v1alpha1 CronWorkflow.
type CronWorkflow struct {
	APIVersion string           `json:"apiVersion"`
	Kind       string           `json:"kind"`
	Metadata   ObjectMeta       `json:"metadata"`
	Spec       CronWorkflowSpec `json:"spec"`
}

// CronWorkflowSpec is when and what a CronWorkflow runs.
type CronWorkflowSpec struct {
	Schedules                  []string     `json:"schedules"`
	Timezone                   string       `json:"timezone,omitempty"`
	ConcurrencyPolicy          string       `json:"concurrencyPolicy,omitempty"`
	StartingDeadlineSeconds    *int         `json:"startingDeadlineSeconds,omitempty"`
	SuccessfulJobsHistoryLimit *int         `json:"successfulJobsHistoryLimit,omitempty"`
	FailedJobsHistoryLimit     *int         `json:"failedJobsHistoryLimit,omitempty"`
	WorkflowMetadata           *ObjectMeta  `json:"workflowMetadata,omitempty"`
	WorkflowSpec               WorkflowSpec `json:"workflowSpec"`
}

// Workflow is an argoproj.io/v1alpha1 Workflow; flowc makes one only to
// submit a run of a template (flowc trigger argo, and the Sensor).
type Workflow struct {
	APIVersion string       `json:"apiVersion"`
	Kind       string       `json:"kind"`
	Metadata   ObjectMeta   `json:"metadata"`
	Spec       WorkflowSpec `json:"spec"`
}

// Sensor is an argoproj.io/v1alpha1 Sensor of Argo Events.
type Sensor struct {
	APIVersion string     `json:"apiVersion"`
	Kind       string     `json:"kind"`
	Metadata   ObjectMeta `json:"metadata"`
	Spec       SensorSpec `json:"spec"`
}

// SensorSpec is what a Sensor waits for and what it does then.
type SensorSpec struct {
	EventBusName string            `json:"eventBusName,omitempty"`
	Template     *SensorTemplate   `json:"template,omitempty"`
	Dependencies []EventDependency `json:"dependencies"`
	Triggers     []SensorTrigger   `json:"triggers"`
}

// SensorTemplate shapes the sensor's own pod.
type SensorTemplate struct {
	ServiceAccountName string `json:"serviceAccountName,omitempty"`
}

// EventDependency is one event the sensor waits for.
type EventDependency struct {
	Name            string        `json:"name"`
	EventSourceName string        `json:"eventSourceName"`
	EventName       string        `json:"eventName"`
	Filters         *EventFilters `json:"filters,omitempty"`
}

// EventFilters narrow the events a dependency accepts.
type EventFilters struct {
	Data []DataFilter `json:"data,omitempty"`
}

// DataFilter accepts an event whose field at Path has one of Value.
type DataFilter struct {
	Path  string   `json:"path"`
	Type  string   `json:"type"`
	Value []string `json:"value"`
}

// SensorTrigger is what the sensor does when its dependencies are met.
type SensorTrigger struct {
	Template TriggerTemplate `json:"template"`
}

// TriggerTemplate is one trigger: here always a Kubernetes create.
type TriggerTemplate struct {
	Name       string      `json:"name"`
	Conditions string      `json:"conditions,omitempty"`
	K8s        *K8sTrigger `json:"k8s"`
}

// K8sTrigger creates a Kubernetes object.
type K8sTrigger struct {
	Operation  string             `json:"operation"`
	Source     ArtifactLocation   `json:"source"`
	Parameters []TriggerParameter `json:"parameters,omitempty"`
}

// ArtifactLocation holds the object to create, inline.
type ArtifactLocation struct {
	Resource *Workflow `json:"resource"`
}

// TriggerParameter copies an event field into the created object.
type TriggerParameter struct {
	Src  TriggerParameterSource `json:"src"`
	Dest string                 `json:"dest"`
}

// TriggerParameterSource is the event field a parameter reads.
type TriggerParameterSource struct {
	DependencyName string  `json:"dependencyName"`
	DataKey        string  `json:"dataKey"`
	Value          *string `json:"value,omitempty"`
}
