// Errors, empty states and state badges: what went wrong in words, what to do next.
import type { ComponentChildren } from "preact";
import { useLayoutEffect, useRef, useState } from "preact/hooks";
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
  const ref = useRef<HTMLDivElement>(null);
  const [marked, setMarked] = useState<string[]>([]);
  const e = error instanceof Error ? error : new Error(String(error));
  const api = e instanceof ApiError ? e : undefined;
  const fields = Object.entries(api?.fields ?? {});
  // Besides the fields the form names, any input of the banner's form that shows its
  // violation (aria-invalid) counts as shown; read after the fields have rendered.
  useLayoutEffect(() => {
    const form = ref.current?.closest("form");
    const found = form ? fields.map(([f]) => f).filter((f) => form.querySelector(`[name="${CSS.escape(f)}"][aria-invalid="true"]`)) : [];
    if (found.join() !== marked.join()) setMarked(found);
  }, [error]);
  if (!error) return null;
  // Violations shown at their fields are never repeated here; the rest are listed in words.
  const rest = fields.filter(([f]) => !shown.includes(f) && !marked.includes(f));
  const message = fields.length === 0 ? e.message : rest.length < fields.length ? REFUSED : "Reach did not accept this:";
  return (
    <div class="banner error" role="alert" ref={ref}>
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
