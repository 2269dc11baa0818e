// Package production shows a flow ready to deploy: every kind of parameter,
// the flow directives that say when and where it runs, and the step
// directives that shape each step's container.
//
//	Start ─▶ Extract ─▶ Score ─▶ Report ─▶ End
//
// On the flow:
//   - //flow:schedule runs it at 02:00 Amsterdam time every day;
//   - //flow:project puts it in the fraud project, so each branch of the
//     project deploys its own copy: flowc deploy argo ./examples/production
//     deploys your own, fraud-user-NAME-fraudscoring, --branch exp1 the
//     test branch test.exp1, and --production the one production copy,
//     guarded by its production token (docs/projects.md); every run is
//     tagged with its project and branch, and Start logs them
//     (c.ProjectName, c.BranchName, c.IsProduction, c.Trigger);
//   - //flow:trigger_on_finish also runs it whenever the Training flow
//     finishes.
//   - //flow:exit_hook runs Announce when a run succeeds and Page when
//     one fails, once, at the end of the run, wherever it ran.
//
// On the steps:
//   - Extract gets database credentials from //flow:secrets and settings
//     from //flow:environment, as environment variables, and retries (on
//     this machine, flowc run reads the secret from
//     ~/.config/flowc/secrets/db-credentials.env, or where
//     --secrets-provider says);
//   - Score runs in a Kubernetes pod with a GPU and its own service account;
//   - Report makes a //flow:card, an HTML report of the task's artifacts.
//
// The parameters cover every type flowc knows: string, int, int64 (renamed
// with name=), float64, bool, time.Duration, []string split on a separator,
// and a struct passed as JSON. It is scheduled and triggered, so every
// parameter has a default: nothing would give a required one a value.
package production
