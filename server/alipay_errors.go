package server

import (
	"context"
	"errors"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/reachhq/reach/clients/alipayerr"
	"github.com/reachhq/reach/rules"
	"github.com/reachhq/reach/store"
)

// alipayStatus turns a failed Alipay call made on the caller's behalf (claim, sync,
// authorize) into a status whose ErrorInfo carries Alipay's code, and its words when Alipay
// signed them. The message is alipayerr.Public: nothing an unsigned answer said, and one
// text for every way of not reaching the gateway; the whole error goes to the log.
func (d *deps) alipayStatus(ctx context.Context, what string, err error) error {
	d.log.WarnContext(ctx, "alipay call failed", "call", what, "error", err)
	msg := what + ": " + alipayerr.Public(err)
	if errors.Is(err, alipayerr.ErrEndpointNotAllowed) {
		reason, _ := rules.ChannelRefused(err)
		return status.Error(codes.FailedPrecondition, what+": "+reason)
	}
	var ae *alipayerr.Error
	if !errors.As(err, &ae) {
		return status.Error(codes.Unavailable, msg)
	}
	code := codes.FailedPrecondition
	switch ae.Class {
	case alipayerr.Retryable:
		code = codes.Unavailable
	case alipayerr.RateLimited:
		code = codes.ResourceExhausted
	case alipayerr.BadRequest:
		code = codes.InvalidArgument
	}
	var badRequest *errdetails.BadRequest
	if authCodeRefused(ae) {
		code = codes.InvalidArgument
		badRequest = &errdetails.BadRequest{FieldViolations: []*errdetails.BadRequest_FieldViolation{{Field: "auth_code",
			Description: "Alipay+ refused it: invalid, already used or expired (a code lasts 10 minutes); get a new one with my.getAuthCode"}}}
	}
	st := status.New(code, msg)
	if badRequest != nil {
		if d, err := st.WithDetails(badRequest); err == nil {
			st = d
		}
	}
	info := &errdetails.ErrorInfo{Reason: "ALIPAY_" + ae.Class.String(), Domain: errorDomain, Metadata: map[string]string{}}
	fields := map[string]string{"code": alipayerr.SafeCode(ae.Code), "sub_code": alipayerr.SafeCode(ae.SubCode)}
	if ae.Verified {
		fields = map[string]string{"code": ae.Code, "msg": ae.Msg, "sub_code": ae.SubCode, "sub_msg": ae.SubMsg}
	}
	for k, v := range fields {
		if v != "" {
			info.Metadata[k] = v
		}
	}
	if d, err := st.WithDetails(info); err == nil {
		st = d
	}
	return st.Err()
}

// noteAlipayVerdict applies what a failed Alipay call made on the caller's behalf says
// about the records around it, by the same rules the dispatcher follows: refused
// credentials make the channel AUTH_FAILED, a template Alipay says no longer exists
// becomes INVALID (tpl nil: the call was not about one template). The caller's error is
// returned as it was; a failure to record the verdict is only logged.
func (d *deps) noteAlipayVerdict(ctx context.Context, ch *store.Channel, tpl *store.Template, callErr error) {
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), writeTimeout)
	defer cancel()
	if reason, ok := rules.ChannelRefused(callErr); ok {
		err := retryConflicts(conflictAttempts, func() error {
			cur, err := d.store.GetChannel(wctx, ch.TenantID, ch.ID)
			if err != nil || (cur.State != "ENABLED" && cur.State != "UNVERIFIED") {
				return err
			}
			now := d.now()
			cur.State, cur.StateReason, cur.VerifyTime = "AUTH_FAILED", reason, &now
			return d.store.UpdateChannel(wctx, cur)
		})
		if err != nil {
			d.log.WarnContext(ctx, "record refused credentials", "channel", ch.ID, "error", err)
		}
	}
	if reason, ok := rules.TemplateGone(callErr); ok && tpl != nil {
		err := retryConflicts(conflictAttempts, func() error {
			cur, err := d.store.GetTemplate(wctx, tpl.TenantID, tpl.ChannelID, tpl.ID)
			if err != nil || cur.State != "ACTIVE" {
				return err
			}
			now := d.now()
			cur.State, cur.StateReason, cur.InvalidTime = "INVALID", reason, &now
			return d.store.UpdateTemplate(wctx, cur)
		})
		if err != nil {
			d.log.WarnContext(ctx, "record a template Alipay no longer has", "template", tpl.ID, "error", err)
		}
	}
}
