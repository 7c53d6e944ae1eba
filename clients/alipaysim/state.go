package alipaysim

import (
	"errors"
	"fmt"
	"slices"
	"sync"
)

// Errors of the state operations; the admin API maps them to 404 and 400.
var (
	ErrUnknownApp      = errors.New("unknown app")
	ErrUnknownTemplate = errors.New("unknown template")
	ErrWrongProduct    = errors.New("operation not available for this app's product")
	ErrInvalid         = errors.New("invalid argument")
)

// state is everything Alipay remembers between calls. One mutex guards it: every
// operation is a few map lookups, far cheaper than the RSA work around it.
type state struct {
	mu   sync.Mutex
	apps map[string]*appState
	plus plusState
}

type appState struct {
	app       *app
	templates map[string]*template
	followers map[string]bool
	subs      map[subKey]*subscription
	revoked   map[string]bool // Alipay+ customers who withdrew SEND_MESSAGE
	deleted   map[string]bool // templates DeleteTemplate removed
}

type template struct {
	Template
	names []string // claimed Life Account templates: the library keyword names
}

type subKey struct{ user, template string }

// subscription is a user's standing with one mini-program template (§5): a long-term
// acceptance, or a count of one-time acceptances, each good for exactly one send.
type subscription struct {
	longTerm bool
	count    int
}

func (s *subscription) active() bool { return s.longTerm || s.count > 0 }

// reset restores the configured initial state of every app, its limits (with a full
// bucket) included.
func (st *state) reset(apps []*app) {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.apps = make(map[string]*appState, len(apps))
	for _, a := range apps {
		a.limits.Store(newThrottle(a.cfg.Limits))
		as := &appState{app: a, templates: map[string]*template{}, followers: map[string]bool{},
			subs: map[subKey]*subscription{}, revoked: map[string]bool{}, deleted: map[string]bool{}}
		for _, t := range a.cfg.Templates {
			as.templates[t.ID] = &template{Template: cloneTemplate(t)}
		}
		for _, u := range a.cfg.Followers {
			as.followers[u] = true
		}
		for _, s := range a.cfg.Subscriptions {
			_ = as.subscribe(s.User, s.TemplateID, s.Count)
		}
		st.apps[a.id] = as
	}
	st.plus.reset()
}

func cloneTemplate(t Template) Template {
	t.Keywords = slices.Clone(t.Keywords)
	return t
}

// appLocked returns the state of appID, which must be of product p ("" for any).
func (st *state) appLocked(appID string, p Product) (*appState, error) {
	as := st.apps[appID]
	if as == nil {
		return nil, fmt.Errorf("%w %q", ErrUnknownApp, appID)
	}
	if p != "" && as.app.product != p {
		return nil, fmt.Errorf("%w: %s is a %s app", ErrWrongProduct, appID, as.app.product)
	}
	return as, nil
}

func (as *appState) subscribe(user, templateID string, count int) error {
	t := as.templates[templateID]
	if t == nil {
		return fmt.Errorf("%w %q", ErrUnknownTemplate, templateID)
	}
	if user == "" {
		return fmt.Errorf("%w: user is required", ErrInvalid)
	}
	k := subKey{user, templateID}
	s := as.subs[k]
	if s == nil {
		s = &subscription{}
		as.subs[k] = s
	}
	if t.Subscription == LongTerm {
		s.longTerm = true
		return nil
	}
	s.count += max(count, 1) // acceptances accumulate (§5 "次数可累积")
	return nil
}

// consume spends one send of user's subscription to templateID: long-term ones are
// unlimited, one-time ones allow exactly one send per acceptance.
func (as *appState) consume(user, templateID string) bool {
	s := as.subs[subKey{user, templateID}]
	switch {
	case s == nil || !s.active():
		return false
	case !s.longTerm:
		s.count--
	}
	return true
}

// liveTemplates counts templates for the claim limit.
func (as *appState) liveTemplates() int { return len(as.templates) }
