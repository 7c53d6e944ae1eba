package alipaysim

import (
	"encoding/json"
	"sync"
	"time"
)

// Record is one request the simulator accepted: it passed verification and got a success
// answer (10000, or Alipay+ S). Rejected and faulted requests are not recorded (they are
// counted in Stats); an Alipay+ send repeated with the same requestId is recorded once.
type Record struct {
	Seq        int64           `json:"seq"`
	Time       time.Time       `json:"time"`
	API        string          `json:"api"` // gateway method, or Alipay+ path
	AppID      string          `json:"app_id"`
	Recipient  string          `json:"recipient,omitempty"` // to_user_id/to_open_id, user_id/open_id, or Alipay+ customerId
	TemplateID string          `json:"template_id,omitempty"`
	RequestID  string          `json:"request_id,omitempty"` // Alipay+ requestId
	MessageID  string          `json:"message_id,omitempty"` // Alipay+ messageId
	Content    json.RawMessage `json:"content,omitempty"`    // biz_content (decrypted) or the Alipay+ body
}

// RequestFilter selects records; empty fields match everything.
type RequestFilter struct {
	API, AppID, Recipient, TemplateID, RequestID string
	// AfterSeq keeps records with Seq > AfterSeq, for polling.
	AfterSeq int64
}

func (f RequestFilter) match(r *Record) bool {
	return (f.API == "" || f.API == r.API) && (f.AppID == "" || f.AppID == r.AppID) &&
		(f.Recipient == "" || f.Recipient == r.Recipient) && (f.TemplateID == "" || f.TemplateID == r.TemplateID) &&
		(f.RequestID == "" || f.RequestID == r.RequestID) && r.Seq > f.AfterSeq
}

// Stats counts requests by outcome since the last Reset.
type Stats struct {
	Accepted int64 `json:"accepted"`
	Rejected int64 `json:"rejected"` // verification or business failures
	Faulted  int64 `json:"faulted"`  // answered by an injected fault
}

// recordLog is a ring buffer of the last limit records.
type recordLog struct {
	mu    sync.Mutex
	limit int
	buf   []Record
	next  int // index the next record goes to once buf is full
	seq   int64
	stats Stats
}

func (l *recordLog) add(r Record) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.seq++
	l.stats.Accepted++
	r.Seq = l.seq
	if len(l.buf) < l.limit {
		l.buf = append(l.buf, r)
		return
	}
	l.buf[l.next] = r
	l.next = (l.next + 1) % l.limit
}

func (l *recordLog) count(rejected, faulted bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if rejected {
		l.stats.Rejected++
	}
	if faulted {
		l.stats.Faulted++
	}
}

// list returns matching records, oldest first.
func (l *recordLog) list(f RequestFilter) []Record {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := []Record{}
	for i := range l.buf {
		r := &l.buf[(l.next+i)%len(l.buf)]
		if f.match(r) {
			out = append(out, *r)
		}
	}
	return out
}

func (l *recordLog) reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf, l.next, l.stats = nil, 0, Stats{}
}
