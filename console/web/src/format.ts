// How values read: times in the operator's own time zone, states and products in words,
// Alipay's own Chinese terms beside the English.
import type { Schemas } from "./api";

// One fixed, locale-independent form for every time: "2026-12-06 11:50:31", in the
// operator's time zone (named in the footer), so a zh-CN browser shows the same as en-US.
const parts = new Intl.DateTimeFormat("en-US", {
  year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23",
});

export const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

export function when(t: string | undefined): string {
  if (!t) return "—";
  const d = new Date(t);
  if (Number.isNaN(d.getTime())) return t;
  const p = Object.fromEntries(parts.formatToParts(d).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
}

// parseWhen reads a time typed the way times are shown, "2026-12-06 11:50" (seconds and
// the time optional), in the operator's time zone, as RFC 3339; it throws, in words, on
// anything else. (A datetime-local input would show the browser's own date format.)
export function parseWhen(text: string): string {
  const m = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/.exec(text.trim());
  const d = m ? new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)) : undefined;
  if (!m || !d || Number.isNaN(d.getTime()) || d.getMonth() !== Number(m[2]) - 1 || d.getDate() !== Number(m[3])) {
    throw new Error("Write a time like 2026-12-06 11:50.");
  }
  return d.toISOString();
}

export const channelTypes: Record<Exclude<Schemas["v1ChannelType"], "CHANNEL_TYPE_UNSPECIFIED">, string> = {
  CHANNEL_TYPE_ALIPAY_LIFE_ACCOUNT: "生活号 Life Account",
  CHANNEL_TYPE_ALIPAY_MINI_PROGRAM: "小程序 Mini program (订阅消息 subscription messages)",
  CHANNEL_TYPE_ALIPAY_PLUS_MINI_PROGRAM: "Alipay+ mini program",
};

export function channelType(t: Schemas["v1ChannelType"] | undefined): string {
  return t && t !== "CHANNEL_TYPE_UNSPECIFIED" ? channelTypes[t] : "—";
}

// state turns "MESSAGE_STATE_SENT" into "Sent".
export function state(s: string | undefined): string {
  if (!s) return "—";
  const word = s.replace(/^[A-Z]+(_[A-Z]+)*?_STATE_/, "").replace(/^(SUBSCRIPTION_KIND|SUBSCRIPTION_TYPE|MESSAGE_CATEGORY)_/, "");
  return word.charAt(0) + word.slice(1).toLowerCase().replace(/_/g, " ");
}

// tone is the badge colour of a state: good, bad, waiting or neutral.
export function tone(s: string | undefined): "good" | "bad" | "wait" | "off" {
  if (!s) return "off";
  if (/_(ENABLED|ACTIVE|SENT|SUCCEEDED|COMPLETED)$/.test(s)) return "good";
  if (/_(AUTH_FAILED|FAILED|INVALID|EXPIRED|REJECTED)$/.test(s)) return "bad";
  if (/_(QUEUED|SENDING|UNVERIFIED|PENDING|SCHEDULED|RUNNING|PAUSED)$/.test(s)) return "wait";
  return "off";
}

export function user(u: Schemas["v1User"] | undefined): string {
  return u?.userId ?? u?.openId ?? u?.customerId ?? "—";
}

export function alipayError(e: Schemas["v1AlipayError"] | undefined): string {
  if (!e) return "";
  return [e.code, e.msg, e.subCode, e.subMsg].filter(Boolean).join(" · ");
}

// parseDuration reads a Go-style duration ("1h", "30m", "1h30m", "90s", "1.5h", "500ms")
// as protobuf JSON ("5400s"); it throws, in words, on anything else.
export function parseDuration(text: string): string {
  const s = text.trim().replace(/\s+/g, "");
  const unit: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 0.001 };
  if (s === "0") return "0s";
  if (!/^(\d+(\.\d+)?(h|ms|m|s))+$/.test(s)) {
    throw new Error("Write a duration like 1h, 30m, 1h30m or 90s.");
  }
  let seconds = 0;
  for (const [, n, , u] of s.matchAll(/(\d+(\.\d+)?)(h|ms|m|s)/g)) seconds += Number(n) * unit[u!]!;
  return `${Number(seconds.toFixed(3))}s`;
}

// duration shows a protobuf JSON duration ("5400s") the way it is typed: "1h30m".
export function duration(d: string | undefined): string {
  const m = /^(\d+(?:\.\d+)?)s$/.exec(d ?? "");
  if (!m) return d ?? "";
  let n = Number(m[1]);
  const h = Math.floor(n / 3600); n -= h * 3600;
  const min = Math.floor(n / 60); n -= min * 60;
  const sec = Number(n.toFixed(3));
  return `${h ? h + "h" : ""}${min ? min + "m" : ""}${sec || (!h && !min) ? sec + "s" : ""}`;
}

// latency shows how long a call took ("0.003029s") as "3 ms" or "1.25 s".
export function latency(d: string | undefined): string {
  const m = /^(\d+(?:\.\d+)?)s$/.exec(d ?? "");
  if (!m) return d ?? "";
  const s = Number(m[1]);
  return s < 1 ? `${Math.max(1, Math.round(s * 1000))} ms` : `${s.toFixed(2)} s`;
}
