package main

// `reach demo` (make demo): the whole of Reach in one process against the Alipay simulator,
// so a newcomer sees it work with nothing to set up and no network. Every step is a real
// call over the JSON gateway, printed as the method and path with a short summary of the
// answer (--verbose adds the bodies).

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	"github.com/reachhq/reach/clients/alipaysim"
	reachv1 "github.com/reachhq/reach/gen/go/reach/v1"
	"github.com/reachhq/reach/internal/apikey"
	"github.com/reachhq/reach/internal/secrets"
	"github.com/reachhq/reach/server"
	"github.com/reachhq/reach/store"
	"github.com/reachhq/reach/store/backend"
)

// demoSimConfig is the simulator's example config, relative to the repository root. Test
// data cannot be embedded from another package, so the demo reads it from the checkout.
const demoSimConfig = "clients/alipaysim/testdata/sim.json"

// What the demo uses from demoSimConfig. The private keys sit beside the config; they are
// test keys, public in the repository.
const (
	demoLifeApp      = "2021000000000001"
	demoLifeKey      = "life_private.pem"
	demoMiniApp      = "2021000000000002"
	demoMiniKey      = "mini_private.pem"
	demoPlusApp      = "P000000000000001SIM1"
	demoPlusKey      = "plus_private.pem"
	demoLibCode      = "TMba10b7c396674479b116f955919f631c" // the library's 交易确认
	demoMiniTemplate = "ab72b134e7584250876d23000000000b"   // one-time, keyword1…3
	demoPlusTemplate = "TP_202109305800000001"              // orderNo, storeName
)

// The demo's tenant and users. The user is not in the simulator's initial state, so
// everything Reach and the simulator know about them comes from the walk-through.
const (
	demoTenant   = "demo"
	demoUser     = "2088000000000002"
	demoCustomer = "demo-customer-0001"
)

// demoOptions are the demo's flags.
type demoOptions struct {
	verbose bool
	keep    string
	hold    bool
	// simFaults are installed in the simulator before the walk-through (tests only: they
	// show that a failing step fails the demo).
	simFaults []alipaysim.Fault
}

func demoCmd() *cobra.Command {
	var o demoOptions
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "See Reach work: a walk-through against a built-in Alipay simulator (no setup, no network)",
		Long: `Start the Alipay simulator (clients/alipaysim, with its example config and test keys) and
the Reach service in this process, on free loopback ports and a throwaway SQLite database,
then walk through Reach over its JSON gateway: a channel per Alipay product, templates,
a follower, a subscription, an authorization and a message per product.

Run it from inside the repository (make demo): the simulator's config is read from
` + demoSimConfig + `.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, stop := signal.NotifyContext(cmd.Context(), syscall.SIGINT, syscall.SIGTERM)
			defer stop()
			return runDemo(ctx, cmd.OutOrStdout(), cmd.ErrOrStderr(), o)
		},
	}
	f := cmd.Flags()
	f.BoolVarP(&o.verbose, "verbose", "v", false, "print the JSON bodies of every call")
	f.StringVar(&o.keep, "keep", "", "keep the database and its key file in this new directory (default: a temp dir, removed at exit)")
	f.BoolVar(&o.hold, "hold", false, "after the walk-through keep both servers running until Ctrl-C, to try curl or grpcurl")
	return cmd
}

// runDemo starts everything, walks through, prints the summary and, with --hold, waits.
func runDemo(ctx context.Context, out, errOut io.Writer, o demoOptions) (err error) {
	start := time.Now()
	// Warnings and errors only: request logs would bury the walk-through.
	log := slog.New(slog.NewTextHandler(errOut, &slog.HandlerOptions{Level: slog.LevelWarn}))
	env, err := startDemoEnv(ctx, o, log)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, env.close()) }()
	env.printIntro(out)

	api := &demoAPI{base: env.httpURL, key: env.apiKey, http: &http.Client{Timeout: 30 * time.Second}, out: out, verbose: o.verbose}
	run := &demoRun{api: api, env: env, out: out}
	if err := run.walk(ctx); err != nil {
		return fmt.Errorf("demo failed: %w", err)
	}
	run.printSummary(time.Since(start))
	if o.hold {
		env.hold(ctx, out)
	}
	return nil
}

// ---------------------------------------------------------------- the two servers

// demoEnv is the running simulator and Reach service with their data.
type demoEnv struct {
	configPath string // the simulator config, as found
	simConfig  alipaysim.Config
	keyDir     string // where the apps' private keys are
	dataDir    string
	tempData   bool // dataDir is removed at exit
	sim        *alipaysim.Server
	store      store.Store
	httpURL    string
	grpcAddr   string
	apiKey     string
	stopReach  func() error
}

// startDemoEnv starts the simulator, opens the store and starts Reach. On error whatever
// was started is stopped again.
func startDemoEnv(ctx context.Context, o demoOptions, log *slog.Logger) (env *demoEnv, err error) {
	env = &demoEnv{}
	defer func() {
		if err != nil {
			err = errors.Join(err, env.close())
			env = nil
		}
	}()
	if err := env.startSimulator(log, o.simFaults); err != nil {
		return env, err
	}
	if err := env.openStore(ctx, o.keep); err != nil {
		return env, err
	}
	ring, _, err := secrets.LoadOrCreateFile(filepath.Join(env.dataDir, "reach.keys"))
	if err != nil {
		return env, err
	}
	if env.apiKey, err = createDemoKey(ctx, env.store); err != nil {
		return env, err
	}
	return env, env.startReach(ctx, ring, log)
}

func (e *demoEnv) startSimulator(log *slog.Logger, faults []alipaysim.Fault) error {
	path, err := findSimConfig()
	if err != nil {
		return err
	}
	cfg, err := alipaysim.LoadConfig(path)
	if err != nil {
		return err
	}
	if err := checkSimConfig(cfg); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	cfg.Addr, cfg.Logger = "127.0.0.1:0", log
	if e.sim, err = alipaysim.New(cfg); err != nil {
		return err
	}
	e.configPath, e.simConfig, e.keyDir = path, cfg, filepath.Dir(path)
	for _, f := range faults {
		if _, err := e.sim.AddFault(f); err != nil {
			return err
		}
	}
	return e.sim.Start()
}

// findSimConfig finds demoSimConfig under the module root above the working directory
// (make demo, go test), or above the directory this file was compiled from (go run from
// elsewhere in a checkout).
func findSimConfig() (string, error) {
	var starts []string
	if wd, err := os.Getwd(); err == nil {
		starts = append(starts, wd)
	}
	if _, file, _, ok := runtime.Caller(0); ok && filepath.IsAbs(file) {
		starts = append(starts, filepath.Dir(file))
	}
	for _, dir := range starts {
		if root, ok := moduleRoot(dir); ok {
			p := filepath.Join(root, filepath.FromSlash(demoSimConfig))
			if _, err := os.Stat(p); err == nil {
				return p, nil
			}
		}
	}
	return "", fmt.Errorf("cannot find the Alipay simulator's example config %s: "+
		"run the demo from inside the Reach repository (make demo, or go run ./cmd/reach demo)", demoSimConfig)
}

// moduleRoot walks up from dir to the directory whose go.mod declares this module
// (tools/go.mod declares another one, so it is passed over).
func moduleRoot(dir string) (string, bool) {
	for {
		if f, err := os.Open(filepath.Join(dir, "go.mod")); err == nil {
			mod := modulePath(f)
			f.Close()
			if mod == "github.com/reachhq/reach" {
				return dir, true
			}
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", false
		}
		dir = parent
	}
}

// modulePath returns the path of the module line of a go.mod.
func modulePath(r io.Reader) string {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "module"); ok {
			return strings.Trim(strings.TrimSpace(rest), `"`)
		}
	}
	return ""
}

// checkSimConfig fails clearly if the example config no longer has what the demo uses.
func checkSimConfig(cfg alipaysim.Config) error {
	var missing []string
	for _, app := range []struct{ id, template string }{
		{demoLifeApp, ""}, {demoMiniApp, demoMiniTemplate}, {demoPlusApp, demoPlusTemplate},
	} {
		i := slices.IndexFunc(cfg.Apps, func(a alipaysim.App) bool { return a.AppID == app.id })
		switch {
		case i < 0:
			missing = append(missing, "app "+app.id)
		case app.template != "" && !slices.ContainsFunc(cfg.Apps[i].Templates, func(t alipaysim.Template) bool { return t.ID == app.template }):
			missing = append(missing, "template "+app.template+" of app "+app.id)
		}
	}
	if _, ok := cfg.TemplateLibrary[demoLibCode]; !ok {
		missing = append(missing, "template_library entry "+demoLibCode)
	}
	if len(missing) > 0 {
		return fmt.Errorf("the demo needs %s (update cmd/reach/demo.go with the config)", strings.Join(missing, ", "))
	}
	return nil
}

// openStore opens a fresh SQLite database in a temp dir, or in keep. A kept directory
// must not hold a database or key file yet: the demo always starts from scratch.
func (e *demoEnv) openStore(ctx context.Context, keep string) error {
	if keep == "" {
		dir, err := os.MkdirTemp("", "reach-demo-")
		if err != nil {
			return err
		}
		e.dataDir, e.tempData = dir, true
	} else {
		if err := checkKeepDir(keep); err != nil {
			return err
		}
		e.dataDir = keep
	}
	st, _, err := backend.Open(ctx, "sqlite:"+filepath.Join(e.dataDir, "reach.db"), backend.Options{AutoMigrate: true})
	if err != nil {
		return fmt.Errorf("open database: %w", err)
	}
	e.store = st
	return nil
}

func checkKeepDir(dir string) error {
	if strings.ContainsAny(dir, "?#") {
		return fmt.Errorf("--keep %s: the directory name must not contain ? or #", dir)
	}
	for _, name := range []string{"reach.db", "reach.keys"} {
		if _, err := os.Stat(filepath.Join(dir, name)); !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("--keep %s: it already holds %s; the demo starts from scratch, so name a new directory", dir, name)
		}
	}
	return os.MkdirAll(dir, 0o700)
}

// createDemoKey makes an admin API key for the demo tenant, as `reach keys create` does.
func createDemoKey(ctx context.Context, st store.Store) (string, error) {
	t, err := st.EnsureTenant(ctx, demoTenant)
	if err != nil {
		return "", err
	}
	token, id, hash, err := apikey.New()
	if err != nil {
		return "", err
	}
	k := &store.APIKey{ID: id, TenantID: t.ID, Role: store.RoleAdmin, Hash: hash, CreateTime: time.Now().UTC()}
	return token, st.CreateAPIKey(ctx, k)
}

// startReach serves gRPC and HTTP on free loopback ports until close, and waits until
// /readyz answers.
func (e *demoEnv) startReach(ctx context.Context, ring *secrets.KeyRing, log *slog.Logger) error {
	gl, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	hl, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		gl.Close()
		return err
	}
	e.grpcAddr, e.httpURL = gl.Addr().String(), "http://"+hl.Addr().String()
	srv := server.New(server.Config{ShutdownTimeout: 5 * time.Second}, e.store, ring, log)
	// Not ctx: Ctrl-C during --hold must stop Reach in order, through stopReach.
	sctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.ServeListeners(sctx, gl, hl) }()
	e.stopReach = func() error {
		cancel()
		err := <-done
		gl.Close() // ServeListeners leaves them open when it fails to start
		hl.Close()
		return err
	}
	return waitReady(ctx, e.httpURL+"/readyz", done)
}

// waitReady polls url until it answers 200, the server stops, or 30 s pass.
func waitReady(ctx context.Context, url string, done <-chan error) error {
	deadline := time.Now().Add(30 * time.Second)
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case err := <-done:
			return fmt.Errorf("reach stopped while starting: %v", err)
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("reach did not become ready at %s within 30s", url)
		}
	}
}

// close stops Reach before the store and the simulator it uses, then removes a temp dir.
func (e *demoEnv) close() error {
	var errs []error
	if e.stopReach != nil {
		errs = append(errs, e.stopReach())
	}
	if e.store != nil {
		errs = append(errs, e.store.Close())
	}
	if e.sim != nil {
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		errs = append(errs, e.sim.Shutdown(sctx))
		cancel()
	}
	if e.tempData && e.dataDir != "" {
		errs = append(errs, os.RemoveAll(e.dataDir))
	}
	return errors.Join(errs...)
}

func (e *demoEnv) printIntro(out io.Writer) {
	data := e.dataDir + " (a temp dir, removed at exit)"
	if !e.tempData {
		data = e.dataDir + " (kept)"
	}
	fmt.Fprintln(out, "Reach demo: the Alipay simulator and the Reach service, both in this process; no network.")
	fmt.Fprintln(out)
	fmt.Fprintf(out, "  Alipay simulator  %s   config %s\n", e.sim.URL(), relPath(e.configPath))
	fmt.Fprintf(out, "  Reach HTTP/JSON   %s\n", e.httpURL)
	fmt.Fprintf(out, "  Reach gRPC        %s\n", e.grpcAddr)
	fmt.Fprintf(out, "  Database          SQLite in %s, fresh key ring\n", data)
	fmt.Fprintf(out, "  API key           an admin key of tenant %q (sent as Authorization: Bearer …)\n", demoTenant)
}

// relPath shows p relative to the working directory when it is below it.
func relPath(p string) string {
	if wd, err := os.Getwd(); err == nil {
		if rel, err := filepath.Rel(wd, p); err == nil && !strings.HasPrefix(rel, "..") {
			return rel
		}
	}
	return p
}

// hold keeps both servers up until ctx ends (Ctrl-C), with what is needed to try them.
func (e *demoEnv) hold(ctx context.Context, out io.Writer) {
	auth := "Authorization: Bearer " + e.apiKey
	fmt.Fprintln(out)
	fmt.Fprintln(out, "Both servers keep running (--hold). Press Ctrl-C to stop.")
	fmt.Fprintf(out, "  Reach HTTP/JSON   %s\n", e.httpURL)
	fmt.Fprintf(out, "  Reach gRPC        %s\n", e.grpcAddr)
	fmt.Fprintf(out, "  Alipay simulator  %s   (admin API under /sim/)\n", e.sim.URL())
	fmt.Fprintf(out, "  API key           %s\n", e.apiKey)
	fmt.Fprintln(out, "Try:")
	fmt.Fprintf(out, "  curl -s -H '%s' '%s/v1/messages'\n", auth, e.httpURL)
	fmt.Fprintf(out, "  curl -s -H '%s' '%s/v1/channels/demo-mini/subscriptions'\n", auth, e.httpURL)
	fmt.Fprintf(out, "  grpcurl -plaintext -H '%s' %s reach.v1.ChannelService/ListChannels\n", auth, e.grpcAddr)
	fmt.Fprintf(out, "  curl -s '%s/sim/requests'   # what the simulated Alipay received\n", e.sim.URL())
	<-ctx.Done()
	fmt.Fprintln(out, "\nStopping.")
}

// ---------------------------------------------------------------- the JSON gateway client

// demoAPI calls Reach's JSON gateway as any HTTP client would, and narrates each call.
type demoAPI struct {
	base, key string
	http      *http.Client
	out       io.Writer
	verbose   bool
}

// call sends body (nil for none) as JSON, prints the call, and decodes the answer into
// resp. An answer other than 2xx is an error carrying the server's message.
func (a *demoAPI) call(ctx context.Context, method, path string, body, resp proto.Message) error {
	fmt.Fprintf(a.out, "%s %s\n", method, path)
	var reqBody []byte
	if body != nil {
		var err error
		if reqBody, err = protojson.Marshal(body); err != nil {
			return err
		}
		a.show("request", reqBody)
	}
	req, err := http.NewRequestWithContext(ctx, method, a.base+path, bytes.NewReader(reqBody))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+a.key)
	req.Header.Set("Content-Type", "application/json")
	r, err := a.http.Do(req)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer r.Body.Close()
	data, err := io.ReadAll(io.LimitReader(r.Body, 4<<20))
	if err != nil {
		return fmt.Errorf("%s %s: read answer: %w", method, path, err)
	}
	a.show("answer", data)
	if r.StatusCode/100 != 2 {
		return fmt.Errorf("%s %s: HTTP %d: %s", method, path, r.StatusCode, statusMessage(data))
	}
	if err := (protojson.UnmarshalOptions{DiscardUnknown: true}).Unmarshal(data, resp); err != nil {
		return fmt.Errorf("%s %s: decode answer: %w", method, path, err)
	}
	return nil
}

// result prints the summary line of the call just made.
func (a *demoAPI) result(format string, args ...any) {
	fmt.Fprintf(a.out, "    → "+format+"\n", args...)
}

// show prints a JSON body under --verbose, indented, with PEM text (keys) shortened.
func (a *demoAPI) show(label string, data []byte) {
	if !a.verbose {
		return
	}
	var v any
	if json.Unmarshal(data, &v) != nil {
		fmt.Fprintf(a.out, "    %s: %s\n", label, data)
		return
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("    ", "  ")
	_ = enc.Encode(shortenPEM(v))
	fmt.Fprintf(a.out, "    %s: %s", label, b.String())
}

// shortenPEM replaces PEM strings (the test keys) with a placeholder: they are long and
// say nothing to a reader.
func shortenPEM(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, x := range t {
			t[k] = shortenPEM(x)
		}
	case []any:
		for i, x := range t {
			t[i] = shortenPEM(x)
		}
	case string:
		if m := pemType.FindStringSubmatch(t); m != nil {
			return "<PEM, " + m[1] + ">"
		}
	}
	return v
}

var pemType = regexp.MustCompile(`-----BEGIN ([A-Z0-9 ]+)-----`)

// statusMessage is the message of a google.rpc.Status answer, or the raw text.
func statusMessage(data []byte) string {
	var st struct {
		Message string `json:"message"`
	}
	if json.Unmarshal(data, &st) == nil && st.Message != "" {
		return st.Message
	}
	return strings.TrimSpace(string(data))
}

// ---------------------------------------------------------------- the walk-through

// demoRun is one walk-through and what it created, for the summary.
type demoRun struct {
	api      *demoAPI
	env      *demoEnv
	out      io.Writer
	channels map[string]*reachv1.Channel // by channel id
	ledger   []*reachv1.Subscription
	messages []*reachv1.Message
}

// walk runs the steps in order; the first failure stops it.
func (d *demoRun) walk(ctx context.Context) error {
	steps := []struct {
		title string
		run   func(context.Context) error
	}{
		{"Channels: one per Alipay product; Reach verifies each one's credentials with Alipay", d.createChannels},
		{"Templates: claimed from the Life Account library, imported, created", d.createTemplates},
		{"Life Account: a user follows; Alipay notifies Reach", d.follow},
		{"Mini program: a user accepts a subscription message", d.subscribe},
		{"Alipay+: a user authorizes the mini program", d.authorize},
		{"Messages: one per product", d.send},
	}
	for i, s := range steps {
		fmt.Fprintf(d.out, "\n%d. %s\n", i+1, s.title)
		if err := s.run(ctx); err != nil {
			return fmt.Errorf("step %d (%s): %w", i+1, s.title, err)
		}
	}
	return nil
}

// demoChannels are the channels to create: the simulator's apps, with their test keys,
// and the simulator as their Alipay.
func (d *demoRun) demoChannels() ([]*reachv1.Channel, error) {
	keys := map[string]string{}
	for _, name := range []string{demoLifeKey, demoMiniKey, demoPlusKey} {
		b, err := os.ReadFile(filepath.Join(d.env.keyDir, name))
		if err != nil {
			return nil, fmt.Errorf("the simulator's test key: %w", err)
		}
		keys[name] = string(b)
	}
	sim := d.env.sim
	openPlatform := func(appID, key, encryptKey string) *reachv1.Channel_OpenPlatform {
		return &reachv1.Channel_OpenPlatform{OpenPlatform: &reachv1.OpenPlatformCredentials{
			AppId: appID, AppPrivateKey: keys[key], AlipayPublicKey: sim.AlipayPublicKeyPEM(),
			EncryptKey: encryptKey, GatewayUrl: sim.GatewayURL()}}
	}
	return []*reachv1.Channel{
		{Name: "demo-life", DisplayName: "Demo Life Account", Type: reachv1.ChannelType_CHANNEL_TYPE_ALIPAY_LIFE_ACCOUNT,
			Credentials: openPlatform(demoLifeApp, demoLifeKey, "")},
		// The simulator's mini program has an AES key (接口内容加密); Reach encrypts with it.
		{Name: "demo-mini", DisplayName: "Demo mini program", Type: reachv1.ChannelType_CHANNEL_TYPE_ALIPAY_MINI_PROGRAM,
			Credentials: openPlatform(demoMiniApp, demoMiniKey, d.miniEncryptKey())},
		{Name: "demo-plus", DisplayName: "Demo Alipay+ mini program", Type: reachv1.ChannelType_CHANNEL_TYPE_ALIPAY_PLUS_MINI_PROGRAM,
			Credentials: &reachv1.Channel_AlipayPlus{AlipayPlus: &reachv1.AlipayPlusCredentials{
				ClientId: d.plusClientID(), MerchantPrivateKey: keys[demoPlusKey], PlatformPublicKey: sim.PlatformPublicKeyPEM(),
				AppId: demoPlusApp, CustomerBelongsTo: "ALIPAY_HK", GatewayUrl: sim.URL() + "/api/open"}}},
	}, nil
}

// miniEncryptKey and plusClientID read the simulator's settings for its apps.
func (d *demoRun) miniEncryptKey() string { return d.simApp(demoMiniApp).EncryptKey }
func (d *demoRun) plusClientID() string   { return d.simApp(demoPlusApp).ClientID }

// simApp is an app of the simulator's config (checkSimConfig made sure it is there).
func (d *demoRun) simApp(id string) alipaysim.App {
	i := slices.IndexFunc(d.env.simConfig.Apps, func(a alipaysim.App) bool { return a.AppID == id })
	return d.env.simConfig.Apps[i]
}

func (d *demoRun) createChannels(ctx context.Context) error {
	chans, err := d.demoChannels()
	if err != nil {
		return err
	}
	d.channels = map[string]*reachv1.Channel{}
	for _, c := range chans {
		id := c.Name
		c.Name = "" // output only; the id goes in the query
		var resp reachv1.CreateChannelResponse
		if err := d.api.call(ctx, http.MethodPost, "/v1/channels?channelId="+id, c, &resp); err != nil {
			return err
		}
		ch := resp.Channel
		d.api.result("%s  %s  %s  (%s)", ch.Name, short(ch.Type), ch.State, ch.StateReason)
		if ch.State != reachv1.ChannelState_CHANNEL_STATE_ENABLED {
			return fmt.Errorf("channel %s is %s, not CHANNEL_STATE_ENABLED: %s", ch.Name, ch.State, ch.StateReason)
		}
		d.channels[id] = ch
	}
	fmt.Fprintln(d.out, "    (private keys are sealed with the key ring and never returned, only their fingerprints)")
	return nil
}

func (d *demoRun) createTemplates(ctx context.Context) error {
	var claimed reachv1.ClaimTemplateResponse
	if err := d.api.call(ctx, http.MethodPost, "/v1/channels/demo-life/templates:claim", &reachv1.ClaimTemplateRequest{
		TemplateId: "payment", LibCode: demoLibCode, Keywords: []string{"交易金额", "交易地点"},
		FirstEnabled: true, RemarkEnabled: true,
	}, &claimed); err != nil {
		return err
	}
	d.printTemplate(claimed.Template)

	var imported reachv1.ImportTemplateResponse
	if err := d.api.call(ctx, http.MethodPost, "/v1/channels/demo-mini/templates:import", &reachv1.ImportTemplateRequest{
		TemplateId: "order-shipped", ExternalId: demoMiniTemplate, DisplayName: "Order shipped",
		SubscriptionType: reachv1.SubscriptionType_SUBSCRIPTION_TYPE_ONE_TIME,
		Content:          "keyword1: 订单号\nkeyword2: 快递公司\nkeyword3: 运单号", // as copied from the console
	}, &imported); err != nil {
		return err
	}
	d.printTemplate(imported.Template)

	var created reachv1.CreateTemplateResponse
	if err := d.api.call(ctx, http.MethodPost, "/v1/channels/demo-plus/templates?templateId=order-ready", &reachv1.Template{
		ExternalId: demoPlusTemplate, DisplayName: "Order ready for pickup",
		Keywords: []*reachv1.TemplateKeyword{{Key: "orderNo", Label: "Order number"}, {Key: "storeName", Label: "Store"}},
		Options: &reachv1.Template_AlipayPlus{AlipayPlus: &reachv1.AlipayPlusTemplateOptions{
			Languages: []string{"en-US"}, RedirectUrl: "https://example.com/orders"}},
	}, &created); err != nil {
		return err
	}
	d.printTemplate(created.Template)
	return nil
}

func (d *demoRun) printTemplate(t *reachv1.Template) {
	var kws []string
	for _, k := range t.Keywords {
		kws = append(kws, k.Key+"="+k.Label)
	}
	d.api.result("%s  %s  external id %s  keywords %s", t.Name, t.State, t.ExternalId, strings.Join(kws, ", "))
}

// follow has the simulator send the signed follow event Alipay sends to a Life Account's
// application gateway, which is the channel's notify_path on Reach.
func (d *demoRun) follow(ctx context.Context) error {
	ch := d.channels["demo-life"]
	fmt.Fprintf(d.out, "Alipay (simulator) → POST %s   follow event of user %s, signed with Alipay's key\n", ch.NotifyPath, demoUser)
	res, err := d.env.sim.Notify(ctx, alipaysim.Notification{URL: d.env.httpURL + ch.NotifyPath,
		Kind: alipaysim.NotifyFollow, AppID: demoLifeApp, User: demoUser})
	if err != nil {
		return fmt.Errorf("send the follow notification: %w", err)
	}
	if !res.Acknowledged {
		return fmt.Errorf("reach did not acknowledge the follow notification: HTTP %d %q", res.Status, res.Body)
	}
	d.api.result("HTTP %d, a reply signed with the app's key; the simulator verified it", res.Status)
	rows, err := d.listLedger(ctx, "demo-life", `kind = FOLLOWER`)
	if err != nil {
		return err
	}
	return d.expectActive(rows, reachv1.SubscriptionKind_SUBSCRIPTION_KIND_FOLLOWER)
}

// demoSubscribeResult is what my.requestSubscribeMessage hands the mini program when the
// user accepts the one-time template, passed to Reach unchanged.
const demoSubscribeResult = `{"behavior":"subscribe","show":true,"keep":false,` +
	`"result":{"subscribeEntityIds":["` + demoMiniTemplate + `"],"subscribedEntityIds":["` + demoMiniTemplate + `"],` +
	`"unsubscribedEntityIds":[],"currentSubscribedEntityIds":["` + demoMiniTemplate + `"]},"` + demoMiniTemplate + `":"accept"}`

func (d *demoRun) subscribe(ctx context.Context) error {
	var rec reachv1.RecordSubscribeResultResponse
	if err := d.api.call(ctx, http.MethodPost, "/v1/channels/demo-mini/subscriptions:recordSubscribeResult",
		&reachv1.RecordSubscribeResultRequest{User: demoUserRef(), ResultJson: demoSubscribeResult}, &rec); err != nil {
		return err
	}
	d.api.result("%s, %d row(s) changed", short(rec.Outcome), len(rec.Subscriptions))
	// Alipay learns of the acceptance from the user directly; the simulator plays that part.
	if err := d.env.sim.Subscribe(demoMiniApp, demoUser, demoMiniTemplate, 1); err != nil {
		return fmt.Errorf("subscribe the user in the simulator: %w", err)
	}
	fmt.Fprintf(d.out, "Alipay (simulator): user %s accepted template %s (one send)\n", demoUser, demoMiniTemplate)
	var synced reachv1.SyncSubscriptionsResponse
	if err := d.api.call(ctx, http.MethodPost, "/v1/channels/demo-mini/subscriptions:sync",
		&reachv1.SyncSubscriptionsRequest{User: demoUserRef()}, &synced); err != nil {
		return err
	}
	for _, s := range synced.Subscriptions {
		d.printRow(s)
	}
	rows, err := d.listLedger(ctx, "demo-mini", "")
	if err != nil {
		return err
	}
	return d.expectActive(rows, reachv1.SubscriptionKind_SUBSCRIPTION_KIND_TEMPLATE)
}

func (d *demoRun) authorize(ctx context.Context) error {
	code, _, err := d.env.sim.IssueAuthCode(demoPlusApp, demoCustomer)
	if err != nil {
		return fmt.Errorf("issue an auth code in the simulator: %w", err)
	}
	fmt.Fprintf(d.out, "Alipay+ (simulator): my.getAuthCode gave the mini program auth code %s for customer %s\n", code, demoCustomer)
	var resp reachv1.AuthorizeUserResponse
	if err := d.api.call(ctx, http.MethodPost, "/v1/channels/demo-plus/subscriptions:authorize",
		&reachv1.AuthorizeUserRequest{AuthCode: code}, &resp); err != nil {
		return err
	}
	d.printRow(resp.Subscription)
	fmt.Fprintln(d.out, "    (the tokens are stored encrypted and refreshed by Reach; they are never returned)")
	return d.expectActive([]*reachv1.Subscription{resp.Subscription}, reachv1.SubscriptionKind_SUBSCRIPTION_KIND_AUTHORIZATION)
}

// listLedger lists a channel's ledger rows (optionally filtered) and prints them.
func (d *demoRun) listLedger(ctx context.Context, channel, filter string) ([]*reachv1.Subscription, error) {
	path := "/v1/channels/" + channel + "/subscriptions"
	if filter != "" {
		path += "?filter=" + url.QueryEscape(filter)
	}
	var resp reachv1.ListSubscriptionsResponse
	if err := d.api.call(ctx, http.MethodGet, path, nil, &resp); err != nil {
		return nil, err
	}
	if len(resp.Subscriptions) == 0 {
		d.api.result("no rows")
	}
	for _, s := range resp.Subscriptions {
		d.printRow(s)
	}
	return resp.Subscriptions, nil
}

func (d *demoRun) printRow(s *reachv1.Subscription) {
	detail := ""
	switch s.Kind {
	case reachv1.SubscriptionKind_SUBSCRIPTION_KIND_TEMPLATE:
		detail = fmt.Sprintf("  %s %s", s.Template, short(s.Type))
		if s.Type == reachv1.SubscriptionType_SUBSCRIPTION_TYPE_ONE_TIME {
			detail += fmt.Sprintf(", %d send(s) left", s.RemainingSends)
		}
	case reachv1.SubscriptionKind_SUBSCRIPTION_KIND_AUTHORIZATION:
		a := s.Authorization
		// Shown as returned, an empty fingerprint included: SecretInfo promises one.
		detail = fmt.Sprintf("  access token set=%t fingerprint=%q expires %s", a.GetAccessTokenInfo().GetSet(),
			a.GetAccessTokenInfo().GetFingerprint(), a.GetAccessTokenExpireTime().AsTime().Format(time.RFC3339))
	}
	d.api.result("%s  %s  %s  user %s%s  (%s)", s.Name, short(s.Kind), short(s.State), userText(s.User), detail, s.StateReason)
}

// expectActive checks that rows hold an ACTIVE row of kind for the demo user.
func (d *demoRun) expectActive(rows []*reachv1.Subscription, kind reachv1.SubscriptionKind) error {
	for _, s := range rows {
		if s.Kind == kind && s.State == reachv1.SubscriptionState_SUBSCRIPTION_STATE_ACTIVE {
			d.ledger = append(d.ledger, s)
			return nil
		}
	}
	return fmt.Errorf("no ACTIVE %s row in the ledger", kind)
}

// demoMessages are one message per product, each to the user the steps above prepared.
func demoMessages() []*reachv1.SendMessageRequest {
	return []*reachv1.SendMessageRequest{
		{RequestId: "demo-payment-1001", Template: "channels/demo-life/templates/payment", Recipient: demoUserRef(),
			Data:        map[string]string{"first": "Payment received", "keyword1": "¥100.00", "keyword2": "Hangzhou", "remark": "Thank you"},
			LifeAccount: &reachv1.LifeAccountMessageOptions{Url: "https://example.com/orders/1001", ActionName: "View order"}},
		{RequestId: "demo-shipped-1001", Template: "channels/demo-mini/templates/order-shipped", Recipient: demoUserRef(),
			Data: map[string]string{"keyword1": "1001", "keyword2": "SF Express", "keyword3": "SF1234567890"},
			Page: "pages/orders/detail?id=1001"},
		{RequestId: "demo-ready-1001", Template: "channels/demo-plus/templates/order-ready",
			Recipient: &reachv1.User{Id: &reachv1.User_CustomerId{CustomerId: demoCustomer}},
			Data:      map[string]string{"orderNo": "1001", "storeName": "Central"}, Page: "https://example.com/orders/1001"},
	}
}

func (d *demoRun) send(ctx context.Context) error {
	for _, m := range demoMessages() {
		var resp reachv1.SendMessageResponse
		if err := d.api.call(ctx, http.MethodPost, "/v1/messages:send", m, &resp); err != nil {
			return err
		}
		msg := resp.Message
		d.api.result("%s  %s  to %s via %s", msg.Name, msg.State, userText(msg.Recipient), msg.Channel)
		if msg.State != reachv1.MessageState_MESSAGE_STATE_QUEUED {
			return fmt.Errorf("message %s is %s, not QUEUED: %s", msg.Name, msg.State, msg.StateReason)
		}
		d.messages = append(d.messages, msg)
	}
	var list reachv1.ListMessagesResponse
	if err := d.api.call(ctx, http.MethodGet, "/v1/messages?filter="+url.QueryEscape("state = QUEUED"), nil, &list); err != nil {
		return err
	}
	d.api.result("%d message(s) QUEUED", len(list.Messages))
	fmt.Fprintln(d.out, "    (delivery to Alipay is not built yet — a later issue — so the messages stay QUEUED)")
	if len(list.Messages) != len(d.messages) {
		return fmt.Errorf("listed %d QUEUED messages, sent %d", len(list.Messages), len(d.messages))
	}
	return nil
}

func (d *demoRun) printSummary(took time.Duration) {
	fmt.Fprintf(d.out, "\nSummary (%.1fs)\n", took.Seconds())
	fmt.Fprintf(d.out, "  channels   %d, all CHANNEL_STATE_ENABLED (Life Account, mini program, Alipay+)\n", len(d.channels))
	fmt.Fprintln(d.out, "  templates  3 (claimed from the library, imported, created)")
	var rows []string
	for _, s := range d.ledger {
		rows = append(rows, short(s.Kind))
	}
	fmt.Fprintf(d.out, "  ledger     %s, all ACTIVE\n", strings.Join(rows, ", "))
	fmt.Fprintf(d.out, "  messages   %d QUEUED (delivery to Alipay is a later issue)\n", len(d.messages))
	d.printSimCalls()
	if !d.env.tempData {
		// The key file beside the database is found by serve; the demo's key stays valid.
		fmt.Fprintf(d.out, "  kept       %s (database and key file); serve it with\n", d.env.dataDir)
		fmt.Fprintf(d.out, "               go run ./cmd/reach serve --database sqlite:%s\n", filepath.Join(d.env.dataDir, "reach.db"))
		fmt.Fprintf(d.out, "  API key    %s (admin, tenant %q)\n", d.env.apiKey, demoTenant)
	}
	fmt.Fprintln(d.out, "OK")
}

// printSimCalls lists the signed calls of Reach the simulated Alipay accepted, by API:
// proof that the steps above really went through Alipay's protocol.
func (d *demoRun) printSimCalls() {
	count := map[string]int{}
	recs := d.env.sim.Requests(alipaysim.RequestFilter{})
	for _, r := range recs {
		count[r.API]++
	}
	fmt.Fprintf(d.out, "  Alipay     the simulator accepted %d signed calls from Reach:\n", len(recs))
	for _, api := range slices.Sorted(maps.Keys(count)) {
		fmt.Fprintf(d.out, "               %dx %s\n", count[api], api)
	}
}

func demoUserRef() *reachv1.User { return &reachv1.User{Id: &reachv1.User_UserId{UserId: demoUser}} }

// userText shows a user as kind=id.
func userText(u *reachv1.User) string {
	switch id := u.GetId().(type) {
	case *reachv1.User_UserId:
		return id.UserId
	case *reachv1.User_OpenId:
		return "open_id " + id.OpenId
	case *reachv1.User_CustomerId:
		return "customer " + id.CustomerId
	}
	return "?"
}

// short drops an enum value's type prefix: CHANNEL_TYPE_ALIPAY_MINI_PROGRAM → ALIPAY_MINI_PROGRAM.
func short(v fmt.Stringer) string {
	s := v.String()
	for _, p := range []string{"CHANNEL_TYPE_", "SUBSCRIPTION_KIND_", "SUBSCRIPTION_STATE_", "SUBSCRIPTION_TYPE_", "SUBSCRIBE_OUTCOME_"} {
		if rest, ok := strings.CutPrefix(s, p); ok {
			return rest
		}
	}
	return s
}
