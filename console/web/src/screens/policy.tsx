// A channel's delivery policy: pace, retries, quiet hours, frequency cap, de-duplication.
import { useState } from "preact/hooks";
import { api, unwrap, type Schemas } from "../api";
import { duration, parseDuration } from "../format";
import { Check, Select, Text } from "../ui/fields";
import { ErrorBanner } from "../ui/feedback";
import { fieldErrors, useAction } from "../ui/hooks";

type Policy = Schemas["v1DeliveryPolicy"];
type Window = Schemas["v1FrequencyWindow"];

const num = (s: string) => (s.trim() === "" ? 0 : Number(s));
const str = (n: number | undefined) => (n ? String(n) : "");

export function Policy(p: { channelId: string; policy: Policy | undefined; editable: boolean; onSaved: (c: Schemas["v1Channel"]) => void }) {
  const pol = p.policy ?? {};
  const [editing, setEditing] = useState(false);
  return (
    <section class="panel" aria-labelledby="policy-title">
      <div class="head">
        <h2 id="policy-title">Delivery policy</h2>
        {p.editable && !editing && <button type="button" onClick={() => setEditing(true)}>Edit policy</button>}
      </div>
      {editing ? <PolicyForm {...p} pol={pol} onDone={() => setEditing(false)} /> : (
        <dl class="facts">
          <dt>Sends per second</dt><dd>{pol.maxSendsPerSecond || "50 (default)"}{pol.burst ? `, burst ${pol.burst}` : ""}</dd>
          <dt>Attempts per message</dt><dd>{pol.maxAttempts || "5 (default)"}</dd>
          <dt>In flight per replica</dt><dd>{pol.maxInFlight || "16 (default)"}</dd>
          <dt>Unknown outcomes</dt><dd>{pol.atMostOnce ? "fail (at most once)" : "retry (at least once)"}</dd>
          <dt>Quiet hours</dt><dd>{pol.quietHours ? `${pol.quietHours.start}–${pol.quietHours.end} ${pol.quietHours.timeZone || "Asia/Shanghai"}, marketing messages ${pol.quietHours.action === "QUIET_HOURS_ACTION_FAIL" ? "fail" : "wait"}` : "none"}</dd>
          <dt>Frequency cap</dt><dd>{pol.frequencyCap ? `${pol.frequencyCap.maxMessages} per user per ${(pol.frequencyCap.window ?? "FREQUENCY_WINDOW_DAY").replace("FREQUENCY_WINDOW_", "").toLowerCase()}${pol.frequencyCap.marketingOnly ? " (marketing only)" : ""}` : pol.maxPerUserPerDay ? `${pol.maxPerUserPerDay} per user per day` : "none"}</dd>
          <dt>De-duplication window</dt><dd>{pol.dedupWindow && pol.dedupWindow !== "0s" ? duration(pol.dedupWindow) : "off"}</dd>
        </dl>
      )}
    </section>
  );
}

function PolicyForm(p: { channelId: string; pol: Policy; onSaved: (c: Schemas["v1Channel"]) => void; onDone: () => void }) {
  const pol = p.pol;
  const [rate, setRate] = useState(str(pol.maxSendsPerSecond));
  const [burst, setBurst] = useState(str(pol.burst));
  const [attempts, setAttempts] = useState(str(pol.maxAttempts));
  const [inFlight, setInFlight] = useState(str(pol.maxInFlight));
  const [atMostOnce, setAtMostOnce] = useState(!!pol.atMostOnce);
  const [quiet, setQuiet] = useState(!!pol.quietHours);
  const [qStart, setQStart] = useState(pol.quietHours?.start ?? "22:00");
  const [qEnd, setQEnd] = useState(pol.quietHours?.end ?? "08:00");
  const [qZone, setQZone] = useState(pol.quietHours?.timeZone ?? "Asia/Shanghai");
  const [cap, setCap] = useState(!!pol.frequencyCap);
  const [capMax, setCapMax] = useState(str(pol.frequencyCap?.maxMessages) || "3");
  const [capWindow, setCapWindow] = useState<Window>(pol.frequencyCap?.window ?? "FREQUENCY_WINDOW_DAY");
  const d = "delivery_policy.";
  const [dedup, setDedup] = useState(pol.dedupWindow && pol.dedupWindow !== "0s" ? duration(pol.dedupWindow) : "");
  const act = useAction();
  const [local, setLocal] = useState<Record<string, string>>({});
  const errors = { ...fieldErrors(act.error), ...local };
  async function submit(e: Event) {
    e.preventDefault();
    // A duration is read here, Go style, and sent as protobuf JSON ("3600s").
    let dedupWindow = "0s";
    try {
      dedupWindow = dedup.trim() ? parseDuration(dedup) : "0s";
      setLocal({});
    } catch (err) {
      act.setError(undefined);
      setLocal({ [d + "dedup_window"]: (err as Error).message });
      return;
    }
    const deliveryPolicy: Policy = {
      maxSendsPerSecond: num(rate), burst: num(burst), maxAttempts: num(attempts), maxInFlight: num(inFlight), atMostOnce,
      dedupWindow,
      ...(quiet ? { quietHours: { start: qStart, end: qEnd, timeZone: qZone } } : {}),
      ...(cap ? { frequencyCap: { maxMessages: num(capMax), window: capWindow } } : {}),
    };
    // The whole policy is replaced (update_mask=delivery_policy), so a section turned off
    // is cleared. The gateway reads update_mask from the query, but the OpenAPI document
    // leaves it out (it would make the mask from the body's every leaf), hence the cast.
    const query = { update_mask: "delivery_policy" } as unknown as never;
    const r = await act.run(() => unwrap(api.PATCH("/v1/channels/{channel}", { params: { path: { channel: p.channelId }, query }, body: { deliveryPolicy } })));
    if (r?.channel) { p.onSaved(r.channel); p.onDone(); }
  }
  return (
    <form class="form" onSubmit={submit}>
      <ErrorBanner error={act.error} shown={Object.keys(errors).filter((f) => f.startsWith(d))} />
      <div class="grid">
        <Text name={d + "max_sends_per_second"} label="Sends per second" type="number" value={rate} onInput={setRate} errors={errors} hint="Empty: 50." />
        <Text name={d + "burst"} label="Burst" type="number" value={burst} onInput={setBurst} errors={errors} hint="Empty: a twentieth of the rate." />
        <Text name={d + "max_attempts"} label="Attempts per message" type="number" value={attempts} onInput={setAttempts} errors={errors} hint="Empty: 5." />
        <Text name={d + "max_in_flight"} label="In flight per replica" type="number" value={inFlight} onInput={setInFlight} errors={errors} hint="Empty: 16." />
      </div>
      <Check name="at_most_once" label="At most once: fail a send whose outcome Alipay left unknown, instead of retrying it" checked={atMostOnce} onChange={setAtMostOnce} />
      <Check name="quiet" label="Quiet hours for marketing messages" checked={quiet} onChange={setQuiet} />
      {quiet && (
        <div class="grid">
          <Text name={d + "quiet_hours.start"} label="From (HH:MM)" value={qStart} onInput={setQStart} errors={errors} />
          <Text name={d + "quiet_hours.end"} label="Until (HH:MM)" value={qEnd} onInput={setQEnd} errors={errors} />
          <Text name={d + "quiet_hours.time_zone"} label="Time zone" value={qZone} onInput={setQZone} errors={errors} />
        </div>
      )}
      <Check name="cap" label="Frequency cap per user" checked={cap} onChange={setCap} />
      {cap && (
        <div class="grid">
          <Text name={d + "frequency_cap.max_messages"} label="Messages" type="number" value={capMax} onInput={setCapMax} errors={errors} />
          <Select<Window> name={d + "frequency_cap.window"} label="Per" value={capWindow} onChange={setCapWindow} errors={errors}
            options={[["FREQUENCY_WINDOW_HOUR", "hour"], ["FREQUENCY_WINDOW_DAY", "day"], ["FREQUENCY_WINDOW_WEEK", "week"]]} />
        </div>
      )}
      <Text name={d + "dedup_window"} label="De-duplication window" value={dedup} onInput={setDedup} errors={errors} placeholder="1h" hint="Like 1h, 30m, 1h30m or 90s. The same content to the same user within this time is not sent again. Empty: off." />
      <div class="actions">
        <button type="button" onClick={p.onDone}>Cancel</button>
        <button class="primary" type="submit" disabled={act.busy}>Save policy</button>
      </div>
    </form>
  );
}
