package main

// `reach demo` (make demo): the whole of Reach in one process against the Alipay simulator,
// so a newcomer sees it work with nothing to set up and no network. Every step is a real
// call over the JSON gateway, printed as the method and path with a short summary of the
// answer (--verbose adds the bodies).
//
// This file holds the command and what the demo uses from the simulator's config;
// demo_sim.go and demo_env.go start the two servers, demo_api.go is the JSON client,
// demo_steps*.go the walk-through, and demo_print.go what is printed around it.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/reachhq/reach/clients/alipaysim"
)

// demoSimConfig is the simulator's example config, relative to the repository root. Test
// data cannot be embedded from another package, so the demo reads it from the checkout.
const demoSimConfig = "clients/alipaysim/testdata/sim.json"

// What the demo uses from demoSimConfig. The private keys sit beside the config; they are
// test keys, public in the repository.
const (
	demoLifeApp      = "2021000000000001"
	demoLifeKey      = "life_private.pem"
	demoMiniApp      = "2021000000000002"
	demoMiniKey      = "mini_private.pem"
	demoPlusApp      = "P000000000000001SIM1"
	demoPlusKey      = "plus_private.pem"
	demoLibCode      = "TMba10b7c396674479b116f955919f631c" // the library's 交易确认
	demoMiniTemplate = "ab72b134e7584250876d23000000000b"   // one-time, keyword1…3
	demoPlusTemplate = "TP_202109305800000001"              // orderNo, storeName
)

// The demo's tenant and users. The user is not in the simulator's initial state, so
// everything Reach and the simulator know about them comes from the walk-through.
const (
	demoTenant   = "demo"
	demoUser     = "2088000000000002"
	demoCustomer = "demo-customer-0001"
)

// demoOptions are the demo's flags.
type demoOptions struct {
	verbose bool
	keep    string
	hold    bool
	// simFaults are installed in the simulator before the walk-through (tests only: they
	// show that a failing step fails the demo).
	simFaults []alipaysim.Fault
}

func demoCmd() *cobra.Command {
	var o demoOptions
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "See Reach work: a walk-through against a built-in Alipay simulator (no setup, no network)",
		Long: `Start the Alipay simulator (clients/alipaysim, with its example config and test keys) and
the Reach service in this process, on free loopback ports and a throwaway SQLite database,
then walk through Reach over its JSON gateway: a channel per Alipay product, templates,
a follower, a subscription, an authorization and a message per product.

Run it from inside the repository (make demo): the simulator's config is read from
` + demoSimConfig + `.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, stop := signal.NotifyContext(cmd.Context(), syscall.SIGINT, syscall.SIGTERM)
			defer stop()
			return runDemo(ctx, cmd.OutOrStdout(), cmd.ErrOrStderr(), o)
		},
	}
	f := cmd.Flags()
	f.BoolVarP(&o.verbose, "verbose", "v", false, "print the JSON bodies of every call")
	f.StringVar(&o.keep, "keep", "", "keep the database and its key file in this new directory (default: a temp dir, removed at exit)")
	f.BoolVar(&o.hold, "hold", false, "after the walk-through keep both servers running until Ctrl-C, to try curl or grpcurl")
	// The demo builds its own world on purpose: nothing configured may change it.
	notSettings(cmd, "verbose", "keep", "hold")
	return cmd
}

// runDemo starts everything, walks through, prints the summary and, with --hold, waits.
func runDemo(ctx context.Context, out, errOut io.Writer, o demoOptions) (err error) {
	start := time.Now()
	// Warnings and errors only: request logs would bury the walk-through.
	log := slog.New(slog.NewTextHandler(errOut, &slog.HandlerOptions{Level: slog.LevelWarn}))
	env, err := startDemoEnv(ctx, o, log)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, env.close()) }()
	env.printIntro(out)

	api := &demoAPI{base: env.httpURL, key: env.apiKey, http: &http.Client{Timeout: 30 * time.Second}, out: out, verbose: o.verbose}
	run := &demoRun{api: api, env: env, out: out}
	if err := run.walk(ctx); err != nil {
		return fmt.Errorf("demo failed: %w", err)
	}
	run.printSummary(time.Since(start))
	if o.hold {
		env.hold(ctx, out)
	}
	return nil
}
