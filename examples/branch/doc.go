// Package branch shows a static branch: Start fans out to three steps that
// all run, in parallel, and a join brings their results back together.
//
// Each branch computes one statistic of the same list of prices into its own
// artifact (Mean, Median, Spread) and also records its running time in the
// artifact Elapsed, which every branch sets to a different value. The join
// reads Elapsed from each input by hand, with in.All and in.Step, and merges
// everything else with in.MergeArtifacts(f, flow.Exclude("Elapsed")): the
// statistics do not conflict, because each was set in one branch only, and
// Prices does not either, because every branch inherited the same value.
// Without the Exclude, the differing Elapsed values would be a conflict and
// MergeArtifacts would return a *flow.MergeError.
//
// This is Metaflow's BranchFlow, with merge_artifacts(inputs, exclude=[...]).
package branch
