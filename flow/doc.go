// Package flow is the one package a flowc user imports to write a flow.
//
// A flow is an ordinary Go struct. Its exported fields are parameters
// (tagged flow:"param"), configs (tagged flow:"config") and artifacts (every
// other exported field); its exported methods with a *Context first parameter
// are the steps. A step returns its transition, built with [Goto], [Branch] or
// [Foreach]; a join step takes a second parameter of type [Inputs]. flowc reads
// the flow's source with go/ast, so the graph is known before anything runs.
//
//	type Hello struct {
//		Name     string `flow:"param" default:"world"`
//		Greeting string
//	}
//
//	func (f *Hello) Start(c *flow.Context) flow.Next {
//		f.Greeting = "hello, " + f.Name
//		return flow.Goto(f.End)
//	}
//
//	func (f *Hello) End(c *flow.Context) error { return nil }
//
// A step with a //flow:card directive adds to an HTML report of its task
// through [Context.Card]: Markdown, tables, images, charts and progress
// bars, which flowc renders (package card) and keeps beside the task.
//
// This package holds the types steps see and the functions they call. It does
// no I/O of its own and must not import anything of flowc's but internal
// helpers: flowc's runtime builds the values (a [Context], an [Inputs]) that a
// step receives, and a unit test can build them too, with [NewContext] and
// [InputsOf].
package flow
