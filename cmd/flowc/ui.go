package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os/signal"
	"strconv"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/flowc-dev/flowc/ui"
)

func newUI() *cobra.Command {
	var sf storeFlags
	var nf nsFlags
	var port int
	var host string
	c := &cobra.Command{
		Use:   "ui",
		Short: "Browse runs, their graphs, timelines, logs, artifacts and cards in a web browser",
		Long: `UI serves a run browser over the datastore at http://127.0.0.1:PORT: every
flow's runs, newest first; a run's graph coloured by state, its timeline and
tasks; a task's logs, artifacts and cards; runs in progress update live.
It listens on 127.0.0.1 only unless --host widens it: the browser shows
every artifact and log to whoever can reach it. Stop it with Ctrl-C.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if port < 0 || port > 65535 {
				return usagef("--port %d: want 0 to 65535", port)
			}
			ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
			defer stop()
			return serveUI(ctx, cmd.OutOrStdout(), cmd.ErrOrStderr(), &sf, &nf, host, port)
		},
	}
	sf.register(c.Flags())
	nf.register(c.Flags(), "list the runs")
	c.Flags().IntVar(&port, "port", 8324, "the port to listen on (0: any free port)")
	c.Flags().StringVar(&host, "host", "127.0.0.1", "the address to listen on; anything but a loopback address warns")
	return c
}

// serveUI serves the run browser on host:port until ctx is cancelled. It
// warns on stderr when host is not a loopback address.
func serveUI(ctx context.Context, stdout, stderr io.Writer, sf *storeFlags, nf *nsFlags, host string, port int) error {
	c, err := sf.open()
	if err != nil {
		return err
	}
	srv, err := ui.New(c)
	if err != nil {
		return err
	}
	listed, err := nf.apply(c)
	if err != nil {
		return err
	}
	srv.SetNamespace(listed.CurrentNamespace())
	root, err := sf.resolve()
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(host, strconv.Itoa(port)))
	if errors.Is(err, syscall.EADDRINUSE) {
		return fmt.Errorf("ui: port %d is in use (another flowc ui?); choose another with --port N, or --port 0 for any free one", port)
	}
	if err != nil {
		return fmt.Errorf("ui: %w", err)
	}
	switch ip := net.ParseIP(host); {
	case ip != nil && ip.IsUnspecified():
		srv.AllowHosts("*") // every name of the machine: --host widened it
	case ip == nil:
		srv.AllowHosts(host)
	}
	if !loopback(host) {
		fmt.Fprintf(stderr, "flowc: warning: --host %s makes the run browser, with every artifact and log, reachable from other machines; it has no authentication\n", host)
	}
	fmt.Fprintf(stdout, "flowc ui: serving the datastore %s on http://%s/ (Ctrl-C stops)\n", root, ln.Addr())
	return srv.Serve(ctx, ln)
}

// loopback reports whether host names only this machine: a loopback
// address or localhost.
func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
