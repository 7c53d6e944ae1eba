package delivery

import (
	"context"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"github.com/reachhq/reach/internal/tracing"
	"github.com/reachhq/reach/store"
)

// startSpan starts the attempt's span as a child of the call that queued the message
// (its stored traceparent), not a new trace linked to it. A message is then one trace
// from the API call to Alipay's answer, retries included, and its events share one trace
// id, which is what someone following a message looks up. The price is long traces (a
// retried message's attempts are minutes or hours after the call) and wide ones (a batch
// of 1,000 recipients is one trace with 1,000 attempts); the call's sampling decision is
// kept, so an unsampled send costs its attempts nothing either. Broadcast messages, which
// no call queued, get a trace of their own per attempt.
func (a *attempt) startSpan(ctx context.Context) (context.Context, trace.Span) {
	m := a.c.Message
	ctx, span := a.d.cfg.Tracing.Tracer().Start(tracing.WithTraceParent(ctx, m.TraceParent), "delivery.attempt",
		trace.WithSpanKind(trace.SpanKindConsumer),
		trace.WithAttributes(attribute.String("reach.tenant", m.TenantID), attribute.String("reach.message", m.ID),
			attribute.String("reach.channel", m.ChannelID), attribute.Int("reach.attempt", m.Attempts),
			attribute.String("reach.replica", a.d.cfg.Replica)))
	a.traceID = tracing.TraceID(ctx)
	return ctx, span
}

// endSpan records the attempt's trace id on every event of its outcome, whichever path
// wrote them, and ends its span with what became of the message.
func (a *attempt) endSpan(span trace.Span, out *store.Outcome) {
	if out == nil {
		span.End()
		return
	}
	for _, e := range out.Events {
		e.TraceID = a.traceID
	}
	if span.IsRecording() {
		span.SetAttributes(attribute.String("reach.state", out.State), attribute.String("reach.state_reason", out.StateReason))
		if out.LastError != nil {
			span.SetAttributes(attribute.String("alipay.code", out.LastError.Code), attribute.String("alipay.sub_code", out.LastError.SubCode))
		}
		if out.State == "FAILED" {
			span.SetStatus(codes.Error, out.StateReason)
		}
	}
	span.End()
}
