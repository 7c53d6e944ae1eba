// How values read: times in the operator's own time zone, states and products in words,
// Alipay's own Chinese terms beside the English.
import type { Schemas } from "./api";

const dateTime = new Intl.DateTimeFormat(undefined, {
  year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", second: "2-digit",
});

export const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

export function when(t: string | undefined): string {
  if (!t) return "—";
  const d = new Date(t);
  return Number.isNaN(d.getTime()) ? t : dateTime.format(d);
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
