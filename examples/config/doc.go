// Package config shows a config-driven flow: settings that shape the
// deployment as well as the code live in a TOML file, not in the source.
//
// The field Cfg, tagged flow:"config,name=cfg", is filled from settings.toml
// (next to this file) before the run starts; --config cfg=other.toml swaps
// the file. Steps read it as an ordinary typed struct, f.Cfg.Model.Name,
// and directives read it at compile time through ${cfg.key.path}: the
// Train step's resources and the flow's schedule both come from the file.
// A reference that is a whole bare value, cpu=${cfg.resources.cpu}, keeps
// the type the TOML gives it; one inside a quoted string,
// cron="${cfg.schedule.cron}", is written into the string as text.
//
// This is Metaflow's Config("config", default="config.toml") with
// config_expr in decorators. Unlike a parameter, a config is fixed when the
// flow is compiled or deployed, which is why directives can use it.
package config
