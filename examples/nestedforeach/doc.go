// Package nestedforeach shows a foreach inside a foreach: one Region task per
// region, and inside each, one Train task per model family.
//
//	Start ─foreach Regions─▶ Region ─foreach Models─▶ Train ─▶ JoinModels ─▶ JoinRegions ─▶ End
//
// The inner join, JoinModels, closes the inner foreach: it runs once per
// region and sees only that region's Train tasks. The outer join,
// JoinRegions, closes the outer foreach and sees one JoinModels task per
// region. A Train task reads its model family with flow.Input[string](c)
// and its region from the artifact CurrentRegion, set by its Region parent;
// c.ForeachStack() gives both levels' indices.
//
// Metaflow allows the same nesting: a foreach whose child starts another
// foreach, closed innermost first.
package nestedforeach
