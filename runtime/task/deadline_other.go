//go:build !unix

package task

import "os"

// killGroup ends the runner; process groups are a Unix notion.
func killGroup() { os.Exit(ExitFailed) }
