package tracing

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// Options are what Setup takes besides the OTEL_* environment.
type Options struct {
	// Endpoint is the base URL of an OTLP collector (--otlp-endpoint): it turns tracing on
	// and wins over OTEL_EXPORTER_OTLP_ENDPOINT and OTEL_EXPORTER_OTLP_TRACES_ENDPOINT.
	Endpoint string
	// Version is the service.version resource attribute.
	Version string
	// Log receives the errors of exporting (a collector that is down).
	Log *slog.Logger
}

// Setup returns the process's tracing. It is on when an OTLP endpoint is configured
// (Options.Endpoint, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT or OTEL_EXPORTER_OTLP_ENDPOINT)
// and neither OTEL_SDK_DISABLED=true nor OTEL_TRACES_EXPORTER=none says otherwise; then
// spans are batched to the collector over OTLP (http/protobuf, or gRPC when
// OTEL_EXPORTER_OTLP[_TRACES]_PROTOCOL=grpc), and the SDK reads the rest of the standard
// variables itself (OTEL_TRACES_SAMPLER[_ARG], OTEL_EXPORTER_OTLP_HEADERS, _TIMEOUT,
// _INSECURE, OTEL_BSP_*, OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES). Otherwise it is the
// zero Tracing, with no provider and no exporter goroutine. shutdown flushes the spans
// still buffered; call it last, once the work that makes spans has stopped.
func Setup(ctx context.Context, o Options) (t Tracing, shutdown func(context.Context) error, err error) {
	off := func(context.Context) error { return nil }
	if !configured(o.Endpoint) {
		return Tracing{}, off, nil
	}
	exp, err := exporter(ctx, o.Endpoint)
	if err != nil {
		return Tracing{}, off, err
	}
	res, err := resource.New(ctx,
		resource.WithAttributes(attribute.String("service.name", "reach"), attribute.String("service.version", cmp.Or(o.Version, "dev"))),
		// After the defaults, so OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES win.
		resource.WithFromEnv(), resource.WithTelemetrySDK(), resource.WithHost(), resource.WithProcessPID())
	if err != nil && !errors.Is(err, resource.ErrPartialResource) {
		return Tracing{}, off, fmt.Errorf("tracing resource: %w", err)
	}
	if o.Log != nil {
		// The SDK reports export failures here (the one global it has for them).
		otel.SetErrorHandler(otel.ErrorHandlerFunc(func(err error) { o.Log.Warn("tracing", "error", err) }))
	}
	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp), sdktrace.WithResource(res))
	return New(tp), tp.Shutdown, nil
}

// configured reports whether an OTLP endpoint is set and tracing is not turned off.
func configured(endpoint string) bool {
	if strings.EqualFold(os.Getenv("OTEL_SDK_DISABLED"), "true") || os.Getenv("OTEL_TRACES_EXPORTER") == "none" {
		return false
	}
	return endpoint != "" || os.Getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") != "" || os.Getenv("OTEL_EXPORTER_OTLP_ENDPOINT") != ""
}

// exporter is the OTLP exporter for the configured protocol. endpoint, when set, is a base
// URL as OTEL_EXPORTER_OTLP_ENDPOINT is: http/protobuf posts to its /v1/traces.
func exporter(ctx context.Context, endpoint string) (sdktrace.SpanExporter, error) {
	protocol := cmp.Or(os.Getenv("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL"), os.Getenv("OTEL_EXPORTER_OTLP_PROTOCOL"), "http/protobuf")
	switch protocol {
	case "grpc":
		var opts []otlptracegrpc.Option
		if endpoint != "" {
			opts = append(opts, otlptracegrpc.WithEndpointURL(endpoint))
		}
		return otlptracegrpc.New(ctx, opts...)
	case "http/protobuf":
		var opts []otlptracehttp.Option
		if endpoint != "" {
			opts = append(opts, otlptracehttp.WithEndpointURL(strings.TrimSuffix(endpoint, "/")+"/v1/traces"))
		}
		return otlptracehttp.New(ctx, opts...)
	}
	return nil, fmt.Errorf("OTLP protocol %q: want http/protobuf or grpc", protocol)
}
