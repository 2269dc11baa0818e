package bad

import (
	"context"

	"github.com/flowc-dev/flowc/flow"
)

// Hooked names exit hooks that do not exist or have the wrong signature.
//
//flow:exit_hook on_success=Notfy on_error=[Page, Method] // want "FLOW106 exit hook Notfy is not a function of package bad .*did you mean Notify" "FLOW106 exit hook Method is not a function"
//flow:exit_hook on_success=NoCtx on_error=NoErr // want "FLOW107 exit hook NoCtx has signature func\\(r flow.RunInfo\\) error" "FLOW107 exit hook NoErr has signature"
//flow:exit_hook // want "FLOW106 exit_hook needs on_success=, on_error= or both"
type Hooked struct{}

// Notify is a good hook.
func Notify(ctx context.Context, r flow.RunInfo) error { return nil }

// Page is a good hook too.
func Page(ctx context.Context, r flow.RunInfo) error { return nil }

// NoCtx lacks the context.
func NoCtx(r flow.RunInfo) error { return nil }

// NoErr returns nothing.
func NoErr(ctx context.Context, r flow.RunInfo) {}

// Method is a method, not a function of the package.
func (f *Hooked) Method(ctx context.Context, r flow.RunInfo) error { return nil }

func (f *Hooked) Start(c *flow.Context) flow.Next { return flow.Goto(f.End) }

func (f *Hooked) End(c *flow.Context) {}
