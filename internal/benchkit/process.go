package benchkit

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// RingText is the secret key ring the benchmarks seal channel secrets with and give the
// `reach` processes they start.
const RingText = "k1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="

// BuildReach builds ./cmd/reach into a temporary file removed at cleanup.
func BuildReach(ctx context.Context, tb *TB) (string, error) {
	bin := filepath.Join(os.TempDir(), fmt.Sprintf("reach-bench-%d", os.Getpid()))
	build := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/reach")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		return "", fmt.Errorf("build reach: %w", err)
	}
	tb.Cleanup(func() { os.Remove(bin) })
	return bin, nil
}

// Reach is a running `reach serve`.
type Reach struct {
	Cmd                *exec.Cmd
	GRPCAddr, HTTPAddr string
}

// StartReach runs `bin serve` on dsn with extra arguments, waits until it is ready and
// stops it (SIGTERM) at cleanup.
func StartReach(ctx context.Context, tb *TB, bin, dsn string, args ...string) (*Reach, error) {
	r := &Reach{GRPCAddr: FreeAddr(), HTTPAddr: FreeAddr()}
	r.Cmd = exec.CommandContext(ctx, bin, append([]string{"serve", "--database", dsn,
		"--grpc-addr", r.GRPCAddr, "--http-addr", r.HTTPAddr}, args...)...)
	r.Cmd.Env = append(os.Environ(), "REACH_SECRET_KEYS="+RingText, "REACH_LOG_LEVEL=error",
		"REACH_ALIPAY_ALLOW_LOOPBACK=true") // the simulator
	r.Cmd.Stderr = os.Stderr
	if err := r.Cmd.Start(); err != nil {
		return nil, err
	}
	tb.Cleanup(func() { _ = r.Cmd.Process.Signal(syscall.SIGTERM); _ = r.Cmd.Wait() })
	deadline := time.Now().Add(time.Minute)
	for {
		resp, err := http.Get("http://" + r.HTTPAddr + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return r, nil
			}
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("reach serve not ready after a minute: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// FreeAddr is a loopback address with a port nobody listens on now.
func FreeAddr() string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// RSSMB reads the resident memory of a process, in MB.
func RSSMB(pid int) (float64, error) {
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

// CPUTime is the user plus system time a process has used so far.
func CPUTime(pid int) (time.Duration, error) { return procTimes(pid, false) }

// procTimes reads utime and stime from /proc/PID/stat, and with reaped also cutime and
// cstime: the time of its children that exited and were waited for.
func procTimes(pid int, reaped bool) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// Fields after the command name, which is in parentheses and may hold spaces:
	// state is field 3, utime 14, stime 15, cutime 16 and cstime 17 (proc(5)).
	s := string(b)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(fields) < 15 {
		return 0, fmt.Errorf("short /proc/%d/stat", pid)
	}
	last := 13
	if reaped {
		last = 15
	}
	var ticks int64
	for _, f := range fields[11:last] {
		n, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			return 0, err
		}
		ticks += n
	}
	// USER_HZ is 100 on every Linux the project runs on.
	return time.Duration(ticks) * (time.Second / 100), nil
}

// CPUTimeOf is the user plus system time used so far by every running process whose
// command name is one of names (a database server's processes, say), with the time of their
// children that exited: PostgreSQL's postmaster reaps each connection's backend, so a
// connection closed during a run still counts, in the postmaster's cutime and cstime.
func CPUTimeOf(names ...string) (time.Duration, error) {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return 0, err
	}
	var total time.Duration
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		comm, err := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid))
		if err != nil || !slices.Contains(names, strings.TrimSpace(string(comm))) {
			continue
		}
		if d, err := procTimes(pid, true); err == nil { // it may have exited meanwhile
			total += d
		}
	}
	return total, nil
}

// serverProcesses names each database server's processes, to count their CPU (SQLite
// runs inside Reach).
var serverProcesses = map[string][]string{"postgres": {"postgres"}, "mysql": {"mariadbd", "mysqld"}}

// ServerCPU is the CPU time the server of database kind db (sqlite, postgres, mysql) has
// used so far; 0 for SQLite, which runs inside its client.
func ServerCPU(db string) time.Duration {
	if names := serverProcesses[db]; names != nil {
		d, _ := CPUTimeOf(names...)
		return d
	}
	return 0
}
