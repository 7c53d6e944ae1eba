package main

// What the demo prints around the walk-through: where everything runs, the summary, and
// under --hold how to try the servers; with the formatting the steps share.

import (
	"context"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/reachhq/reach/clients/alipaysim"
	reachv1 "github.com/reachhq/reach/gen/go/reach/v1"
)

func (e *demoEnv) printIntro(out io.Writer) {
	data := e.dataDir + " (a temp dir, removed at exit)"
	if !e.tempData {
		data = e.dataDir + " (kept)"
	}
	fmt.Fprintln(out, "Reach demo: the Alipay simulator and the Reach service, both in this process; no network.")
	fmt.Fprintln(out)
	fmt.Fprintf(out, "  Alipay simulator  %s   config %s\n", e.sim.URL(), relPath(e.configPath))
	e.printReachAddrs(out)
	fmt.Fprintf(out, "  Database          SQLite in %s, fresh key ring\n", data)
	fmt.Fprintf(out, "  API key           an admin key of tenant %q (sent as Authorization: Bearer …)\n", demoTenant)
}

// printReachAddrs prints where Reach listens, aligned with the lines around it.
func (e *demoEnv) printReachAddrs(out io.Writer) {
	fmt.Fprintf(out, "  Reach HTTP/JSON   %s\n", e.httpURL)
	fmt.Fprintf(out, "  Reach gRPC        %s\n", e.grpcAddr)
}

// relPath shows p relative to the working directory when it is below it.
func relPath(p string) string {
	if wd, err := os.Getwd(); err == nil {
		if rel, err := filepath.Rel(wd, p); err == nil && !strings.HasPrefix(rel, "..") {
			return rel
		}
	}
	return p
}

// hold keeps both servers up until ctx ends (Ctrl-C), with what is needed to try them.
func (e *demoEnv) hold(ctx context.Context, out io.Writer) {
	auth := "Authorization: Bearer " + e.apiKey
	fmt.Fprintln(out)
	fmt.Fprintln(out, "Both servers keep running (--hold). Press Ctrl-C to stop.")
	e.printReachAddrs(out)
	fmt.Fprintf(out, "  Alipay simulator  %s   (admin API under /sim/)\n", e.sim.URL())
	fmt.Fprintf(out, "  API key           %s\n", e.apiKey)
	fmt.Fprintln(out, "Try:")
	fmt.Fprintf(out, "  curl -s -H '%s' '%s/v1/messages'\n", auth, e.httpURL)
	fmt.Fprintf(out, "  curl -s -H '%s' '%s/v1/channels/demo-mini/subscriptions'\n", auth, e.httpURL)
	fmt.Fprintf(out, "  grpcurl -plaintext -H '%s' %s reach.v1.ChannelService/ListChannels\n", auth, e.grpcAddr)
	fmt.Fprintf(out, "  curl -s '%s/sim/requests'   # what the simulated Alipay received\n", e.sim.URL())
	<-ctx.Done()
	fmt.Fprintln(out, "\nStopping.")
}

func (d *demoRun) printSummary(took time.Duration) {
	fmt.Fprintf(d.out, "\nSummary (%.1fs)\n", took.Seconds())
	fmt.Fprintf(d.out, "  channels   %d, all CHANNEL_STATE_ENABLED (Life Account, mini program, Alipay+)\n", len(d.channels))
	fmt.Fprintln(d.out, "  templates  3 (claimed from the library, imported, created)")
	var rows []string
	for _, s := range d.ledger {
		rows = append(rows, short(s.Kind))
	}
	fmt.Fprintf(d.out, "  ledger     %s, all ACTIVE\n", strings.Join(rows, ", "))
	fmt.Fprintf(d.out, "  messages   %d SENT (Alipay accepted each one; GET /v1/messages/{id}/events tells every step)\n", len(d.messages))
	d.printSimCalls()
	if !d.env.tempData {
		// The key file beside the database is found by serve; the demo's key stays valid.
		fmt.Fprintf(d.out, "  kept       %s (database and key file); serve it with\n", d.env.dataDir)
		fmt.Fprintf(d.out, "               go run ./cmd/reach serve --database sqlite:%s\n", d.env.dbPath())
		fmt.Fprintf(d.out, "  API key    %s (admin, tenant %q)\n", d.env.apiKey, demoTenant)
	}
	fmt.Fprintln(d.out, "OK")
}

// printSimCalls lists the signed calls of Reach the simulated Alipay accepted, by API:
// proof that the steps above really went through Alipay's protocol.
func (d *demoRun) printSimCalls() {
	count := map[string]int{}
	recs := d.env.sim.Requests(alipaysim.RequestFilter{})
	for _, r := range recs {
		count[r.API]++
	}
	fmt.Fprintf(d.out, "  Alipay     the simulator accepted %d signed calls from Reach:\n", len(recs))
	for _, api := range slices.Sorted(maps.Keys(count)) {
		fmt.Fprintf(d.out, "               %dx %s\n", count[api], api)
	}
}

// userText shows a user as kind=id.
func userText(u *reachv1.User) string {
	switch id := u.GetId().(type) {
	case *reachv1.User_UserId:
		return id.UserId
	case *reachv1.User_OpenId:
		return "open_id " + id.OpenId
	case *reachv1.User_CustomerId:
		return "customer " + id.CustomerId
	}
	return "?"
}

// short drops an enum value's type prefix: CHANNEL_TYPE_ALIPAY_MINI_PROGRAM → ALIPAY_MINI_PROGRAM.
func short(v fmt.Stringer) string {
	s := v.String()
	for _, p := range []string{"CHANNEL_TYPE_", "SUBSCRIPTION_KIND_", "SUBSCRIPTION_STATE_", "SUBSCRIPTION_TYPE_", "SUBSCRIBE_OUTCOME_"} {
		if rest, ok := strings.CutPrefix(s, p); ok {
			return rest
		}
	}
	return s
}
