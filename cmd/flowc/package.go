package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/flowc-dev/flowc/backends"
	"github.com/flowc-dev/flowc/ir"
	"github.com/flowc-dev/flowc/runtime/build"
	"github.com/flowc-dev/flowc/runtime/image"
)

// defaultPlatforms is what --platform is when not given: what clusters
// and AWS Batch mostly run.
const defaultPlatforms = "linux/amd64"

// packageFlags are flowc package's settings, which compile and deploy
// take too (with --package).
type packageFlags struct {
	base, platforms string
}

func (pf *packageFlags) register(c *cobra.Command) {
	c.Flags().StringVar(&pf.base, "base", "", "the base image the runner layer goes on (default: none, scratch)")
	c.Flags().StringVar(&pf.platforms, "platform", defaultPlatforms, "the platforms to build for, comma-separated: linux/amd64,linux/arm64")
}

func newPackage() *cobra.Command {
	var ff frontFlags
	var pf packageFlags
	var repo string
	c := &cobra.Command{
		Use:   "package [PKG] --image REPO[:TAG] [--base IMAGE] [--platform linux/amd64,linux/arm64]",
		Short: "Build the flow's task runner into a container image and push it",
		Long: `Package cross-builds the flow's task runner for each platform (a static
binary, CGO_ENABLED=0), puts it at ` + ir.RunnerPath + ` in one layer over --base
(scratch by default), and pushes the image to REPO[:TAG] — an OCI index when
there are several platforms — with the credentials of the Docker config file
and its helpers, without a Docker daemon. It prints the image by digest,
REPO@sha256:..., for compile and deploy (--image), on standard output.
Layers are reproducible: packaging unchanged code uploads nothing.`,
		Args: pkgArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if repo == "" {
				return usagef("package needs --image REPO[:TAG]: where to push the image")
			}
			f, dir, err := ff.loadFlow(args, cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			ref, err := pf.push(cmd.Context(), cmd.ErrOrStderr(), f, dir, repo)
			if err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), ref)
			return nil
		},
	}
	ff.register(c)
	pf.register(c)
	c.Flags().StringVar(&repo, "image", "", "the repository to push to, REPO[:TAG] (tag latest by default)")
	return c
}

// push builds the runner of f for every platform and pushes the image to
// repo, reporting on w; it returns the image by digest.
func (pf *packageFlags) push(ctx context.Context, w io.Writer, f *ir.Flow, dir, repo string) (string, error) {
	platforms, err := image.ParsePlatforms(pf.platforms)
	if err != nil {
		return "", usagef("--platform: %v", err)
	}
	if ctx == nil {
		ctx = context.Background()
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	start := time.Now()
	var runners []image.Runner
	for _, p := range platforms {
		opts := buildOptions()
		opts.Env = build.CrossEnv(p.OS, p.Arch)
		r, err := build.Build(ctx, dir, f, opts)
		if err != nil {
			return "", fmt.Errorf("package %s for %s: %w", f.Name, p, err)
		}
		runners = append(runners, image.Runner{Platform: p, Path: r.Path})
	}
	res, err := image.Push(ctx, runners, image.Options{Repo: repo, Base: pf.base})
	if err != nil {
		return "", err
	}
	what := "nothing new to upload"
	if res.BlobsUploaded > 0 {
		what = fmt.Sprintf("%d new blobs uploaded", res.BlobsUploaded)
	}
	fmt.Fprintf(w, "Pushed %s (%s, %s) in %s.\n", res.Tag, joinPlatforms(platforms), what, time.Since(start).Round(time.Millisecond))
	return res.Ref, nil
}

func joinPlatforms(ps []image.Platform) string {
	s := ""
	for i, p := range ps {
		if i > 0 {
			s += ", "
		}
		s += p.String()
	}
	return s
}

// registerPackageFlag adds --package (with --base and --platform) to a
// command that takes --image (compile, each target's deploy): with it,
// the command packages the flow first and uses the image by digest.
func registerPackageFlag(c *cobra.Command, pf *packageFlags, on *bool) {
	c.Flags().BoolVar(on, "package", false, "package the flow first (as flowc package, to --image) and pin the pushed image by digest")
	pf.register(c)
}

// packageFirst runs flowc package for a command given --package: it pushes
// to opts.Image and replaces it with the image by digest.
func packageFirst(cmd *cobra.Command, pf *packageFlags, f *ir.Flow, dir string, opts *backends.Common) error {
	if opts.Image == "" {
		return usagef("--package needs --image REPO[:TAG]: where to push the image")
	}
	ref, err := pf.push(cmd.Context(), cmd.ErrOrStderr(), f, dir, opts.Image)
	if err != nil {
		return err
	}
	opts.Image = ref
	return nil
}
