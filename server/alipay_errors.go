package server

import (
	"errors"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/reachhq/reach/clients/alipayerr"
)

// alipayStatus turns a failed Alipay call made on the caller's behalf (claim, sync,
// authorize) into a status whose ErrorInfo carries Alipay's own code and words.
func alipayStatus(what string, err error) error {
	var ae *alipayerr.Error
	if !errors.As(err, &ae) {
		return status.Errorf(codes.Unavailable, "%s: Alipay could not be reached: %v", what, err)
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
	st := status.New(code, what+": "+ae.Error())
	info := &errdetails.ErrorInfo{Reason: "ALIPAY_" + ae.Class.String(), Domain: errorDomain, Metadata: map[string]string{}}
	for k, v := range map[string]string{"code": ae.Code, "msg": ae.Msg, "sub_code": ae.SubCode, "sub_msg": ae.SubMsg} {
		if v != "" {
			info.Metadata[k] = v
		}
	}
	if d, err := st.WithDetails(info); err == nil {
		st = d
	}
	return st.Err()
}
