package buildinfo

import "github.com/prometheus/client_golang/prometheus"

// Collector returns the reach_build_info gauge: always 1, its labels naming the build, so
// a dashboard can show which version each replica runs and when that changed.
func Collector() prometheus.Collector {
	return collector(Read())
}

func collector(info Info) prometheus.Collector {
	return prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "reach_build_info",
		Help: "The running build of Reach: its version, commit (revision) and Go version; always 1.",
		ConstLabels: prometheus.Labels{
			"version":   info.Version,
			"revision":  info.Revision,
			"goversion": info.GoVersion,
		},
	}, func() float64 { return 1 })
}
