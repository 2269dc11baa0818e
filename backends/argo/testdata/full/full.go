// Package full is a flow that uses every directive the argo target maps,
// for the target's tests; it never runs.
package full

import (
	"time"

	"github.com/flowc-dev/flowc/flow"
)

// Weights are a JSON parameter's type.
type Weights struct {
	A float64 `json:"a"`
}

// Deployed_Flow is deployed with every directive argo maps.
//
//flow:schedule cron="30 4 * * 1" timezone="Europe/Amsterdam"
//flow:project name=fraud branch=staging
//flow:trigger events=[{name=data_ready, parameters={region=region, weights=w}}, model.updated] options={event_source=events, event_bus=bus, service_account=sensor-sa}
type Deployed_Flow struct {
	Region    string        `flow:"param" default:"eu-west-1" help:"the region"`
	Count     int           `flow:"param" help:"an optional int without default"`
	Note      string        `flow:"param" help:"an optional string without default"`
	Lookback  time.Duration `flow:"param" default:"24h" help:"a duration"`
	Countries []string      `flow:"param,separator=;" default:"NL;BE" help:"a list"`
	Weights   Weights       `flow:"param" default:"{\"a\": 1.5}" help:"a JSON parameter"`

	Items []int
	Out   int
}

// Start fans out.
//
//flow:kubernetes cpu=0.5 memory=512 qos=Guaranteed image="registry.example.com/other:2" image_pull_policy=Always
func (f *Deployed_Flow) Start(c *flow.Context) flow.Next {
	return flow.Foreach(f.Items, f.Process)
}

// Process is the foreach body.
//
//flow:retry times=4 minutes_between_retries=0
//flow:timeout minutes=10 seconds=5
//flow:resources cpu=2 memory=2048 gpu=2 shared_memory=256 disk=20480
//flow:kubernetes gpu_vendor=amd node_selector={"cloud.google.com/gke-nodepool"=gpu} tolerations=[{key=gpu, operator=Exists, effect=NoSchedule}] labels={team=fraud} annotations={"example.com/owner"="Fraud Team"} use_tmpfs=true tmpfs_size=1024 persistent_volume_claims={data-pvc=/data} port=8080 service_account=worker secrets=[k8s-creds]
//flow:secrets sources=[db-credentials]
//flow:environment vars={LOG_LEVEL=debug, MODE="a b", SHELL_TEXT="$(HOME) $$ $HOME $(LOG_LEVEL)"}
func (f *Deployed_Flow) Process(c *flow.Context) flow.Next {
	return flow.Goto(f.Join)
}

// Join closes the foreach.
//
//flow:retry
func (f *Deployed_Flow) Join(c *flow.Context, in flow.Inputs[Deployed_Flow]) flow.Next {
	return flow.Goto(f.End)
}

// End ends.
func (f *Deployed_Flow) End(c *flow.Context) {}
