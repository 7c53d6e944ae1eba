package server

import (
	"google.golang.org/grpc/encoding"
	protocodec "google.golang.org/grpc/encoding/proto"
	"google.golang.org/grpc/mem"
)

// rawRequest receives a request's bytes undecoded (see decodeInChain).
type rawRequest struct{ b []byte }

// requestCodec is grpc-go's proto codec, except that it hands a rawRequest the message's
// bytes as they came. grpc-go answers a codec error on the spot with INTERNAL, before any
// interceptor runs; taking the bytes raw lets decodeInChain decode them inside the chain,
// where a bad request is INVALID_ARGUMENT and is logged and counted.
type requestCodec struct{ encoding.CodecV2 }

func newRequestCodec() requestCodec { return requestCodec{encoding.GetCodecV2(protocodec.Name)} }

func (c requestCodec) Unmarshal(data mem.BufferSlice, v any) error {
	if raw, ok := v.(*rawRequest); ok {
		raw.b = data.Materialize()
		return nil
	}
	return c.CodecV2.Unmarshal(data, v)
}
