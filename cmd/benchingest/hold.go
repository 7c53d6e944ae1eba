package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/reachhq/reach/internal/benchkit"
)

// hold leaves the benchmark's Reach running for another tool (ghz, a profiler) until
// Ctrl-C, printing what a caller needs.
func hold(ctx context.Context, reach *benchkit.Reach, admin, token string, users []string) error {
	fmt.Printf("Reach (dispatcher off) on gRPC %s, HTTP %s, admin %s (pprof under /debug/pprof/)\n", reach.GRPCAddr, reach.HTTPAddr, admin)
	fmt.Printf("sender key: %s\ntemplate: %s; %d recipients that follow it, for example user id %s\n", token, template, len(users), users[0])
	fmt.Printf("for example:\n  ghz --insecure -c 64 -z 20s --call reach.v1.MessageService/SendMessage -m '{\"authorization\":\"Bearer %s\"}' \\\n", token)
	fmt.Printf("    -d '{\"requestId\":\"{{newUUID}}\",\"template\":\"%s\",\"recipient\":{\"userId\":\"%s\"},\"data\":{\"keyword1\":\"order 1\"}}' %s\n", template, users[0], reach.GRPCAddr)
	fmt.Println("Ctrl-C stops it.")
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	<-ctx.Done()
	return nil
}
