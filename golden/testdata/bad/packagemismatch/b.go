package other // want "FLOW001 .*package other; the other files of the directory are package bad"

import "github.com/flowc-dev/flowc/flow"

func (f *Split) End(c *flow.Context) {}
