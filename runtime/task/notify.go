//go:build !flowc_local

package task

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	neturl "net/url"
	"os"
	"strings"
	"time"
)

// Notification is the body end-run posts to a notification webhook: the
// shape of a Slack incoming webhook, {"text": ...}. It is made with
// encoding/json: no value passes through a shell or a template.
type Notification struct {
	Text string `json:"text"`
}

// notifyTries and notifyBackoff: a post is tried this many times, the
// wait doubling from notifyBackoff, before end-run gives up on it.
var (
	notifyTries   = 3
	notifyBackoff = 2 * time.Second
)

// notify posts how run of flow ended (the engine's status) to target, an
// http or https URL or env:NAME for the URL in variable NAME; for a failed
// run, failed and msg name the task that failed it and its error, when
// known. A
// notification that cannot be sent is reported on stderr and does not
// fail end-run: the run is recorded, and a chat being down must not make
// the engine mark a succeeded run failed.
func notify(ctx context.Context, target, flow, run, status, failed, msg string) {
	addr := target
	if name, ok := strings.CutPrefix(target, "env:"); ok {
		if addr = os.Getenv(name); addr == "" {
			fmt.Fprintf(os.Stderr, "flowc runner: end-run: notification not sent: variable %s is not set (give its Secret with --secret)\n", name)
			return
		}
	}
	body, err := json.Marshal(Notification{Text: slackEscape(notifyText(flow, run, status, failed, msg))})
	if err != nil {
		fmt.Fprintf(os.Stderr, "flowc runner: end-run: notification not sent: %v\n", err)
		return
	}
	wait := notifyBackoff
	for try := 1; ; try++ {
		err = postJSON(ctx, addr, body)
		if err == nil || try == notifyTries {
			break
		}
		select {
		case <-ctx.Done():
		case <-time.After(wait):
		}
		wait *= 2
	}
	if err != nil {
		// The URL may hold a webhook's token: name the target as given.
		fmt.Fprintf(os.Stderr, "flowc runner: end-run: notification to %s not sent after %d tries: %v\n", redact(target), notifyTries, err)
	}
}

// notifyText says how the run ended.
func notifyText(flow, run, status, failed, msg string) string {
	if strings.EqualFold(status, "succeeded") {
		return fmt.Sprintf("flowc: run %s/%s succeeded.", flow, run)
	}
	if failed == "" {
		return fmt.Sprintf("flowc: run %s/%s failed (%s). See it with: flowc dump %s/%s", flow, run, status, flow, run)
	}
	if r := []rune(msg); len(r) > maxNotifyError {
		msg = string(r[:maxNotifyError]) + "..."
	}
	return fmt.Sprintf("flowc: run %s/%s failed (%s): task %s: %s. Its log: flowc logs %s --stderr", flow, run, status, failed, orUnknown(msg), failed)
}

// maxNotifyError is the most of a task's error a notification quotes.
const maxNotifyError = 500

func orUnknown(msg string) string {
	if msg == "" {
		return "no error recorded"
	}
	return msg
}

// slackEscape escapes what Slack's message format reads as markup: an
// error text holding <!channel> must not notify a whole channel.
func slackEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// postJSON posts body to url and wants a 2xx answer.
func postJSON(ctx context.Context, url string, body []byte) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("post: %w", redactErr(err))
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("%s %s", resp.Status, bytes.TrimSpace(msg))
	}
	return nil
}

// redact is a target as it may be printed: env:NAME as itself, a URL as
// its scheme and host, since its path may be a webhook's token.
func redact(target string) string {
	if strings.HasPrefix(target, "env:") {
		return target
	}
	scheme, rest, _ := strings.Cut(target, "://")
	host, _, _ := strings.Cut(rest, "/")
	return scheme + "://" + host + "/..."
}

// redactErr drops the URL from a client error, which *url.Error prints.
func redactErr(err error) error {
	var ue *neturl.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
