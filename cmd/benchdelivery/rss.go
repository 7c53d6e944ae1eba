package main

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/reachhq/reach/delivery/deliverytest"
	"github.com/reachhq/reach/store"
)

// queuedRSS queues o.queued Life Account messages in an SQLite database, starts a real
// `reach serve` on it (sending to the simulator in this process), and samples its
// resident memory every second for 20 s while it works through the queue.
func queuedRSS(ctx context.Context, o options) (figures, error) {
	b, err := newBench(ctx, o, "sqlite")
	if err != nil {
		return figures{}, err
	}
	defer b.close()
	b.Policy("life", benchPolicy) // the machine, not the default 50/s, sets the pace
	to := b.recipients("life", 1000)
	start := time.Now()
	batch := make([]*store.Message, 0, 1000)
	for i := range o.queued {
		batch = append(batch, deliverytest.Message(b.Tenant, to[i%len(to)]))
		if len(batch) == cap(batch) || i == o.queued-1 {
			if _, _, _, err := b.Store.CreateMessages(ctx, b.Tenant, "", "", batch); err != nil {
				return figures{}, err
			}
			batch = batch[:0]
		}
	}
	fmt.Printf("  (queued %d messages in %v)\n", o.queued, time.Since(start).Round(time.Second))
	bin := filepath.Join(os.TempDir(), fmt.Sprintf("reach-bench-%d", os.Getpid()))
	build := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/reach")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		return figures{}, fmt.Errorf("build reach: %w", err)
	}
	defer os.Remove(bin)
	serve := exec.CommandContext(ctx, bin, "serve", "--database", b.dsn, "--grpc-addr", freeAddr(), "--http-addr", freeAddr())
	serve.Env = append(os.Environ(), "REACH_SECRET_KEYS="+ringText, "REACH_LOG_LEVEL=warn")
	serve.Stderr = os.Stderr
	if err := serve.Start(); err != nil {
		return figures{}, err
	}
	defer func() { _ = serve.Process.Signal(syscall.SIGTERM); _ = serve.Wait() }()
	var samples []float64
	for range 20 {
		time.Sleep(time.Second)
		mb, err := rssMB(serve.Process.Pid)
		if err != nil {
			return figures{}, err
		}
		samples = append(samples, mb)
	}
	sent := b.Accepted(deliverytest.LifeApp)
	fmt.Printf("  (it sent %d messages meanwhile)\n", sent)
	return measure(len(samples), func() float64 { v := samples[0]; samples = samples[1:]; return v }), nil
}

// rssMB reads VmRSS of a process, in MB.
func rssMB(pid int) (float64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, err := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(rest), " kB"))
			return float64(kb) / 1024, err
		}
	}
	return 0, fmt.Errorf("no VmRSS for pid %d", pid)
}

func freeAddr() string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	defer l.Close()
	return l.Addr().String()
}
