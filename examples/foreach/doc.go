// Package foreach shows a foreach: one task per element of a slice artifact,
// closed by a join that sees the tasks in order.
//
// Start lists a few documents in Items; Foreach(f.Items, f.Process) starts
// one Process task per document. Each task reads its own element with
// flow.Input[string](c) and its position with c.Index(), and counts the
// document's words. The Join step receives the tasks' views by index, so the
// summaries it collects are in the order of Items whatever order the tasks
// ran in.
//
// This is Metaflow's ForeachFlow: self.next(self.process, foreach="items"),
// self.input and self.index in the children, and inputs in the join.
package foreach
