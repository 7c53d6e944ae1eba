package server

import (
	"fmt"
	"maps"
	"slices"
	"unicode/utf8"

	reachv1 "github.com/reachhq/reach/gen/go/reach/v1"
	"github.com/reachhq/reach/store"
)

// content is what a send request asks to deliver, before it is split per recipient.
type content struct {
	colors        map[string]string
	localizations []*reachv1.LocalizedData
	page          string
	lifeAccount   *reachv1.LifeAccountMessageOptions
}

// maxViolations caps the violations a batch reports so a systematic mistake over 1,000
// recipients gives a readable error, not 1,000 copies of it.
const maxViolations = 50

// checkContent validates the parts shared by every recipient against the template.
func checkContent(f *fieldErrors, c content, tpl *store.Template, opts *reachv1.Template, channelType string) {
	life := channelType == typeLifeAccount
	if len(c.colors) > 0 && !life {
		f.add("colors", "only Life Account messages have colours")
	}
	for _, k := range slices.Sorted(maps.Keys(c.colors)) {
		if !isKeyword(tpl, k) && k != "first" && k != "remark" {
			f.add(fmt.Sprintf("colors[%s]", k), "is not a keyword of the template")
		} else if !colorPattern.MatchString(c.colors[k]) {
			f.add(fmt.Sprintf("colors[%s]", k), `must be a colour like "#FF0000"`)
		}
	}
	switch channelType {
	case typeLifeAccount:
		if c.page != "" {
			f.add("page", "Life Account messages open life_account.url, not a page")
		}
		lo := c.lifeAccount
		if lo == nil {
			lo = &reachv1.LifeAccountMessageOptions{}
		}
		checkLifeAccountParts(f, "life_account.", lo.HeadColor, lo.Url, lo.ActionName)
		tl := opts.GetLifeAccount()
		if lo.Url == "" && tl.GetUrl() == "" {
			f.add("life_account.url", "required: the template has no default landing page")
		}
		if lo.ActionName == "" && tl.GetActionName() == "" {
			f.add("life_account.action_name", "required: the template has no default footer link text")
		}
	case typeMiniProgram:
		if utf8.RuneCountInString(c.page) > 128 {
			f.add("page", "must be at most 128 characters")
		}
	case typeAlipayPlus:
		checkURL(f, "page", c.page, 2048)
	}
	if c.lifeAccount != nil && !life {
		f.add("life_account", "only Life Account messages take these options")
	}
	if len(c.localizations) > 0 {
		if channelType != typeAlipayPlus {
			f.add("localizations", "only Alipay+ messages have per-language content")
		}
		checkLocalizations(f, c.localizations, tpl, opts, channelType)
	}
}

func checkLocalizations(f *fieldErrors, locs []*reachv1.LocalizedData, tpl *store.Template, opts *reachv1.Template, channelType string) {
	if len(locs) > 5 {
		f.add("localizations", "at most 5 languages")
	}
	allowed := opts.GetAlipayPlus().GetLanguages()
	seen := map[string]bool{}
	for i, l := range locs {
		p := fmt.Sprintf("localizations[%d]", i)
		switch {
		case !languagePattern.MatchString(l.Language) || seen[l.Language]:
			f.add(p+".language", "required: a unique language tag like en-US")
		case len(allowed) > 0 && !slices.Contains(allowed, l.Language):
			f.add(p+".language", fmt.Sprintf("the template exists only in %v", allowed))
		}
		seen[l.Language] = true
		checkData(f, p+".data", l.Data, tpl, opts, channelType)
	}
}

// checkData validates keyword values: every keyword present and not too long, no others.
func checkData(f *fieldErrors, field string, data map[string]string, tpl *store.Template, opts *reachv1.Template, channelType string) {
	for _, k := range tpl.Keywords {
		v, ok := data[k.Key]
		n := utf8.RuneCountInString(v)
		switch limit := keywordLimit(channelType, k); {
		case !ok || v == "":
			f.add(fmt.Sprintf("%s[%s]", field, k.Key), fmt.Sprintf("required: the template's keyword %q (%s)", k.Key, k.Label))
		case n > limit:
			f.add(fmt.Sprintf("%s[%s]", field, k.Key), fmt.Sprintf("is %d characters; at most %d", n, limit))
		}
	}
	la := opts.GetLifeAccount()
	for _, k := range slices.Sorted(maps.Keys(data)) {
		switch {
		case isKeyword(tpl, k):
		case k == "first" && la.GetFirstEnabled(), k == "remark" && la.GetRemarkEnabled():
			if n := utf8.RuneCountInString(data[k]); n > 200 {
				f.add(fmt.Sprintf("%s[%s]", field, k), fmt.Sprintf("is %d characters; at most 200", n))
			}
		default:
			f.add(fmt.Sprintf("%s[%s]", field, k), "is not a keyword of the template")
		}
	}
}

func isKeyword(tpl *store.Template, key string) bool {
	for _, k := range tpl.Keywords {
		if k.Key == key {
			return true
		}
	}
	return false
}
