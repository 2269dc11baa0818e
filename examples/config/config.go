package config

import "github.com/flowc-dev/flowc/flow"

// Settings mirrors settings.toml, table by table.
type Settings struct {
	Model     ModelSettings    `toml:"model"`
	Data      DataSettings     `toml:"data"`
	Resources ResourceSettings `toml:"resources"`
	Schedule  ScheduleSettings `toml:"schedule"`
}

// ModelSettings is the [model] table: what to train.
type ModelSettings struct {
	Name         string   `toml:"name"`
	LearningRate float64  `toml:"learning_rate"`
	Features     []string `toml:"features"`
}

// DataSettings is the [data] table: where the training data comes from.
type DataSettings struct {
	Source    string `toml:"source"`
	BatchSize int    `toml:"batch_size"`
}

// ResourceSettings is the [resources] table, read by Train's directive.
type ResourceSettings struct {
	CPU    int `toml:"cpu"`
	Memory int `toml:"memory"` // MiB
}

// ScheduleSettings is the [schedule] table, read by the flow's directive.
type ScheduleSettings struct {
	Cron     string `toml:"cron"`
	Timezone string `toml:"timezone"`
}

// Churn trains a churn model as settings.toml describes. Its schedule comes
// from the config too.
//
//flow:schedule cron="${cfg.schedule.cron}" timezone=${cfg.schedule.timezone}
type Churn struct {
	// Cfg is a config, not an artifact: it is read from the TOML file once,
	// before anything runs, and every step sees the same value.
	Cfg Settings `flow:"config,name=cfg" default:"settings.toml" help:"the model, data, resources and schedule"`

	// Plan describes the training job Start prepares.
	Plan Plan
	// Batches is how many batches Train read.
	Batches int
}

// Plan is what Start decides from the config.
type Plan struct {
	Model    string
	Source   string
	Features []string
}

// Start turns the config into a training plan.
func (f *Churn) Start(c *flow.Context) flow.Next {
	f.Plan = Plan{Model: f.Cfg.Model.Name, Source: f.Cfg.Data.Source, Features: f.Cfg.Model.Features}
	c.Logger().Info("plan", "model", f.Plan.Model, "source", f.Plan.Source)
	return flow.Goto(f.Train)
}

// Train reads the data in batches of the configured size and trains the
// model. Its resources come from the config's [resources] table.
//
//flow:resources cpu=${cfg.resources.cpu} memory=${cfg.resources.memory}
func (f *Churn) Train(c *flow.Context) flow.Next {
	const rows = 25_000 // stands in for the size of the data at Plan.Source
	f.Batches = (rows + f.Cfg.Data.BatchSize - 1) / f.Cfg.Data.BatchSize
	c.Logger().Info("trained", "model", f.Plan.Model, "learning_rate", f.Cfg.Model.LearningRate,
		"features", len(f.Plan.Features), "batches", f.Batches)
	return flow.Goto(f.End)
}

// End finishes the run.
func (f *Churn) End(c *flow.Context) {}
