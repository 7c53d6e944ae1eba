package benchkit

import (
	"os"
	"strconv"
	"strings"
)

// MachineCPU reads the machine's CPU time from /proc/stat: busy and total jiffies over all
// cores. Two readings tell how busy the machine was between them — every process, the
// databases too — which says whether a run was limited by CPU or by waiting.
type MachineCPU struct{ busy, total uint64 }

// ReadMachineCPU takes a reading; on a system without /proc/stat it is zero.
func ReadMachineCPU() MachineCPU {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return MachineCPU{}
	}
	line, _, _ := strings.Cut(string(b), "\n")
	fields := strings.Fields(line) // cpu user nice system idle iowait irq softirq steal …
	var m MachineCPU
	for i, f := range fields[1:] {
		v, _ := strconv.ParseUint(f, 10, 64)
		if i >= 8 {
			break // guest time is counted in user already
		}
		m.total += v
		if i != 3 && i != 4 { // idle, iowait
			m.busy += v
		}
	}
	return m
}

// BusyCores is how many cores' worth of CPU the machine used from m to later.
func (m MachineCPU) BusyCores(later MachineCPU, cores int) float64 {
	if later.total <= m.total {
		return 0
	}
	return float64(later.busy-m.busy) / float64(later.total-m.total) * float64(cores)
}
