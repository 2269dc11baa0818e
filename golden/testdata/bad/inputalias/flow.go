package bad

import (
	fl "github.com/flowc-dev/flowc/flow"
)

// Name is another name for string, Values for []float64, Ctx for the flow
// API's Context: go/types sees through every alias, so none of them is a
// mistake, nor is any for interface{}.
type (
	Name   = string
	Values = []float64
	Ctx    = fl.Context
	Next   = fl.Next
)

// Aliased reads foreach elements through aliases; only Floats is wrong.
type Aliased struct {
	Names  []Name
	Anys   []any
	Vals   Values
	Floats []float64
}

func (f *Aliased) Start(c *Ctx) Next { return fl.Foreach(f.Names, f.EachName) }

func (f *Aliased) EachName(c *fl.Context) fl.Next {
	_ = fl.Input[string](c)
	_ = fl.Input[Name](c)
	return fl.Goto(f.JoinNames)
}

func (f *Aliased) JoinNames(c *Ctx, in fl.Inputs[Aliased]) Next { return fl.Goto(f.SplitAnys) }

func (f *Aliased) SplitAnys(c *Ctx) Next { return fl.Foreach(f.Anys, f.EachAny) }

func (f *Aliased) EachAny(c *Ctx) Next {
	_ = fl.Input[interface{}](c)
	return fl.Goto(f.JoinAnys)
}

func (f *Aliased) JoinAnys(c *Ctx, in fl.Inputs[Aliased]) Next { return fl.Goto(f.SplitVals) }

func (f *Aliased) SplitVals(c *Ctx) Next { return fl.Foreach(f.Vals, f.EachVal) }

func (f *Aliased) EachVal(c *Ctx) Next {
	_ = fl.Input[float64](c)
	return fl.Goto(f.JoinVals)
}

func (f *Aliased) JoinVals(c *Ctx, in fl.Inputs[Aliased]) Next { return fl.Goto(f.SplitFloats) }

func (f *Aliased) SplitFloats(c *Ctx) Next { return fl.Foreach(f.Floats, f.EachFloat) }

func (f *Aliased) EachFloat(c *Ctx) Next {
	_ = fl.Input[float32](c) // want "FLOW022 .*Input\\[float32\\] in step EachFloat, but foreach SplitFloats splits Floats, whose elements are float64"
	return fl.Goto(f.JoinFloats)
}

func (f *Aliased) JoinFloats(c *Ctx, in fl.Inputs[Aliased]) Next { return fl.Goto(f.End) }

func (f *Aliased) End(c *Ctx) {}
