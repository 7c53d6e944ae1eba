package benchkit

import (
	"fmt"
	"os"
)

// TB lets the test worlds (deliverytest) run outside `go test`: a failure ends the
// program, cleanups run in reverse when Done is called.
type TB struct{ cleanups []func() }

func (*TB) Helper() {}
func (*TB) Fatal(args ...any) {
	fmt.Fprintln(os.Stderr, append([]any{"bench:"}, args...)...)
	os.Exit(1)
}
func (*TB) Fatalf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "bench: "+format+"\n", args...)
	os.Exit(1)
}
func (b *TB) Cleanup(f func()) { b.cleanups = append(b.cleanups, f) }

// Done runs the cleanups, last registered first.
func (b *TB) Done() {
	for i := len(b.cleanups) - 1; i >= 0; i-- {
		b.cleanups[i]()
	}
	b.cleanups = nil
}
