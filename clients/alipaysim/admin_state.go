package alipaysim

import (
	"io"
	"net/http"
	"time"
)

// adminSubscribe is POST /sim/subscribe and /sim/unsubscribe:
// {"app_id","user","template_id","count"}.
func (s *Server) adminSubscribe(on bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			AppID      string `json:"app_id"`
			User       string `json:"user"`
			TemplateID string `json:"template_id"`
			Count      int    `json:"count"`
		}
		if !readJSON(w, r, &req) {
			return
		}
		if on {
			reply(w, obj{}, s.Subscribe(req.AppID, req.User, req.TemplateID, req.Count))
		} else {
			reply(w, obj{}, s.Unsubscribe(req.AppID, req.User, req.TemplateID))
		}
	}
}

// adminFollow is POST /sim/follow and /sim/unfollow: {"app_id","user"}.
func (s *Server) adminFollow(on bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			AppID string `json:"app_id"`
			User  string `json:"user"`
		}
		if !readJSON(w, r, &req) {
			return
		}
		if on {
			reply(w, obj{}, s.Follow(req.AppID, req.User))
		} else {
			reply(w, obj{}, s.Unfollow(req.AppID, req.User))
		}
	}
}

// adminAddTemplate is POST /sim/templates: {"app_id", "id", "keywords", "subscription", "title"}.
func (s *Server) adminAddTemplate(w http.ResponseWriter, r *http.Request) {
	var req struct {
		AppID string `json:"app_id"`
		Template
	}
	if !readJSON(w, r, &req) {
		return
	}
	reply(w, req.Template, s.AddTemplate(req.AppID, req.Template))
}

// adminAuthCode is POST /sim/authcodes: {"app_id" or "client_id", "customer_id", "scopes"}.
func (s *Server) adminAuthCode(w http.ResponseWriter, r *http.Request) {
	var req struct {
		AppID      string   `json:"app_id"`
		ClientID   string   `json:"client_id"`
		CustomerID string   `json:"customer_id"`
		Scopes     []string `json:"scopes"`
	}
	if !readJSON(w, r, &req) {
		return
	}
	if a := s.byClient[req.ClientID]; req.AppID == "" && a != nil {
		req.AppID = a.id
	}
	code, expires, err := s.IssueAuthCode(req.AppID, req.CustomerID, req.Scopes...)
	reply(w, obj{{"auth_code", code}, {"expires_at", expires.In(cst).Format(time.RFC3339)}}, err)
}

// adminNotify is POST /sim/notify: a Notification in, a NotifyResult out. A target that
// cannot be reached is 502 with the error.
func (s *Server) adminNotify(w http.ResponseWriter, r *http.Request) {
	var n Notification
	if !readJSON(w, r, &n) {
		return
	}
	res, err := s.Notify(r.Context(), n)
	reply(w, res, err)
}

func readAll(r *http.Request, limit int64) ([]byte, error) {
	return io.ReadAll(io.LimitReader(r.Body, limit))
}
