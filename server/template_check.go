package server

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"unicode/utf8"

	reachv1 "github.com/reachhq/reach/gen/go/reach/v1"
)

var (
	externalIDPattern = regexp.MustCompile(`^[\x21-\x7e]{1,128}$`)
	keywordKeyPattern = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]{0,31}$`)
	colorPattern      = regexp.MustCompile(`^#[0-9A-Fa-f]{6}$`)
	languagePattern   = regexp.MustCompile(`^[a-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$`)
)

// Limits of a template.
const maxKeywords = 20

// checkTemplate validates a template for a channel of channelType.
func checkTemplate(f *fieldErrors, p string, t *reachv1.Template, channelType string) {
	if !externalIDPattern.MatchString(t.ExternalId) {
		f.add(p+"external_id", "required: Alipay's template id, 1-128 printable characters without spaces")
	}
	if t.DisplayName == "" || utf8.RuneCountInString(t.DisplayName) > 200 {
		f.add(p+"display_name", "required, at most 200 characters")
	}
	checkKeywords(f, p, t.Keywords, channelType)
	mini := channelType == typeMiniProgram
	switch {
	case mini && t.SubscriptionType == reachv1.SubscriptionType_SUBSCRIPTION_TYPE_UNSPECIFIED:
		f.add(p+"subscription_type", "required on mini program channels: ONE_TIME or LONG_TERM")
	case !mini && t.SubscriptionType != reachv1.SubscriptionType_SUBSCRIPTION_TYPE_UNSPECIFIED:
		f.add(p+"subscription_type", "only mini program templates have a subscription type")
	}
	switch o := t.Options.(type) {
	case *reachv1.Template_LifeAccount:
		if channelType != typeLifeAccount {
			f.add(p+"life_account", "only Life Account templates take these options")
		}
		checkLifeAccountParts(f, p+"life_account.", o.LifeAccount.HeadColor, o.LifeAccount.Url, o.LifeAccount.ActionName)
		if utf8.RuneCountInString(o.LifeAccount.Title) > 128 {
			f.add(p+"life_account.title", "must be at most 128 characters")
		}
	case *reachv1.Template_MiniProgram:
		if !mini {
			f.add(p+"mini_program", "only mini program templates take these options")
		}
		if utf8.RuneCountInString(o.MiniProgram.Page) > 128 {
			f.add(p+"mini_program.page", "must be at most 128 characters")
		}
	case *reachv1.Template_AlipayPlus:
		if channelType != typeAlipayPlus {
			f.add(p+"alipay_plus", "only Alipay+ templates take these options")
		}
		checkLanguages(f, p+"alipay_plus.languages", o.AlipayPlus.Languages)
		checkURL(f, p+"alipay_plus.redirect_url", o.AlipayPlus.RedirectUrl, 2048)
	}
}

func checkKeywords(f *fieldErrors, p string, kws []*reachv1.TemplateKeyword, channelType string) {
	if len(kws) == 0 || len(kws) > maxKeywords {
		f.add(p+"keywords", fmt.Sprintf("required: 1 to %d keywords", maxKeywords))
	}
	seen := map[string]bool{}
	for i, k := range kws {
		kp := fmt.Sprintf("%skeywords[%d]", p, i)
		switch {
		case !keywordKeyPattern.MatchString(k.Key):
			f.add(kp+".key", "must be a letter followed by up to 31 letters, digits or underscores")
		case seen[k.Key]:
			f.add(kp+".key", fmt.Sprintf("duplicate key %q", k.Key))
		case channelType == typeLifeAccount && (k.Key == "first" || k.Key == "remark"):
			f.add(kp+".key", "first and remark are template options (first_enabled, remark_enabled), not keywords")
		}
		seen[k.Key] = true
		if utf8.RuneCountInString(k.Label) > 64 {
			f.add(kp+".label", "must be at most 64 characters")
		}
		limit := int32(2048)
		if channelType == typeMiniProgram {
			limit = 50
		}
		if k.MaxLength < 0 || k.MaxLength > limit {
			f.add(kp+".max_length", fmt.Sprintf("must be between 0 (product limit) and %d", limit))
		}
	}
}

// checkLifeAccountParts validates the head colour, url and action name of a Life Account
// template or message.
func checkLifeAccountParts(f *fieldErrors, p, headColor, link, actionName string) {
	if headColor != "" && !colorPattern.MatchString(headColor) {
		f.add(p+"head_color", `must be a colour like "#85be53"`)
	}
	if link != "" && !strings.HasPrefix(link, "https://") {
		f.add(p+"url", "must be an https URL")
	} else {
		checkURL(f, p+"url", link, 1024)
	}
	if footerWidth(actionName) > 16 {
		f.add(p+"action_name", "must be at most 8 Chinese or 16 Latin characters (Alipay's limit; a character outside ASCII counts as two)")
	}
}

// footerWidth is the width Alipay limits a Life Account footer link (action_name) by: 8
// Chinese or 16 Latin characters, so a character outside ASCII counts as two.
func footerWidth(s string) int {
	n := 0
	for _, r := range s {
		n++
		if r >= utf8.RuneSelf {
			n++
		}
	}
	return n
}

func checkURL(f *fieldErrors, field, raw string, max int) {
	if raw == "" {
		return
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") || len(raw) > max {
		f.add(field, fmt.Sprintf("must be an absolute http(s) URL of at most %d characters", max))
	}
}

func checkLanguages(f *fieldErrors, field string, langs []string) {
	if len(langs) > 5 {
		f.add(field, "at most 5 languages")
	}
	seen := map[string]bool{}
	for i, l := range langs {
		if !languagePattern.MatchString(l) || seen[l] {
			f.add(fmt.Sprintf("%s[%d]", field, i), "must be a unique language tag like en-US")
		}
		seen[l] = true
	}
}
