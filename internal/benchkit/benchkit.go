// Package benchkit is what the benchmark programs (cmd/bench*) share: the figures of
// repeated measurements, fresh databases, a world written straight into a store, and a
// real `reach` process to measure. Nothing here asserts a target.
package benchkit

import (
	"fmt"
	"slices"
)

// Figures are the min, median and max of repeats.
type Figures struct{ Min, Median, Max float64 }

func (f Figures) String() string {
	return fmt.Sprintf("min %.0f median %.0f max %.0f", f.Min, f.Median, f.Max)
}

// Measure runs fn n times (at least once) and returns the spread of its results.
func Measure(n int, fn func() float64) Figures {
	var vs []float64
	for range max(n, 1) {
		vs = append(vs, fn())
	}
	return Of(vs)
}

// Of returns the spread of samples (at least one).
func Of(samples []float64) Figures {
	vs := slices.Sorted(slices.Values(samples))
	return Figures{vs[0], vs[len(vs)/2], vs[len(vs)-1]}
}
