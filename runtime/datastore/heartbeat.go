package datastore

import (
	"context"
	"os"
	"time"
)

// HeartbeatSchema is the schema of the heartbeat document.
const HeartbeatSchema = "flowc.heartbeat/v1"

// The local executor rewrites a run's heartbeat every HeartbeatInterval
// while the run goes on. A running run whose heartbeat is older than
// HeartbeatTimeout, or whose executor was on this machine and has exited,
// is stale: its executor is gone (killed, or its machine crashed) and
// nothing will finish it; resume it.
const (
	HeartbeatInterval = 5 * time.Second
	HeartbeatTimeout  = 30 * time.Second
)

// Heartbeat is the document <Flow>/<run>/_heartbeat.json: who runs the run
// and when it last said so.
type Heartbeat struct {
	Schema string    `json:"schema"` // HeartbeatSchema; set by WriteHeartbeat
	Time   time.Time `json:"time"`
	Host   string    `json:"host"`
	PID    int       `json:"pid"`
}

func heartbeatKey(flow, run string) string { return flow + "/" + run + "/_heartbeat.json" }

// WriteHeartbeat records that this process, on this host, runs the run now.
func (s *Store) WriteHeartbeat(ctx context.Context, flow, runID string) error {
	if err := checkName("flow", flow); err != nil {
		return err
	}
	if err := checkName("run", runID); err != nil {
		return err
	}
	host, _ := os.Hostname()
	hb := Heartbeat{Schema: HeartbeatSchema, Time: time.Now().UTC(), Host: host, PID: os.Getpid()}
	return s.writeDoc(ctx, heartbeatKey(flow, runID), hb)
}

// ReadHeartbeat reads a run's heartbeat; runs that no local executor ran
// (on Argo Workflows, Step Functions) have none: ErrNotFound.
func (s *Store) ReadHeartbeat(ctx context.Context, flow, runID string) (Heartbeat, error) {
	var hb Heartbeat
	if err := checkName("flow", flow); err != nil {
		return hb, err
	}
	if err := checkName("run", runID); err != nil {
		return hb, err
	}
	err := s.readDoc(ctx, heartbeatKey(flow, runID), HeartbeatSchema, &hb)
	return hb, err
}

// Stale reports whether run r, recorded as running, is stale, and since
// when: the time of its last heartbeat. A run without a heartbeat (run by
// an orchestrator, or by a flowc older than heartbeats) is never stale.
func (s *Store) Stale(ctx context.Context, r Run, now time.Time) (since time.Time, stale bool) {
	if r.Status != RunRunning {
		return time.Time{}, false
	}
	hb, err := s.ReadHeartbeat(ctx, r.Flow, r.RunID)
	if err != nil {
		return time.Time{}, false
	}
	if now.Sub(hb.Time) > HeartbeatTimeout {
		return hb.Time, true
	}
	if host, _ := os.Hostname(); host == hb.Host && hb.PID != os.Getpid() && processGone(hb.PID) {
		return hb.Time, true
	}
	return time.Time{}, false
}

// StaleText is how listings show a stale run's status.
func StaleText(since time.Time) string {
	return "stale (executor gone since " + since.Local().Format(time.DateTime) + ")"
}
