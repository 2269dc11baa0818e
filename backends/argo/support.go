package argo

import "github.com/flowc-dev/flowc/backends"

// support is the argo target's column of the directive × attribute table
// (see backends.Support): what it expresses, and why not the rest. Values
// an attribute may not take on Argo (a namespace other than the
// workflow's, a Secret name Kubernetes refuses, a trigger option Argo
// Events does not know) are checked where the value is used.
var support = backends.Support{
	"retry":                         backends.Yes,
	"retry times":                   backends.Yes,
	"retry minutes_between_retries": backends.Yes,
	"catch":                         backends.Yes,
	"catch var print_exception":     backends.Yes,
	"timeout":                       backends.Yes,
	"timeout seconds minutes hours": backends.Yes,
	"resources":                     backends.Yes,
	"resources cpu gpu memory disk shared_memory": backends.Yes,
	"environment":            backends.Yes,
	"environment vars":       backends.Yes,
	"secrets":                backends.Yes,
	"secrets sources":        backends.Yes,
	"secrets role":           backends.No("it is an IAM role; on argo the pod's service account (kubernetes service_account=) decides what it may read"),
	"secrets allow_override": backends.No("in Kubernetes a variable set by env always wins over one from a Secret"),
	"cache":                  backends.Ignored("the step cache is flowc run's: a workflow runs every task it reaches"),
	"card":                   backends.Yes,
	"card type id timeout options refresh_interval save_errors": backends.Yes,
	"kubernetes": backends.Yes,
	"kubernetes cpu memory disk gpu gpu_vendor image image_pull_policy namespace service_account secrets": backends.Yes,
	"kubernetes node_selector tolerations labels annotations use_tmpfs tmpfs_size tmpfs_path":             backends.Yes,
	"kubernetes persistent_volume_claims shared_memory port qos":                                          backends.Yes,
	"kubernetes compute_pool": backends.No("it has no Argo meaning; use node_selector"),
	"batch":                   backends.No("it shapes an AWS Batch job; on argo use //flow:kubernetes"),
	"schedule":                backends.Yes,
	"schedule cron weekly daily hourly timezone": backends.Yes,
	"project":                              backends.Yes,
	"project name branch production":       backends.Yes,
	"trigger":                              backends.Yes,
	"trigger event events options":         backends.Yes,
	"trigger_on_finish":                    backends.Yes,
	"trigger_on_finish flow flows options": backends.Yes,
	"exit_hook":                            backends.Yes, // the exit handler's end-run runs them
	"exit_hook on_success on_error":        backends.Yes,
}

// Support returns the argo target's column of the support table.
func (Target) Support() backends.Support { return support }
