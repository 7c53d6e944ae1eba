package policy

import (
	"time"

	reachv1 "github.com/reachhq/reach/gen/go/reach/v1"
)

// MaxDedupWindow is the longest content de-duplication window a policy may ask for.
const MaxDedupWindow = 30 * 24 * time.Hour

// DedupWindow checks and returns a policy's content de-duplication window; 0 is off.
// Errors are *FieldError naming a field under delivery_policy.
func DedupWindow(p *reachv1.DeliveryPolicy) (time.Duration, error) {
	d := p.GetDedupWindow()
	if d == nil {
		return 0, nil
	}
	if err := d.CheckValid(); err != nil || d.AsDuration() < 0 || d.AsDuration() > MaxDedupWindow {
		return 0, &FieldError{"dedup_window", "must be between 0 (off) and 30 days (720h)"}
	}
	return d.AsDuration(), nil
}
