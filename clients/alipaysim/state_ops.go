package alipaysim

import (
	"fmt"
	"slices"
	"sort"
)

// Subscribe records that user accepted templateID of a mini program: for a one-time
// template count more sends (at least 1; acceptances accumulate), for a long-term one
// unlimited sends until Unsubscribe. For an Alipay+ app it restores the customer's
// SEND_MESSAGE consent (templateID and count are ignored).
func (s *Server) Subscribe(appID, user, templateID string, count int) error {
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	as, err := s.st.appLocked(appID, "")
	if err != nil {
		return err
	}
	switch as.app.product {
	case AlipayPlus:
		delete(as.revoked, user)
		return nil
	case MiniProgram:
		return as.subscribe(user, templateID, count)
	}
	return fmt.Errorf("%w: subscriptions are for mini_program and alipay_plus apps", ErrWrongProduct)
}

// Unsubscribe withdraws user's subscription to templateID ("" for all templates) of a
// mini program, or an Alipay+ customer's SEND_MESSAGE consent: sends fail afterwards with
// MSG_UNSUBSCRIBED (mini program) or USER_NOT_SUBSCRIBED (Alipay+).
func (s *Server) Unsubscribe(appID, user, templateID string) error {
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	as, err := s.st.appLocked(appID, "")
	if err != nil {
		return err
	}
	switch as.app.product {
	case AlipayPlus:
		as.revoked[user] = true
		return nil
	case MiniProgram:
		for k := range as.subs {
			if k.user == user && (templateID == "" || k.template == templateID) {
				delete(as.subs, k)
			}
		}
		return nil
	}
	return fmt.Errorf("%w: subscriptions are for mini_program and alipay_plus apps", ErrWrongProduct)
}

// Follow makes user a follower of a Life Account; Unfollow undoes it.
func (s *Server) Follow(appID, user string) error { return s.setFollow(appID, user, true) }

// Unfollow removes user from a Life Account's followers.
func (s *Server) Unfollow(appID, user string) error { return s.setFollow(appID, user, false) }

func (s *Server) setFollow(appID, user string, on bool) error {
	if user == "" {
		return errInvalid("user is required")
	}
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	as, err := s.st.appLocked(appID, LifeAccount)
	if err != nil {
		return err
	}
	if on {
		as.followers[user] = true
	} else {
		delete(as.followers, user)
	}
	return nil
}

// AddTemplate adds (or replaces) a template of an app.
func (s *Server) AddTemplate(appID string, t Template) error {
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	as, err := s.st.appLocked(appID, "")
	if err != nil {
		return err
	}
	if err := checkTemplate(as.app.product, t); err != nil {
		return fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	as.templates[t.ID] = &template{Template: cloneTemplate(t)}
	delete(as.deleted, t.ID)
	return nil
}

// DeleteTemplate deletes a template; sends with it then fail with the product's
// template-missing code (USER_TEMPLATE_ILLEGAL, MSG_TEMPLATE_NOT_EXIST, TEMPLATE_NOT_EXIST),
// and so does a subscription query naming it. Subscriptions to it go too.
func (s *Server) DeleteTemplate(appID, templateID string) error {
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	as, err := s.st.appLocked(appID, "")
	if err != nil {
		return err
	}
	if as.templates[templateID] == nil {
		return fmt.Errorf("%w %q", ErrUnknownTemplate, templateID)
	}
	delete(as.templates, templateID)
	as.deleted[templateID] = true
	for k := range as.subs {
		if k.template == templateID {
			delete(as.subs, k)
		}
	}
	return nil
}

// AppState is a snapshot of one app's state.
type AppState struct {
	AppID         string              `json:"app_id"`
	Product       Product             `json:"product"`
	Templates     []Template          `json:"templates"`
	Followers     []string            `json:"followers,omitempty"`
	Subscriptions []SubscriptionState `json:"subscriptions,omitempty"`
	Revoked       []string            `json:"revoked,omitempty"` // Alipay+ customers without consent
}

// SubscriptionState is one usable or spent subscription.
type SubscriptionState struct {
	User       string `json:"user"`
	TemplateID string `json:"template_id"`
	Type       string `json:"type"`      // one_time or long_term
	Remaining  int    `json:"remaining"` // one-time sends left; -1 for long-term
}

// State returns a snapshot of appID's templates, followers and subscriptions.
func (s *Server) State(appID string) (AppState, error) {
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	as, err := s.st.appLocked(appID, "")
	if err != nil {
		return AppState{}, err
	}
	out := AppState{AppID: appID, Product: as.app.product, Templates: []Template{}}
	for _, t := range as.templates {
		out.Templates = append(out.Templates, cloneTemplate(t.Template))
	}
	sort.Slice(out.Templates, func(i, j int) bool { return out.Templates[i].ID < out.Templates[j].ID })
	for u := range as.followers {
		out.Followers = append(out.Followers, u)
	}
	for u := range as.revoked {
		out.Revoked = append(out.Revoked, u)
	}
	slices.Sort(out.Followers)
	slices.Sort(out.Revoked)
	for k, sub := range as.subs {
		st := SubscriptionState{User: k.user, TemplateID: k.template, Type: OneTime, Remaining: sub.count}
		if sub.longTerm {
			st.Type, st.Remaining = LongTerm, -1
		}
		out.Subscriptions = append(out.Subscriptions, st)
	}
	sort.Slice(out.Subscriptions, func(i, j int) bool {
		a, b := out.Subscriptions[i], out.Subscriptions[j]
		return a.User < b.User || (a.User == b.User && a.TemplateID < b.TemplateID)
	})
	return out, nil
}

// Requests returns the accepted requests that match f, oldest first.
func (s *Server) Requests(f RequestFilter) []Record { return s.records.list(f) }

// Stats counts requests by outcome since the last Reset.
func (s *Server) Stats() Stats {
	s.records.mu.Lock()
	defer s.records.mu.Unlock()
	return s.records.stats
}
