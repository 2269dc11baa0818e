package datastore

import "testing"

// FuzzParseCard: a card name read from a listing never panics the parser,
// and one it accepts names itself again.
func FuzzParseCard(f *testing.F) {
	for _, s := range []string{"0.card.default.html", "3.card.blank-summary.html", "0.card..html", "x.card.a.html",
		"0.card.a-b-c.html", "01.card.a.html", "0.card.a/b.html", "0.attempt.json", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		c, ok := parseCard(name)
		if !ok {
			return
		}
		if c.Name() != name {
			t.Errorf("parseCard(%q) = %+v, which names itself %q", name, c, c.Name())
		}
		if err := c.check(); err != nil {
			t.Errorf("parseCard(%q) accepted %+v: %v", name, c, err)
		}
	})
}
