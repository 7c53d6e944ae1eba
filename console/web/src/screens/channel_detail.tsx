// One channel: its state and why, the address to give Alipay, its keys' fingerprints, and
// what an admin can do with it (verify, disable, enable, rotate, delete), plus its policy.
import { useState } from "preact/hooks";
import { api, unwrap, type Schemas } from "../api";
import { channelType, when } from "../format";
import { useCan } from "../identity";
import { go, href } from "../router";
import { Confirm } from "../ui/dialog";
import { Text } from "../ui/fields";
import { Badge, ErrorBanner, Loading, Notice } from "../ui/feedback";
import { fieldErrors, useAction, useFlash, useLoad } from "../ui/hooks";
import { alipayPlus, CredentialFields, emptyCreds, openPlatform, type Mode } from "./credentials";
import { Policy } from "./policy";

type Channel = Schemas["v1Channel"];

export function ChannelDetail({ id: channelId }: { id: string }) {
  const manage = useCan("manage");
  const load = useLoad(() => unwrap(api.GET("/v1/channels/{channel}", { params: { path: { channel: channelId } } })), [channelId]);
  const act = useAction();
  const [done, setDone] = useFlash();
  const [dialog, setDialog] = useState<"" | "disable" | "delete">("");
  const [reason, setReason] = useState("");
  const [confirmId, setConfirmId] = useState("");
  const [rotating, setRotating] = useState(false);
  const ch = load.data?.channel;
  if (load.loading && !ch) return <Loading />;
  if (!ch) return <><p class="crumb"><a href={href("channels")}>Channels</a> /</p><ErrorBanner error={load.error} /></>;
  const path = { params: { path: { channel: channelId } } };
  const after = (what: string) => (r: { channel?: Channel } | undefined) => {
    if (r?.channel) { load.setData({ channel: r.channel }); setDone(what); }
  };
  const verify = () => act.run(() => unwrap(api.POST("/v1/channels/{channel}:verify", { ...path, body: {} }))).then(after("Checked with Alipay."));
  const enable = () => act.run(() => unwrap(api.POST("/v1/channels/{channel}:enable", { ...path, body: {} }))).then(after("Enabled."));
  const disable = () => {
    setDialog("");
    act.run(() => unwrap(api.POST("/v1/channels/{channel}:disable", { ...path, body: { reason: reason || undefined } }))).then(after("Disabled: nothing is sent until it is enabled again."));
  };
  const remove = async () => {
    setDialog("");
    const r = await act.run(() => unwrap(api.DELETE("/v1/channels/{channel}", path)));
    if (r) go("channels");
  };
  const notifyUrl = ch.notifyPath ? location.origin + ch.notifyPath : "";
  const plus = ch.type === "CHANNEL_TYPE_ALIPAY_PLUS_MINI_PROGRAM";
  const op = ch.openPlatform;
  return (
    <section>
      <p class="crumb"><a href={href("channels")}>Channels</a> /</p>
      <div class="head">
        <h1>{ch.displayName || channelId}</h1>
        <Badge value={ch.state} />
      </div>
      {done && <Notice>{done}</Notice>}
      <ErrorBanner error={act.error} />
      <dl class="facts">
        <dt>Channel</dt><dd class="mono">{ch.name}</dd>
        <dt>Product</dt><dd>{channelType(ch.type)}</dd>
        <dt>State</dt><dd><Badge value={ch.state} /> {ch.stateReason && <span class="reason">{ch.stateReason}</span>}</dd>
        <dt>Last checked with Alipay</dt><dd>{when(ch.verifyTime)}</dd>
        {op && <><dt>App id</dt><dd class="mono">{op.appId}</dd></>}
        {op && <><dt>App private key</dt><dd class="mono">{op.appPrivateKeyInfo?.set ? op.appPrivateKeyInfo.fingerprint : "not set"}</dd></>}
        {op && <><dt>Alipay public key</dt><dd class="mono">{op.alipayPublicKeyFingerprint || "—"}{op.appCertSn && ` (certificate mode, app cert SN ${op.appCertSn})`}</dd></>}
        {op && <><dt>Gateway</dt><dd class="mono">{op.gatewayUrl || "https://openapi.alipay.com/gateway.do"}</dd></>}
        {ch.alipayPlus && <><dt>Client-Id</dt><dd class="mono">{ch.alipayPlus.clientId}</dd><dt>Merchant private key</dt><dd class="mono">{ch.alipayPlus.merchantPrivateKeyInfo?.fingerprint ?? "not set"}</dd><dt>Gateway</dt><dd class="mono">{ch.alipayPlus.gatewayUrl}</dd></>}
        <dt>Created</dt><dd>{when(ch.createTime)}</dd>
      </dl>
      {notifyUrl && (
        <div class="callout">
          <h2>Notify address for Alipay (应用网关 / 授权回调地址)</h2>
          <p>Give Alipay this address as the app's gateway (Life Account) or notify URL. If Reach is reached through a proxy, use its public address with the same path.</p>
          <p><code class="copy" data-testid="notify-url">{notifyUrl}</code></p>
        </div>
      )}
      <p class="links">
        <a href={href("templates", channelId)}>Templates</a> · <a href={href("subscriptions", channelId)}>Subscriptions</a> · <a href={href("messages") + "?channel=" + encodeURIComponent(channelId)}>Messages</a>
      </p>
      {manage && (
        <div class="actions left">
          <button type="button" onClick={verify} disabled={act.busy}>Verify with Alipay</button>
          {ch.state === "CHANNEL_STATE_DISABLED"
            ? <button type="button" onClick={enable} disabled={act.busy}>Enable</button>
            : <button type="button" onClick={() => { setReason(""); setDialog("disable"); }} disabled={act.busy}>Disable…</button>}
          <button type="button" onClick={() => setRotating(!rotating)} aria-expanded={rotating}>Rotate credentials…</button>
          <button type="button" class="danger" onClick={() => { setConfirmId(""); setDialog("delete"); }}>Delete…</button>
        </div>
      )}
      {manage && rotating && <Rotate channelId={channelId} plus={plus} onDone={(c) => { load.setData({ channel: c }); setRotating(false); setDone("Credentials replaced and checked with Alipay."); }} />}
      <Policy channelId={channelId} policy={ch.deliveryPolicy} editable={manage} onSaved={(c) => { load.setData({ channel: c }); setDone("Delivery policy saved."); }} />
      <Confirm open={dialog === "disable"} title="Disable this channel?" confirm="Disable" onConfirm={disable} onClose={() => setDialog("")}>
        <p>Nothing is sent through it until it is enabled again; its queued messages wait (and may expire).</p>
        <Text name="reason" label="Reason (kept with the channel)" value={reason} onInput={setReason} />
      </Confirm>
      <Confirm open={dialog === "delete"} title="Delete this channel?" confirm="Delete channel" danger disabled={confirmId !== channelId} onConfirm={remove} onClose={() => setDialog("")}>
        <p>Its templates and subscriptions are deleted with it; queued messages fail. Messages already sent keep their history. This cannot be undone.</p>
        <Text name="confirm" label={<>Type <code>{channelId}</code> to confirm</>} value={confirmId} onInput={setConfirmId} />
      </Confirm>
    </section>
  );
}

function Rotate({ channelId, plus, onDone }: { channelId: string; plus: boolean; onDone: (c: Channel) => void }) {
  const [mode, setMode] = useState<Mode>("key");
  const [creds, setCreds] = useState(emptyCreds);
  const act = useAction();
  const errors = fieldErrors(act.error);
  async function submit(e: Event) {
    e.preventDefault();
    // Only the fields filled in are sent: the gateway makes the update mask of them, so a
    // key left empty is kept, never cleared.
    const body: Channel = plus ? { alipayPlus: alipayPlus(creds) } : { openPlatform: openPlatform(creds, mode) };
    const r = await act.run(() => unwrap(api.PATCH("/v1/channels/{channel}", { params: { path: { channel: channelId } }, body })));
    if (!r?.channel) return;
    // New credentials leave the channel unverified: check them at once.
    const v = await act.run(() => unwrap(api.POST("/v1/channels/{channel}:verify", { params: { path: { channel: channelId } }, body: {} })));
    onDone(v?.channel ?? r.channel);
  }
  return (
    <form class="form panel" onSubmit={submit} aria-label="Rotate credentials">
      <h2>Rotate credentials</h2>
      <p>Fill in only what changes; empty fields keep their stored value.</p>
      <ErrorBanner error={act.error} shown={Object.keys(errors).filter((f) => /^(open_platform|alipay_plus)/.test(f))} />
      <CredentialFields plus={plus} mode={mode} setMode={setMode} value={creds} set={setCreds} errors={errors} rotating />
      <div class="actions"><button class="primary" type="submit" disabled={act.busy}>Save and verify</button></div>
    </form>
  );
}

