// Package linear is a benchmark flow: a chain of 50 steps, each of which
// adds one to an artifact (scripts/bench-start.sh times it).
package linear

import "github.com/flowc-dev/flowc/flow"

// Linear runs Start, S01 ... S48 and End one after the other.
type Linear struct {
	N int
}

func (f *Linear) Start(c *flow.Context) flow.Next { f.N = 1; return flow.Goto(f.S01) }

func (f *Linear) S01(c *flow.Context) flow.Next { f.N++; return flow.Goto(f.S02) }

func (f *Linear) S02(c *flow.Context) flow.Next { f.N++; return flow.Goto(f.S03) }

func (f *Linear) S03(c *flow.Context) flow.Next { f.N++; return flow.Goto(f.S04) }

func (f *Linear) S04(c *flow.Context) flow.Next { f.N++; return flow.Goto(f.S05) }

func (f *Linear) S05(c *flow.Context) flow.Next { f.N++; return flow.Goto(f.S06) }

func (f *Linear) S06(c *flow.Context) flow.Next { f.N++; return flow.Goto(f.S07) }

func (f *Linear) S07(c *flow.Context) flow.Next { f.N++; return flow.Goto(f.S08) }

func (f *Linear) S08(c *flow.Context) flow.Next { f.N++; return flow.Goto(f.S09) }

func (f *Linear) S09(c *flow.Context) flow.Next { f.N++; return flow.Goto(f.S10) }

func (f *Linear) S10(c *flow.Context) flow.Next { f.N++; return flow.Goto(f.S11) }

func (f *Linear) S11(c *flow.Context) flow.Next { f.N++; return flow.Goto(f.S12) }

func (f *Linear) S12(c *flow.Context) flow.Next { f.N++; return flow.Goto(f.S13) }

func (f *Linear) S13(c *flow.Context) flow.Next { f.N++; return flow.Goto(f.S14) }

func (f *Linear) S14(c *flow.Context) flow.Next { f.N++; return flow.Goto(f.S15) }

func (f *Linear) S15(c *flow.Context) flow.Next { f.N++; return flow.Goto(f.S16) }

func (f *Linear) S16(c *flow.Context) flow.Next { f.N++; return flow.Goto(f.S17) }

func (f *Linear) S17(c *flow.Context) flow.Next { f.N++; return flow.Goto(f.S18) }

func (f *Linear) S18(c *flow.Context) flow.Next { f.N++; return flow.Goto(f.S19) }

func (f *Linear) S19(c *flow.Context) flow.Next { f.N++; return flow.Goto(f.S20) }

func (f *Linear) S20(c *flow.Context) flow.Next { f.N++; return flow.Goto(f.S21) }

func (f *Linear) S21(c *flow.Context) flow.Next { f.N++; return flow.Goto(f.S22) }

func (f *Linear) S22(c *flow.Context) flow.Next { f.N++; return flow.Goto(f.S23) }

func (f *Linear) S23(c *flow.Context) flow.Next { f.N++; return flow.Goto(f.S24) }

func (f *Linear) S24(c *flow.Context) flow.Next { f.N++; return flow.Goto(f.S25) }

func (f *Linear) S25(c *flow.Context) flow.Next { f.N++; return flow.Goto(f.S26) }

func (f *Linear) S26(c *flow.Context) flow.Next { f.N++; return flow.Goto(f.S27) }

func (f *Linear) S27(c *flow.Context) flow.Next { f.N++; return flow.Goto(f.S28) }

func (f *Linear) S28(c *flow.Context) flow.Next { f.N++; return flow.Goto(f.S29) }

func (f *Linear) S29(c *flow.Context) flow.Next { f.N++; return flow.Goto(f.S30) }

func (f *Linear) S30(c *flow.Context) flow.Next { f.N++; return flow.Goto(f.S31) }

func (f *Linear) S31(c *flow.Context) flow.Next { f.N++; return flow.Goto(f.S32) }

func (f *Linear) S32(c *flow.Context) flow.Next { f.N++; return flow.Goto(f.S33) }

func (f *Linear) S33(c *flow.Context) flow.Next { f.N++; return flow.Goto(f.S34) }

func (f *Linear) S34(c *flow.Context) flow.Next { f.N++; return flow.Goto(f.S35) }

func (f *Linear) S35(c *flow.Context) flow.Next { f.N++; return flow.Goto(f.S36) }

func (f *Linear) S36(c *flow.Context) flow.Next { f.N++; return flow.Goto(f.S37) }

func (f *Linear) S37(c *flow.Context) flow.Next { f.N++; return flow.Goto(f.S38) }

func (f *Linear) S38(c *flow.Context) flow.Next { f.N++; return flow.Goto(f.S39) }

func (f *Linear) S39(c *flow.Context) flow.Next { f.N++; return flow.Goto(f.S40) }

func (f *Linear) S40(c *flow.Context) flow.Next { f.N++; return flow.Goto(f.S41) }

func (f *Linear) S41(c *flow.Context) flow.Next { f.N++; return flow.Goto(f.S42) }

func (f *Linear) S42(c *flow.Context) flow.Next { f.N++; return flow.Goto(f.S43) }

func (f *Linear) S43(c *flow.Context) flow.Next { f.N++; return flow.Goto(f.S44) }

func (f *Linear) S44(c *flow.Context) flow.Next { f.N++; return flow.Goto(f.S45) }

func (f *Linear) S45(c *flow.Context) flow.Next { f.N++; return flow.Goto(f.S46) }

func (f *Linear) S46(c *flow.Context) flow.Next { f.N++; return flow.Goto(f.S47) }

func (f *Linear) S47(c *flow.Context) flow.Next { f.N++; return flow.Goto(f.S48) }

func (f *Linear) S48(c *flow.Context) flow.Next { f.N++; return flow.Goto(f.End) }

func (f *Linear) End(c *flow.Context) error { f.N++; return nil }
