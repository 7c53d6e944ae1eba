package tracing

import (
	"context"

	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

// A message keeps the trace context of the call that queued it as a W3C traceparent
// ("00-<trace id>-<span id>-<flags>"), so the dispatcher's attempt, perhaps on another
// replica and much later, continues that trace.

const traceparentHeader = "traceparent"

// TraceParent is the traceparent of the span in ctx, "" when there is none (tracing off).
func TraceParent(ctx context.Context) string {
	if !trace.SpanContextFromContext(ctx).IsValid() {
		return ""
	}
	c := propagation.MapCarrier{}
	propagation.TraceContext{}.Inject(ctx, c)
	return c[traceparentHeader]
}

// WithTraceParent returns ctx with tp as its remote parent span, so a span started from it
// joins tp's trace; ctx as it is when tp is empty or not a traceparent.
func WithTraceParent(ctx context.Context, tp string) context.Context {
	if tp == "" {
		return ctx
	}
	return propagation.TraceContext{}.Extract(ctx, propagation.MapCarrier{traceparentHeader: tp})
}

// TraceID is the trace id of the span in ctx (32 hex digits), "" when there is none.
func TraceID(ctx context.Context) string {
	return traceIDOf(trace.SpanContextFromContext(ctx))
}

// TraceIDOf is the trace id of a stored traceparent, "" when tp is not one.
func TraceIDOf(tp string) string {
	if tp == "" {
		return ""
	}
	return TraceID(WithTraceParent(context.Background(), tp))
}

func traceIDOf(sc trace.SpanContext) string {
	if !sc.HasTraceID() {
		return ""
	}
	return sc.TraceID().String()
}
