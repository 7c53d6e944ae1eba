package server

import (
	"errors"
	"unicode/utf8"

	"github.com/reachhq/reach/appconn"
	reachv1 "github.com/reachhq/reach/gen/go/reach/v1"
	"github.com/reachhq/reach/policy"
)

// checkChannel validates a whole channel as it will be stored (its gateway URL against the
// operator's allowlist ep), fills output-only credential fields and returns the secrets
// taken out of it.
func checkChannel(f *fieldErrors, p string, c *reachv1.Channel, ep *appconn.Endpoints) appconn.Secrets {
	if c.DisplayName == "" || utf8.RuneCountInString(c.DisplayName) > 200 {
		f.add(p+"display_name", "required, at most 200 characters")
	}
	var sec appconn.Secrets
	switch c.Type {
	case reachv1.ChannelType_CHANNEL_TYPE_ALIPAY_LIFE_ACCOUNT, reachv1.ChannelType_CHANNEL_TYPE_ALIPAY_MINI_PROGRAM:
		if op := c.GetOpenPlatform(); op != nil {
			sec = checkOpenPlatform(f, p+"open_platform.", op, ep)
		} else {
			f.add(p+"open_platform", "required: "+c.Type.String()+" channels use Open Platform credentials")
		}
	case reachv1.ChannelType_CHANNEL_TYPE_ALIPAY_PLUS_MINI_PROGRAM:
		if ap := c.GetAlipayPlus(); ap != nil {
			sec = checkAlipayPlus(f, p+"alipay_plus.", ap, ep)
		} else {
			f.add(p+"alipay_plus", "required: Alipay+ channels use alipay_plus credentials")
		}
	default:
		f.add(p+"type", "required: ALIPAY_LIFE_ACCOUNT, ALIPAY_MINI_PROGRAM or ALIPAY_PLUS_MINI_PROGRAM")
	}
	if dp := c.DeliveryPolicy; dp != nil {
		if dp.MaxSendsPerSecond < 0 || dp.MaxSendsPerSecond > 10000 {
			f.add(p+"delivery_policy.max_sends_per_second", "must be between 0 (default) and 10000")
		}
		if dp.MaxAttempts < 0 || dp.MaxAttempts > 100 {
			f.add(p+"delivery_policy.max_attempts", "must be between 0 (default) and 100")
		}
		if dp.MaxPerUserPerDay < 0 || dp.MaxPerUserPerDay > 10000 {
			f.add(p+"delivery_policy.max_per_user_per_day", "must be between 0 (no cap) and 10000")
		}
		if dp.MaxInFlight < 0 || dp.MaxInFlight > 1000 {
			f.add(p+"delivery_policy.max_in_flight", "must be between 0 (default) and 1000")
		}
		if dp.Burst < 0 || dp.Burst > 10000 {
			f.add(p+"delivery_policy.burst", "must be between 0 (default) and 10000")
		}
		var qes policy.FieldErrors
		if _, err := policy.ParseQuiet(dp.QuietHours); errors.As(err, &qes) {
			for _, qe := range qes {
				f.add(p+"delivery_policy.quiet_hours."+qe.Field, qe.Problem)
			}
		}
		var qe *policy.FieldError
		if _, err := policy.ParseCap(dp); errors.As(err, &qe) {
			f.add(p+"delivery_policy."+qe.Field, qe.Problem)
		}
		if _, err := policy.DedupWindow(dp); errors.As(err, &qe) {
			f.add(p+"delivery_policy."+qe.Field, qe.Problem)
		}
	}
	return sec
}
