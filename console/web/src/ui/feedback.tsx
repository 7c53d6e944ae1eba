// Errors, empty states and state badges: what went wrong in words, what to do next.
import type { ComponentChildren } from "preact";
import { ApiError } from "../api";
import { state, tone } from "../format";
import { fieldNames } from "./labels";

// The one headline of a refused form; the objections are at their fields.
export const REFUSED = "Reach did not accept this: see the fields marked below.";

// fieldWords turns a violation's field path into words: "delivery_policy.quiet_hours.start"
// → "Delivery policy › quiet hours › start".
export function fieldWords(f: string): string {
  if (fieldNames[f]) return fieldNames[f];
  const words = f.split(".").map((p) => p.replace(/\[(\d+)\]/g, (_, n: string) => ` ${Number(n) + 1}`).replace(/\[([^\]]+)\]/g, " $1").replace(/_/g, " "));
  const out = words.join(" › ");
  return out.charAt(0).toUpperCase() + out.slice(1);
}

export function ErrorBanner({ error, shown = [] }: { error: unknown; shown?: string[] }) {
  if (!error) return null;
  const e = error instanceof Error ? error : new Error(String(error));
  const api = e instanceof ApiError ? e : undefined;
  // Violations of fields the form shows are shown there, never again here; the rest are
  // listed here in words.
  const fields = Object.entries(api?.fields ?? {});
  const rest = fields.filter(([f]) => !shown.includes(f));
  const message = fields.length === 0 ? e.message : rest.length < fields.length ? REFUSED : "Reach did not accept this:";
  return (
    <div class="banner error" role="alert">
      <p>{message}</p>
      {api?.alipay && <p class="mono">{api.alipay}</p>}
      {rest.length > 0 && (
        <ul>{rest.map(([f, d]) => <li key={f}><strong>{fieldWords(f)}</strong>: {d}</li>)}</ul>
      )}
    </div>
  );
}

export function Notice({ children }: { children: ComponentChildren }) {
  return <div class="banner ok" role="status">{children}</div>;
}

export function Empty({ title, children }: { title: string; children?: ComponentChildren }) {
  return (
    <div class="empty">
      <p class="empty-title">{title}</p>
      {children && <div class="empty-next">{children}</div>}
    </div>
  );
}

export function Badge({ value }: { value: string | undefined }) {
  return <span class={"badge " + tone(value)}>{state(value)}</span>;
}

export function Loading() {
  return <p class="loading" role="status">Loading…</p>;
}
