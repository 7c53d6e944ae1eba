// One message and its timeline: every step with Alipay's own codes. Cancel it while it
// waits; re-drive it when it failed or expired. The timeline follows the watch API.
import { useEffect, useState } from "preact/hooks";
import { alipayError, latency, when, user } from "../format";
import { api, unwrap } from "../api";
import { useCan } from "../identity";
import { href } from "../router";
import { Confirm } from "../ui/dialog";
import { Badge, ErrorBanner, Loading, Notice } from "../ui/feedback";
import { useAction, useFlash, useLoad } from "../ui/hooks";
import { watchMessages } from "../watch";
import { templateLabel, useTemplateNames } from "./template_names";

// The timeline's steps in words (MessageEvent.kind in proto/reach/v1/message.proto).
const kinds: Record<string, string> = {
  QUEUED: "Created",
  ATTEMPT: "Attempt",
  HELD: "Held (channel not enabled)",
  FAILED: "Not sent (no call to Alipay)",
  EXPIRED: "Expired",
  CANCELLED: "Cancelled",
  REQUEUED: "Re-driven",
  RELEASED: "Released by a stopping dispatcher",
};

function eventKind(k: string | undefined, st: string | undefined): string {
  if (!k) return "Step";
  // An attempt after which the message is queued again: Alipay's answer allows a retry.
  if (k === "ATTEMPT" && st === "MESSAGE_STATE_QUEUED") return "Attempt, retry scheduled";
  return kinds[k] ?? k.charAt(0) + k.slice(1).toLowerCase().replace(/_/g, " ");
}

export function MessageDetail({ id: messageId }: { id: string }) {
  const send = useCan("send");
  const path = { params: { path: { message: messageId } } };
  const msg = useLoad(() => unwrap(api.GET("/v1/messages/{message}", path)), [messageId]);
  const events = useLoad(() => unwrap(api.GET("/v1/messages/{message}/events", { params: { path: { message: messageId }, query: { pageSize: 1000 } } })), [messageId]);
  const act = useAction();
  const [done, setDone] = useFlash();
  const [confirm, setConfirm] = useState(false);
  const m = msg.data?.message;
  const names = useTemplateNames([m?.template]);
  const requestId = m?.requestId;
  useEffect(() => {
    if (!m) return;
    // Narrow the stream to this message's request id when it has one.
    const filter = requestId ? `request_id = ${JSON.stringify(requestId)}` : "";
    return watchMessages(filter, (ev) => {
      if (ev.message === `messages/${messageId}`) { msg.reload(); events.reload(); }
    }, () => undefined);
  }, [messageId, requestId, !!m]);
  if (msg.loading && !m) return <Loading />;
  if (!m) return <><p class="crumb"><a href={href("messages")}>Messages</a> /</p><ErrorBanner error={msg.error} /></>;
  const cancel = () => {
    setConfirm(false);
    act.run(() => unwrap(api.POST("/v1/messages/{message}:cancel", { ...path, body: {} }))).then((r) => { if (r) { setDone("Cancelled."); msg.reload(); events.reload(); } });
  };
  const retry = () => act.run(() => unwrap(api.POST("/v1/messages/{message}:retry", { ...path, body: {} }))).then((r) => { if (r) { setDone("Queued again."); msg.reload(); events.reload(); } });
  const evs = events.data?.events ?? [];
  return (
    <section>
      <p class="crumb"><a href={href("messages")}>Messages</a> /</p>
      <div class="head">
        <h1 class="mono">{messageId}</h1>
        <Badge value={m.state} />
      </div>
      {done && <Notice>{done}</Notice>}
      <ErrorBanner error={act.error} />
      {send && (
        <div class="actions left">
          {(m.state === "MESSAGE_STATE_QUEUED" || m.state === "MESSAGE_STATE_SENDING") && <button type="button" onClick={() => setConfirm(true)} disabled={act.busy}>Cancel message…</button>}
          {(m.state === "MESSAGE_STATE_FAILED" || m.state === "MESSAGE_STATE_EXPIRED") && <button type="button" onClick={retry} disabled={act.busy}>Re-drive (send again)</button>}
        </div>
      )}
      <dl class="facts">
        <dt>State</dt><dd><Badge value={m.state} /> {m.stateReason}</dd>
        {m.lastError && <><dt>Alipay's answer</dt><dd class="mono">{alipayError(m.lastError)}</dd></>}
        <dt>Template</dt><dd>{templateLabel(names, m.template)} <span class="sub mono">{m.template}</span></dd>
        <dt>Recipient</dt><dd class="mono">{user(m.recipient)}</dd>
        <dt>Request id</dt><dd class="mono">{m.requestId || "—"}</dd>
        <dt>Category</dt><dd>{m.category === "MESSAGE_CATEGORY_MARKETING" ? "Marketing" : "Transactional"}</dd>
        <dt>Data</dt><dd>{Object.entries(m.data ?? {}).map(([k, v]) => <span key={k} class="kw"><code>{k}</code> {v}</span>)}</dd>
        <dt>Attempts</dt><dd>{m.attempts ?? 0}</dd>
        <dt>Created</dt><dd>{when(m.createTime)}</dd>
        {m.sendTime && <><dt>Scheduled for</dt><dd>{when(m.sendTime)}</dd></>}
        <dt>Sent</dt><dd>{when(m.sentTime)}</dd>
        <dt>Expires</dt><dd>{when(m.expireTime)}</dd>
        {m.broadcast && <><dt>Broadcast</dt><dd><a href={href("broadcasts", m.broadcast.replace("broadcasts/", ""))}>{m.broadcast}</a></dd></>}
      </dl>
      <h2>Timeline</h2>
      <ErrorBanner error={events.error} />
      {evs.length === 0 ? <p class="hint">No steps recorded yet.</p> : (
        <ol class="timeline" aria-label="Timeline">
          {evs.map((e, i) => (
            <li key={i}>
              <div class="when">{when(e.time)}</div>
              <div class="what">
                <Badge value={e.state} /> <strong>{eventKind(e.kind, e.state)}</strong> {e.description}
                {e.alipayError && <div class="mono alipay">Alipay: {alipayError(e.alipayError)}</div>}
                <div class="sub">
                  {e.attempt ? `attempt ${e.attempt}` : ""}{e.latency ? ` · ${latency(e.latency)}` : ""}{e.replica ? ` · ${e.replica}` : ""}{e.traceId ? ` · trace ${e.traceId}` : ""}
                </div>
              </div>
            </li>
          ))}
        </ol>
      )}
      <Confirm open={confirm} title="Cancel this message?" confirm="Cancel message" danger onConfirm={cancel} onClose={() => setConfirm(false)}>
        <p>It will not be sent. This works until a dispatcher hands it to Alipay.</p>
      </Confirm>
    </section>
  );
}
