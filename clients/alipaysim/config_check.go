package alipaysim

import (
	"crypto/cipher"
	"crypto/rsa"
	"errors"
	"fmt"
	"sync/atomic"

	"github.com/reachhq/reach/clients/rsakey"
)

// app is the immutable, parsed registration of an App; mutable state lives in appState.
type app struct {
	id, name        string
	product         Product
	pub             *rsa.PublicKey // parsed once: verification never parses keys (speed)
	certMode        bool
	certSN          string // app_cert_sn the requests must carry
	aes             cipher.Block
	encryptRequired bool
	requireFollow   bool
	clientID        string
	authClientID    string
	cfg             App // initial templates, followers, subscriptions and limits, for Reset
	// limits is the one mutable field: swapped atomically so requests read it lock-free.
	limits atomic.Pointer[throttle]
}

// buildApps validates the apps of cfg and parses their keys. All problems are reported
// together, each prefixed with the app it concerns.
func buildApps(cfg *Config) ([]*app, error) {
	var errs []error
	ids, clients := map[string]bool{}, map[string]bool{}
	var apps []*app
	for i, a := range cfg.Apps {
		where := fmt.Sprintf("apps[%d] (%s)", i, a.AppID)
		bad := func(format string, args ...any) {
			errs = append(errs, fmt.Errorf(where+": "+format, args...))
		}
		if a.AppID == "" {
			bad("app_id is required")
		} else if ids[a.AppID] {
			bad("duplicate app_id")
		}
		ids[a.AppID] = true
		built := &app{id: a.AppID, name: a.Name, product: a.Product, encryptRequired: a.EncryptRequired,
			requireFollow: a.RequireFollow == nil || *a.RequireFollow, clientID: a.ClientID, authClientID: a.AuthClientID, cfg: a}
		if built.name == "" {
			built.name = "Reach Simulated " + a.AppID
		}
		switch a.Product {
		case LifeAccount, MiniProgram:
			if a.ClientID != "" || a.AuthClientID != "" {
				bad("client_id is for alipay_plus apps only")
			}
		case AlipayPlus:
			if a.ClientID == "" {
				bad("alipay_plus apps need a client_id (the Client-Id header, §4.1)")
			} else if clients[a.ClientID] {
				bad("duplicate client_id %q", a.ClientID)
			}
			clients[a.ClientID] = true
			if a.AppCert != "" || a.EncryptKey != "" {
				bad("alipay_plus apps use neither app_cert nor encrypt_key")
			}
		default:
			bad("product must be life_account, mini_program or alipay_plus, not %q", a.Product)
		}
		if err := built.parseKey(a); err != nil {
			bad("%v", err)
		}
		if a.EncryptKey != "" {
			b, err := aesBlock(a.EncryptKey)
			if err != nil {
				bad("%v", err)
			}
			built.aes = b
		} else if a.EncryptRequired {
			bad("encrypt_required needs encrypt_key")
		}
		if err := a.Limits.check(); err != nil {
			bad("%v", err)
		}
		for _, err := range checkAppState(a) {
			bad("%v", err)
		}
		apps = append(apps, built)
	}
	errs = append(errs, checkLibrary(cfg.TemplateLibrary)...)
	return apps, errors.Join(errs...)
}

func (b *app) parseKey(a App) error {
	switch {
	case a.AppPublicKey != "" && a.AppCert != "":
		return errors.New("set app_public_key or app_cert, not both")
	case a.AppCert != "":
		certs, err := rsakey.ParseCertificates(a.AppCert)
		if err != nil {
			return fmt.Errorf("app_cert: %w", err)
		}
		pub, ok := certs[0].PublicKey.(*rsa.PublicKey)
		if !ok {
			return errors.New("app_cert: not an RSA certificate")
		}
		b.pub, b.certMode, b.certSN = pub, true, rsakey.CertSN(certs[0])
	case a.AppPublicKey != "":
		pub, err := rsakey.ParsePublicKey(a.AppPublicKey)
		if err != nil {
			return fmt.Errorf("app_public_key: %w", err)
		}
		b.pub = pub
	default:
		return errors.New("app_public_key_file or app_cert_file is required")
	}
	return nil
}

func checkAppState(a App) []error {
	var errs []error
	templates := map[string]Template{}
	for j, t := range a.Templates {
		if err := checkTemplate(a.Product, t); err != nil {
			errs = append(errs, fmt.Errorf("templates[%d]: %w", j, err))
		} else if _, dup := templates[t.ID]; dup {
			errs = append(errs, fmt.Errorf("templates[%d]: duplicate id %q", j, t.ID))
		}
		templates[t.ID] = t
	}
	if len(a.Followers) > 0 && a.Product != LifeAccount {
		errs = append(errs, errors.New("followers are for life_account apps only"))
	}
	for j, s := range a.Subscriptions {
		switch t, ok := templates[s.TemplateID]; {
		case a.Product != MiniProgram:
			errs = append(errs, errors.New("subscriptions are for mini_program apps only"))
		case s.User == "" || !ok:
			errs = append(errs, fmt.Errorf("subscriptions[%d]: needs a user and one of the app's template ids", j))
		case s.Count < 0 || (s.Count > 0 && t.Subscription == LongTerm):
			errs = append(errs, fmt.Errorf("subscriptions[%d]: count is a positive number of one-time acceptances", j))
		}
	}
	return errs
}

// checkTemplate validates one template for an app of product p.
func checkTemplate(p Product, t Template) error {
	if t.ID == "" {
		return errors.New("id is required")
	}
	if len(t.Keywords) == 0 && p != AlipayPlus {
		return fmt.Errorf("template %q needs keywords", t.ID)
	}
	if err := uniqueNames(t.Keywords); err != nil {
		return fmt.Errorf("template %q: %w", t.ID, err)
	}
	switch {
	case p == MiniProgram && t.Subscription != OneTime && t.Subscription != LongTerm:
		return fmt.Errorf("template %q: subscription must be one_time or long_term", t.ID)
	case p != MiniProgram && t.Subscription != "":
		return fmt.Errorf("template %q: subscription is for mini_program templates only", t.ID)
	}
	return nil
}

func checkLibrary(lib map[string]LibraryEntry) []error {
	var errs []error
	for code, e := range lib {
		if len(e.Keywords) < 2 || e.Title == "" {
			errs = append(errs, fmt.Errorf("template_library %q: needs a title and at least 2 keywords", code))
		}
		if err := uniqueNames(e.Keywords); err != nil {
			errs = append(errs, fmt.Errorf("template_library %q: %w", code, err))
		}
	}
	return errs
}

func uniqueNames(names []string) error {
	seen := map[string]bool{}
	for _, n := range names {
		if n == "" || seen[n] {
			return fmt.Errorf("keyword %q is empty or repeated", n)
		}
		seen[n] = true
	}
	return nil
}
