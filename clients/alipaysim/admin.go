package alipaysim

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"time"
)

// routes mounts the protocol endpoints and the admin API (README "Admin API").
func (s *Server) routes() http.Handler {
	m := http.NewServeMux()
	m.HandleFunc("/gateway.do", s.serveGateway)
	m.HandleFunc("/api/open/", s.servePlus)
	m.HandleFunc("GET /sim/info", s.adminInfo)
	m.HandleFunc("GET /sim/apps/{app_id}", s.adminState)
	m.HandleFunc("GET /sim/apps/{app_id}/limits", s.adminLimits)
	m.HandleFunc("POST /sim/apps/{app_id}/limits", s.adminSetLimits)
	m.HandleFunc("POST /sim/subscribe", s.adminSubscribe(true))
	m.HandleFunc("POST /sim/unsubscribe", s.adminSubscribe(false))
	m.HandleFunc("POST /sim/follow", s.adminFollow(true))
	m.HandleFunc("POST /sim/unfollow", s.adminFollow(false))
	m.HandleFunc("POST /sim/templates", s.adminAddTemplate)
	m.HandleFunc("DELETE /sim/templates/{app_id}/{template_id}", s.adminDeleteTemplate)
	m.HandleFunc("POST /sim/authcodes", s.adminAuthCode)
	m.HandleFunc("GET /sim/faults", func(w http.ResponseWriter, _ *http.Request) { writeJSON(w, 200, s.Faults()) })
	m.HandleFunc("POST /sim/faults", s.adminAddFault)
	m.HandleFunc("DELETE /sim/faults", func(w http.ResponseWriter, _ *http.Request) { s.ClearFaults(); writeJSON(w, 200, obj{}) })
	m.HandleFunc("DELETE /sim/faults/{id}", s.adminRemoveFault)
	m.HandleFunc("GET /sim/requests", s.adminRequests)
	m.HandleFunc("GET /sim/stats", func(w http.ResponseWriter, _ *http.Request) { writeJSON(w, 200, s.Stats()) })
	m.HandleFunc("POST /sim/notify", s.adminNotify)
	m.HandleFunc("POST /sim/alipay-cert/rotate", s.adminRotate)
	m.HandleFunc("POST /sim/clock", s.adminClock)
	m.HandleFunc("POST /sim/reset", func(w http.ResponseWriter, _ *http.Request) { s.Reset(); writeJSON(w, 200, obj{}) })
	return m
}

// Info is GET /sim/info: what a client needs to talk to the simulator.
type Info struct {
	AlipayPublicKey   string    `json:"alipay_public_key"`
	AlipayCert        string    `json:"alipay_cert"`
	AlipayCertSN      string    `json:"alipay_cert_sn"`
	AlipayRootCert    string    `json:"alipay_root_cert"`
	AlipayRootCertSN  string    `json:"alipay_root_cert_sn"`
	PlatformPublicKey string    `json:"platform_public_key"`
	Apps              []AppInfo `json:"apps"`
}

// AppInfo describes one registered app.
type AppInfo struct {
	AppID           string  `json:"app_id"`
	Product         Product `json:"product"`
	ClientID        string  `json:"client_id,omitempty"`
	CertMode        bool    `json:"cert_mode"`
	AppCertSN       string  `json:"app_cert_sn,omitempty"`
	EncryptRequired bool    `json:"encrypt_required"`
}

// Info describes the simulator's keys and apps.
func (s *Server) Info() Info {
	out := Info{AlipayPublicKey: s.AlipayPublicKeyPEM(), AlipayCert: s.AlipayCertPEM(), AlipayCertSN: s.AlipayCertSN(),
		AlipayRootCert: s.AlipayRootCertPEM(), AlipayRootCertSN: s.AlipayRootCertSN(), PlatformPublicKey: s.PlatformPublicKeyPEM()}
	for _, a := range s.apps {
		out.Apps = append(out.Apps, AppInfo{AppID: a.id, Product: a.product, ClientID: a.clientID,
			CertMode: a.certMode, AppCertSN: a.certSN, EncryptRequired: a.encryptRequired})
	}
	return out
}

func (s *Server) adminInfo(w http.ResponseWriter, _ *http.Request) { writeJSON(w, 200, s.Info()) }

func (s *Server) adminState(w http.ResponseWriter, r *http.Request) {
	st, err := s.State(r.PathValue("app_id"))
	reply(w, st, err)
}

func (s *Server) adminDeleteTemplate(w http.ResponseWriter, r *http.Request) {
	reply(w, obj{}, s.DeleteTemplate(r.PathValue("app_id"), r.PathValue("template_id")))
}

func (s *Server) adminAddFault(w http.ResponseWriter, r *http.Request) {
	var f Fault
	if !readJSON(w, r, &f) {
		return
	}
	id, err := s.AddFault(f)
	reply(w, obj{{"id", id}}, err)
}

func (s *Server) adminRemoveFault(w http.ResponseWriter, r *http.Request) {
	if !s.RemoveFault(r.PathValue("id")) {
		writeJSON(w, http.StatusNotFound, obj{{"error", "no fault " + r.PathValue("id")}})
		return
	}
	writeJSON(w, 200, obj{})
}

func (s *Server) adminRequests(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := RequestFilter{API: q.Get("api"), AppID: q.Get("app_id"), Recipient: q.Get("recipient"),
		TemplateID: q.Get("template_id"), RequestID: q.Get("request_id"), Outcome: q.Get("outcome")}
	if v := q.Get("after_seq"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			writeJSON(w, http.StatusBadRequest, obj{{"error", "after_seq must be an integer"}})
			return
		}
		f.AfterSeq = n
	}
	recs := s.Requests(f)
	writeJSON(w, 200, obj{{"count", len(recs)}, {"requests", recs}})
}

func (s *Server) adminRotate(w http.ResponseWriter, r *http.Request) {
	var req struct {
		KeepKey bool `json:"keep_key"`
	}
	if !readJSON(w, r, &req) {
		return
	}
	sn, err := s.RotateAlipayCert(req.KeepKey)
	if err != nil {
		writeJSON(w, http.StatusConflict, obj{{"error", err.Error()}})
		return
	}
	writeJSON(w, 200, obj{{"alipay_cert_sn", sn}, {"alipay_cert", s.AlipayCertPEM()}})
}

func (s *Server) adminClock(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Advance Duration `json:"advance"`
	}
	if !readJSON(w, r, &req) {
		return
	}
	s.Advance(time.Duration(req.Advance))
	writeJSON(w, 200, obj{{"now", s.now().In(cst).Format(time.RFC3339)}})
}

// readJSON decodes the body strictly (unknown fields are errors); an empty body is {}.
func readJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	body, err := readAll(r, 1<<20)
	if err == nil && len(bytes.TrimSpace(body)) > 0 {
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.DisallowUnknownFields()
		err = dec.Decode(v)
	}
	if err != nil {
		writeJSON(w, http.StatusBadRequest, obj{{"error", "bad JSON: " + err.Error()}})
		return false
	}
	return true
}

// reply writes v, or err mapped to 404 (unknown app or template) or 400.
func reply(w http.ResponseWriter, v any, err error) {
	switch {
	case err == nil:
		writeJSON(w, 200, v)
	case errors.Is(err, ErrUnknownApp), errors.Is(err, ErrUnknownTemplate):
		writeJSON(w, http.StatusNotFound, obj{{"error", err.Error()}})
	case errors.Is(err, ErrInvalid), errors.Is(err, ErrWrongProduct):
		writeJSON(w, http.StatusBadRequest, obj{{"error", err.Error()}})
	default:
		writeJSON(w, http.StatusBadGateway, obj{{"error", err.Error()}})
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(append(mustJSON(v), '\n'))
}
