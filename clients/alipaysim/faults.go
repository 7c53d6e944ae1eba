package alipaysim

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// Fault kinds.
const (
	// FaultUnknownError answers 20000 isp.unknow-error (gateway) or U/UNKNOWN_EXCEPTION
	// (Alipay+): the outcome is unknown, so clients retry (§1.9, §4.4).
	FaultUnknownError = "unknown_error"
	// FaultRateLimit answers 40005 Call Limited (gateway) or F/REQUEST_TRAFFIC_EXCEED_LIMIT.
	FaultRateLimit = "rate_limit"
	// FaultHTTP answers a bare HTTP status (Status, default 503), as a load balancer would.
	FaultHTTP = "http"
	// FaultDelay only waits Delay, then serves the request normally.
	FaultDelay = "delay"
	// FaultDrop closes the connection without an answer.
	FaultDrop = "drop"
)

// Fault makes some requests fail. It applies to authenticated requests only (a request
// that fails verification gets its verification error).
type Fault struct {
	ID   string `json:"id,omitempty"` // assigned by AddFault
	Kind string `json:"kind"`
	// Rate is the fraction of matching requests hit, in (0,1]; 0 means all of them.
	Rate float64 `json:"rate,omitempty"`
	// API restricts the fault to a gateway method or an Alipay+ path; AppID to one app.
	API   string `json:"api,omitempty"`
	AppID string `json:"app_id,omitempty"`
	// Status is the HTTP status of FaultHTTP.
	Status int `json:"status,omitempty"`
	// Delay is waited before the fault (or, for FaultDelay, before serving).
	Delay Duration `json:"delay,omitempty"`
	// Count, when positive, removes the fault after it has hit that many requests.
	Count int `json:"count,omitempty"`
	// After processes the request first (state changes, the request is recorded) and only
	// then answers with the fault: the "did it go through?" case that makes clients retry
	// a send that was in fact delivered.
	After bool `json:"after,omitempty"`
}

type faultSet struct {
	mu     sync.Mutex
	faults []*Fault
	nextID int
}

func (f *Fault) check() error {
	switch f.Kind {
	case FaultUnknownError, FaultRateLimit, FaultDelay, FaultDrop:
	case FaultHTTP:
		if f.Status == 0 {
			f.Status = http.StatusServiceUnavailable
		}
		if f.Status < 400 || f.Status > 599 {
			return errInvalid("status must be an HTTP error status (400-599)")
		}
	default:
		return errInvalid(fmt.Sprintf("kind must be unknown_error, rate_limit, http, delay or drop, not %q", f.Kind))
	}
	if f.Rate < 0 || f.Rate > 1 || f.Count < 0 || f.Delay < 0 {
		return errInvalid("rate is 0..1; count and delay are not negative")
	}
	return nil
}

// AddFault installs f and returns its id. Faults are tried in the order added; the first
// that matches and wins its rate roll applies.
func (s *Server) AddFault(f Fault) (string, error) {
	if err := f.check(); err != nil {
		return "", err
	}
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.nextID++
	f.ID = "F" + strconv.Itoa(s.faults.nextID)
	s.faults.faults = append(s.faults.faults, &f)
	return f.ID, nil
}

// Faults lists the installed faults with their remaining counts.
func (s *Server) Faults() []Fault {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	out := make([]Fault, 0, len(s.faults.faults))
	for _, f := range s.faults.faults {
		out = append(out, *f)
	}
	return out
}

// RemoveFault removes one fault; it reports whether it existed.
func (s *Server) RemoveFault(id string) bool {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	for i, f := range s.faults.faults {
		if f.ID == id {
			s.faults.faults = append(s.faults.faults[:i], s.faults.faults[i+1:]...)
			return true
		}
	}
	return false
}

// ClearFaults removes every fault.
func (s *Server) ClearFaults() { s.faults.clear() }

func (fs *faultSet) clear() {
	fs.mu.Lock()
	fs.faults = nil
	fs.mu.Unlock()
}

// pick returns the fault to apply to a request of api by appID, or nil.
func (fs *faultSet) pick(api, appID string) *Fault {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	for i, f := range fs.faults {
		if (f.API != "" && f.API != api) || (f.AppID != "" && f.AppID != appID) {
			continue
		}
		if f.Rate > 0 && f.Rate < 1 && rand.Float64() >= f.Rate {
			continue
		}
		hit := *f
		if f.Count > 0 {
			if f.Count--; f.Count == 0 {
				fs.faults = append(fs.faults[:i], fs.faults[i+1:]...)
			}
		}
		return &hit
	}
	return nil
}

// applyCommon handles what all kinds share; it reports whether the answer is written
// (true) or the request should carry on (false, only after a FaultDelay).
func (s *Server) applyCommon(w http.ResponseWriter, r *http.Request, f *Fault) (done bool) {
	wait(r.Context(), time.Duration(f.Delay))
	switch f.Kind {
	case FaultDelay:
		return false
	case FaultHTTP:
		s.records.count(false, true)
		http.Error(w, http.StatusText(f.Status), f.Status)
		return true
	case FaultDrop:
		s.records.count(false, true)
		dropConnection(w)
		return true
	}
	s.records.count(false, true)
	return false
}

// dropConnection closes the TCP connection without writing a response.
func dropConnection(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			_ = conn.Close()
			return
		}
	}
	panic(http.ErrAbortHandler) // the server aborts the stream silently
}

// gatewayFault answers a gateway call with f (§1.9 codes, signed like any answer).
func (s *Server) gatewayFault(w http.ResponseWriter, r *http.Request, c *gwCall, f *Fault) bool {
	if s.applyCommon(w, r, f) {
		return true
	}
	var e *apiError
	switch f.Kind {
	case FaultUnknownError:
		e = gwErr("20000", "isp.unknow-error", "系统繁忙")
	case FaultRateLimit:
		e = gwErr("40005", "aop.call-limited", "调用频次超限")
	default:
		return false
	}
	if c.params["encrypt_type"] == "AES" && c.app.aes != nil {
		c.encrypted = true // encrypted calls get encrypted answers, faults included
	}
	s.writeGateway(w, c, e.content(), !c.api.unsigned)
	return true
}

// plusFault answers an Alipay+ call with f (§4.4 result codes).
func (s *Server) plusFault(w http.ResponseWriter, r *http.Request, c *plusCall, f *Fault) bool {
	if s.applyCommon(w, r, f) {
		return true
	}
	switch f.Kind {
	case FaultUnknownError:
		s.writePlus(w, c, &plusResult{status: "U", code: "UNKNOWN_EXCEPTION", message: "unknown exception, please retry"})
	case FaultRateLimit:
		s.writePlus(w, c, plusFail("REQUEST_TRAFFIC_EXCEED_LIMIT", "request traffic exceeds the limit"))
	default:
		return false
	}
	return true
}
