// Package adaptertest is the one conformance suite every Alipay product adapter runs against
// the simulator (clients/alipaysim): Run(t, clients.NewAdapter) builds each adapter through
// the factory it is given and checks verification, every send shape, every error class,
// certificate mode, AES and each product's extras, as Alipay (played by the simulator) sees
// them.
package adaptertest

import (
	"fmt"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/reachhq/reach/clients/adapter"
	"github.com/reachhq/reach/clients/alipaysim"
)

// Factory builds the adapter of a channel type; clients.NewAdapter is one.
type Factory func(channelType string, creds adapter.Credentials, httpClient *http.Client) (adapter.Adapter, error)

// Channel types the suite covers.
const (
	LifeAccount = "ALIPAY_LIFE_ACCOUNT"
	MiniProgram = "ALIPAY_MINI_PROGRAM"
	PlusMini    = "ALIPAY_PLUS_MINI_PROGRAM"
)

// product is one channel type: how to start its simulator and what only it does.
type product struct {
	channelType string
	setup       func(t testing.TB, newAdapter Factory) *fixture
	// cases are the behaviours only this product has (send shapes, extras, modes).
	cases []testCase
}

type testCase struct {
	name string
	run  func(t *testing.T, f *fixture)
}

var products = []product{
	{LifeAccount, setupLife, lifeCases},
	{MiniProgram, setupMini, miniCases},
	{PlusMini, setupPlus, plusCases},
}

// Run runs the suite for every product, each against its own simulator; products run in
// parallel, the cases of one product one after another (they share its simulator).
func Run(t *testing.T, newAdapter Factory) {
	for _, p := range products {
		t.Run(p.channelType, func(t *testing.T) {
			t.Parallel()
			f := p.setup(t, newAdapter)
			for _, tc := range append(commonCases(), p.cases...) {
				t.Run(tc.name, func(t *testing.T) {
					t.Cleanup(f.ts.ClearFaults)
					tc.run(t, f)
				})
			}
		})
	}
}

// fixture is one product's simulator and what the shared cases need to know about it.
type fixture struct {
	channelType string
	newAdapter  Factory
	ts          *alipaysim.TestServer
	// appID is the main app; creds its working credentials.
	appID string
	creds adapter.Credentials
	// main is an adapter built once with creds and the default HTTP client.
	main adapter.Adapter
	// sendAPI and verifyAPI are the gateway methods (Alipay+ paths) of Send and Verify, as
	// the simulator records them and as faults select them.
	sendAPI, verifyAPI string
	// template is the main template, registered in the simulator.
	template adapter.Template
	// ready makes the simulator accept sends to a fresh recipient (follow, subscribe,
	// authorize) and returns a valid message for it with this id.
	ready func(t testing.TB, id string) *adapter.Message
	// Open Platform products: prepare lets user receive messages of the main template on
	// appID; data is a valid message's data (see readyOn).
	prepare func(t testing.TB, appID, user string)
	data    map[string]string
	// withdraw undoes ready for m's recipient (unfollow, unsubscribe, withdraw consent).
	withdraw func(t testing.TB, m *adapter.Message)
	// useTemplate registers a copy of the main template under id, lets m's recipient
	// receive it and makes m use it.
	useTemplate func(t testing.TB, m *adapter.Message, id string)
	// otherPrivateKey and otherPublicKey are a key pair the simulator holds for another app:
	// the wrong key for the main app.
	otherPrivateKey, otherPublicKey string
	// Credential edits.
	unknownApp       func(adapter.Credentials) adapter.Credentials
	ownKeyAsAlipays  func(adapter.Credentials) adapter.Credentials // Alipay's (platform) key := the app's own
	wrongResponseKey func(adapter.Credentials) adapter.Credentials // verify answers with another key
	signWith         func(adapter.Credentials, string) adapter.Credentials
	withBaseURL      func(adapter.Credentials, string) adapter.Credentials // base like http://host:port
	// consoleForm writes the keys as the consoles show them: bare base64, the private key
	// as PKCS#1.
	consoleForm func(testing.TB, adapter.Credentials) adapter.Credentials

	// The product's answers to the shared error cases.
	codes codes

	seq atomic.Int64
}

// code is an Open Platform code and sub code, or an Alipay+ resultStatus and resultCode.
type code struct{ code, sub string }

type codes struct {
	badSignature, unknownApp, unknownError, rateLimited code
	templateMissing, notSubscribed, lackKeyword         code
}

// build builds an adapter through the factory under test.
func (f *fixture) build(t testing.TB, creds adapter.Credentials, h *http.Client) adapter.Adapter {
	t.Helper()
	a, err := f.newAdapter(f.channelType, creds, h)
	if err != nil {
		t.Fatalf("NewAdapter(%s): %v", f.channelType, err)
	}
	return a
}

// user returns a recipient id no other case uses: a 2088… user id for the Open Platform,
// a customer id for Alipay+.
func (f *fixture) user() string {
	n := f.seq.Add(1)
	if f.channelType == PlusMini {
		return fmt.Sprintf("CUST%012d", n)
	}
	return fmt.Sprintf("2088%012d", n)
}

// openID returns an open id no other case uses.
func (f *fixture) openID() string {
	return fmt.Sprintf("074a%028d", f.seq.Add(1))
}

// msgID returns a message id no other case uses.
func (f *fixture) msgID() string {
	return fmt.Sprintf("msg-%s-%d", f.channelType, f.seq.Add(1))
}
