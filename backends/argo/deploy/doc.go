// Package deploy puts a flow compiled for Argo (argo.Objects) on a
// Kubernetes cluster and operates what it put there: it creates or updates
// the WorkflowTemplate, CronWorkflow and Sensor, submits runs, lists and
// inspects them, reads their pods' logs, and stops, suspends, resumes and
// deletes them. It works on argo's typed objects, never on YAML text, and
// touches only objects labelled app.kubernetes.io/managed-by=flowc.
//
// It is flowc deploy argo's, flowc trigger argo's and flowc argo's engine;
// the CLI only maps flags to its calls and prints what it returns. It
// reaches the cluster through client-go (the dynamic client for Argo's
// resources, the typed core client for pods), so tests use client-go's
// fake clients. The task runner never links it.
package deploy
