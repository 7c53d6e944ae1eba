// Package clients is where Reach meets Alipay: one adapter per Alipay product, all behind
// adapter.Adapter, registered by channel type here and nowhere else.
package clients

import (
	"fmt"
	"net/http"

	"github.com/reachhq/reach/clients/adapter"
	"github.com/reachhq/reach/clients/lifeaccount"
	"github.com/reachhq/reach/clients/miniprogram"
	"github.com/reachhq/reach/clients/plusmini"
)

// factories builds an adapter per channel type (the type names of the API without their
// CHANNEL_TYPE_ prefix).
var factories = map[string]func(adapter.Credentials, *http.Client) (adapter.Adapter, error){
	"ALIPAY_LIFE_ACCOUNT": func(c adapter.Credentials, h *http.Client) (adapter.Adapter, error) {
		return lifeaccount.New(c, h)
	},
	"ALIPAY_MINI_PROGRAM": func(c adapter.Credentials, h *http.Client) (adapter.Adapter, error) {
		return miniprogram.New(c, h)
	},
	"ALIPAY_PLUS_MINI_PROGRAM": func(c adapter.Credentials, h *http.Client) (adapter.Adapter, error) {
		return plusmini.New(c, h)
	},
}

// NewAdapter builds the adapter of a channel of channelType; httpClient nil means each
// adapter's default.
func NewAdapter(channelType string, creds adapter.Credentials, httpClient *http.Client) (adapter.Adapter, error) {
	f, ok := factories[channelType]
	if !ok {
		return nil, fmt.Errorf("no adapter for channel type %q", channelType)
	}
	return f(creds, httpClient)
}
