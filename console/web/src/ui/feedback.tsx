// Errors, empty states and state badges: what went wrong in words, what to do next.
import type { ComponentChildren } from "preact";
import { ApiError } from "../api";
import { state, tone } from "../format";
import { fieldNames } from "./labels";

export function ErrorBanner({ error, shown = [] }: { error: unknown; shown?: string[] }) {
  if (!error) return null;
  const e = error instanceof Error ? error : new Error(String(error));
  const api = e instanceof ApiError ? e : undefined;
  // Violations of fields the form shows are shown there; the rest are listed here.
  const fields = Object.entries(api?.fields ?? {});
  const rest = fields.filter(([f]) => !shown.includes(f));
  // When every objection is shown at its field, the banner only points there.
  const message = fields.length > 0 && rest.length === 0
    ? (fields.length === 1 ? "Reach did not accept this: see the field marked below." : "Reach did not accept this: see the fields marked below.")
    : e.message;
  return (
    <div class="banner error" role="alert">
      <p>{message}</p>
      {api?.alipay && <p class="mono">{api.alipay}</p>}
      {rest.length > 0 && (
        <ul>{rest.map(([f, d]) => <li key={f}><strong>{fieldNames[f] ?? f}</strong>: {d}</li>)}</ul>
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
