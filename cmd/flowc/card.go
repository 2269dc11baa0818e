package main

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/flowc-dev/flowc/client"
)

func newCard() *cobra.Command {
	c := &cobra.Command{
		Use:   "card",
		Short: "List and view the HTML cards of tasks",
		Long: `A step with //flow:card leaves an HTML report of each task beside it in the
datastore: the task's metadata, parameters, artifacts, the flow's graph and
what the step appended with c.Card(). card list shows them; card view
writes one to a file and opens it.`,
	}
	c.AddCommand(newCardList(), newCardView())
	return c
}

func newCardList() *cobra.Command {
	var sf storeFlags
	c := &cobra.Command{
		Use:   "list PATHSPEC",
		Short: "List the cards of a task, or of every task of a step",
		Args:  onePathspec("card list"),
		RunE: func(cmd *cobra.Command, args []string) error {
			p, err := pathspecArg("card list", args[0], 3, 4, "Flow/Run/Step or Flow/Run/Step/Task")
			if err != nil {
				return err
			}
			tasks, err := sf.tasks(p, nil)
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
			n := 0
			for _, t := range tasks {
				cards, err := t.Cards()
				if err != nil {
					return err
				}
				for _, ci := range cards {
					if n == 0 {
						fmt.Fprintln(tw, "TASK\tATTEMPT\tTYPE\tID")
					}
					n++
					fmt.Fprintf(tw, "%s\t%d\t%s\t%s\n", t.Pathspec(), ci.Attempt, ci.Type, orDash(ci.ID))
				}
			}
			if n == 0 {
				fmt.Fprintf(cmd.ErrOrStderr(), "%s has no cards: a step gets them with //flow:card.\n", p)
			}
			return tw.Flush()
		},
	}
	sf.register(c.Flags())
	return c
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func newCardView() *cobra.Command {
	var sf storeFlags
	var id, out string
	var noOpen bool
	c := &cobra.Command{
		Use:   "view PATHSPEC",
		Short: "Write a task's card to a file and open it in a browser",
		Long: `View writes the card of task Flow/Run/Step/Task (Flow/Run/Step names the
only task of a step that has one) to FILE (-o; "-" is
standard output) or, without -o, to a file in the temporary directory, and
prints the file's path. When standard output is a terminal and a browser can
be started (xdg-open, or open on macOS), it opens the file. --id picks a card
of a step with several; without it, the card without an id, or the only one.`,
		Args: onePathspec("card view"),
		RunE: func(cmd *cobra.Command, args []string) error {
			p, err := pathspecArg("card view", args[0], 3, 4, "Flow/Run/Step/Task, or Flow/Run/Step for a step with one task")
			if err != nil {
				return err
			}
			tasks, err := sf.tasks(p, nil)
			if err != nil {
				return err
			}
			if len(tasks) > 1 {
				return usagef("card view: step %s has %d tasks; name one, as %s", p, len(tasks), tasks[0].Pathspec())
			}
			page, info, err := pickCard(tasks[0], id, cmd.Flags().Changed("id"))
			if err != nil {
				return err
			}
			if out == "-" {
				_, err := cmd.OutOrStdout().Write(page)
				return err
			}
			if out == "" {
				var err error
				if out, err = writeTempCard(p.String(), info.Name(), page); err != nil {
					return err
				}
			} else if err := os.WriteFile(out, page, 0o644); err != nil {
				return fmt.Errorf("write card: %w", err)
			}
			fmt.Fprintln(cmd.OutOrStdout(), out)
			if !noOpen && isTerminal(cmd.OutOrStdout()) {
				openBrowser(out, cmd.ErrOrStderr())
			}
			return nil
		},
	}
	sf.register(c.Flags())
	c.Flags().StringVar(&id, "id", "", "the card's `ID`, for a step with several cards")
	c.Flags().StringVarP(&out, "output", "o", "", "write the card to `FILE` (- for standard output)")
	c.Flags().BoolVar(&noOpen, "no-open", false, "do not open the card in a browser")
	return c
}

// pickCard returns the card with id, or when no id was given the card
// without one or the only one.
func pickCard(t *client.Task, id string, given bool) ([]byte, client.CardInfo, error) {
	if !given {
		cards, err := t.Cards()
		if err != nil {
			return nil, client.CardInfo{}, err
		}
		if len(cards) == 1 {
			id = cards[0].ID
		} else if len(cards) > 1 && !hasCard(cards, "") {
			var ids []string
			for _, c := range cards {
				ids = append(ids, c.ID)
			}
			return nil, client.CardInfo{}, usagef("task %s has %d cards; pick one with --id (%s)", t.Pathspec(), len(cards), strings.Join(ids, ", "))
		}
	}
	return t.Card(id)
}

func hasCard(cards []client.CardInfo, id string) bool {
	for _, c := range cards {
		if c.ID == id {
			return true
		}
	}
	return false
}

// openBrowser opens file in the desktop's browser, when there is one; it
// says why not on stderr otherwise. The path is an argument, never shell
// text.
func openBrowser(file string, stderr io.Writer) {
	opener := "xdg-open"
	switch {
	case runtime.GOOS == "darwin":
		opener = "open"
	case os.Getenv("DISPLAY") == "" && os.Getenv("WAYLAND_DISPLAY") == "":
		fmt.Fprintln(stderr, "flowc: no display to open a browser on; open the file above yourself")
		return
	}
	path, err := exec.LookPath(opener)
	if err != nil {
		fmt.Fprintf(stderr, "flowc: %s not found; open the file above yourself\n", opener)
		return
	}
	cmd := exec.Command(path, file)
	if err := cmd.Start(); err != nil {
		fmt.Fprintf(stderr, "flowc: %s: %v\n", opener, err)
		return
	}
	cmd.Process.Release() // the opener returns at once; flowc does not wait for the browser
}

// writeTempCard writes a card page to a new file in the temporary
// directory and returns its path. The file is fresh and private: created
// with O_EXCL and mode 0600 by os.CreateTemp, under a random name, so that
// another user of the machine can neither read the card (artifacts show in
// it) nor plant a file or a symbolic link where it will be written.
func writeTempCard(pathspec, card string, page []byte) (string, error) {
	base := strings.ReplaceAll(pathspec, "/", "-") + "-" + strings.TrimSuffix(card, ".html")
	f, err := os.CreateTemp("", "flowc-card-"+strings.ReplaceAll(base, "*", "_")+"-*.html")
	if err != nil {
		return "", fmt.Errorf("write card: %w", err)
	}
	_, err = f.Write(page)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return "", fmt.Errorf("write card: %w", err)
	}
	return f.Name(), nil
}
