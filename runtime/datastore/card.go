package datastore

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// CardInfo names one card of a task: the attempt that made it, the card's
// type (default, blank, or error for a card that failed to render) and its
// id ("" for a card without one).
type CardInfo struct {
	Attempt int
	Type    string
	ID      string
}

// cardID is what a card id may be, as in Metaflow; compiled on first use,
// not at every task runner's start.
var cardID = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9_]*$`) })

// Name returns the card's file name in the task's folder:
// "<n>.card.<type>.html", or "<n>.card.<type>-<id>.html" with an id.
func (c CardInfo) Name() string {
	s := strconv.Itoa(c.Attempt) + ".card." + c.Type
	if c.ID != "" {
		s += "-" + c.ID
	}
	return s + ".html"
}

func (c CardInfo) check() error {
	if err := checkAttempt(c.Attempt); err != nil {
		return err
	}
	if c.Type == "" || !cardID().MatchString(c.Type) || !cardID().MatchString(c.ID) {
		return fmt.Errorf("datastore: card type %q id %q: want letters, digits and _", c.Type, c.ID)
	}
	return nil
}

// parseCard reads a name that CardInfo.Name made.
func parseCard(name string) (CardInfo, bool) {
	num, rest, ok := strings.Cut(name, ".card.")
	rest, html := strings.CutSuffix(rest, ".html")
	n, err := strconv.Atoi(num)
	if !ok || !html || err != nil || strconv.Itoa(n) != num { // one spelling per attempt: no sign, no leading zero
		return CardInfo{}, false
	}
	typ, id, dash := strings.Cut(rest, "-")
	c := CardInfo{Attempt: n, Type: typ, ID: id}
	return c, c.check() == nil && (id != "" || !dash)
}

// PutCard stores a card of task t, replacing the card of the same attempt,
// type and id (a card re-rendered while its task runs).
func (s *Store) PutCard(ctx context.Context, t TaskPath, c CardInfo, html []byte) error {
	if err := t.check(); err != nil {
		return err
	}
	if err := c.check(); err != nil {
		return err
	}
	return s.backend.Put(ctx, t.key(c.Name()), html)
}

// GetCard reads a card of task t.
func (s *Store) GetCard(ctx context.Context, t TaskPath, c CardInfo) ([]byte, error) {
	if err := t.check(); err != nil {
		return nil, err
	}
	if err := c.check(); err != nil {
		return nil, err
	}
	return s.backend.Get(ctx, t.key(c.Name()))
}

// ListCards returns the cards of task t, by attempt, then type and id.
func (s *Store) ListCards(ctx context.Context, t TaskPath) ([]CardInfo, error) {
	if err := t.check(); err != nil {
		return nil, err
	}
	keys, err := s.backend.List(ctx, t.key(""))
	if err != nil {
		return nil, err
	}
	var out []CardInfo
	for _, k := range keys {
		if c, ok := parseCard(k[len(t.key("")):]); ok {
			out = append(out, c)
		}
	}
	slices.SortFunc(out, func(a, b CardInfo) int {
		if a.Attempt != b.Attempt {
			return a.Attempt - b.Attempt
		}
		return strings.Compare(a.Type+"-"+a.ID, b.Type+"-"+b.ID)
	})
	return out, nil
}
