package bad

import "github.com/flowc-dev/flowc/flow"

// Nightly has a cron with a minute out of range and a time zone that does
// not exist.
//
//flow:schedule cron="61 2 * * *" timezone=Europe/Amsterdan // want "FLOW069 .*cron \"61 2 \\* \\* \\*\": minute field \"61\"" "FLOW069 .*timezone \"Europe/Amsterdan\" is not an IANA time zone"
type Nightly struct{}

func (f *Nightly) Start(c *flow.Context) flow.Next { return flow.Goto(f.End) }

func (f *Nightly) End(c *flow.Context) {}
