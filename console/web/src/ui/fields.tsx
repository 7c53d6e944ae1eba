// Form fields that show the server's words at the field: a BadRequest violation for
// "open_platform.app_private_key" appears under the input named so, is announced to screen
// readers (aria-describedby) and marks the input invalid.
import type { ComponentChildren } from "preact";
import { useId } from "preact/hooks";

export type Errors = Record<string, string>;

interface Base {
  name: string;
  label: ComponentChildren;
  hint?: ComponentChildren;
  errors?: Errors;
  required?: boolean;
}

function Wrap(p: Base & { id: string; children: ComponentChildren }) {
  const err = p.errors?.[p.name];
  return (
    <div class={"field" + (err ? " invalid" : "")}>
      <label for={p.id}>
        {p.label}
        {p.required && <span class="req" aria-hidden="true"> *</span>}
      </label>
      {p.children}
      {p.hint && <p class="hint" id={p.id + "-hint"}>{p.hint}</p>}
      {err && <p class="field-error" id={p.id + "-err"} role="alert">{err}</p>}
    </div>
  );
}

function describedBy(id: string, p: Base): string | undefined {
  const ids = [p.hint ? id + "-hint" : "", p.errors?.[p.name] ? id + "-err" : ""].filter(Boolean);
  return ids.length ? ids.join(" ") : undefined;
}

export function Text(p: Base & { value: string; onInput: (v: string) => void; type?: string; placeholder?: string; autocomplete?: string }) {
  const id = useId();
  return (
    <Wrap {...p} id={id}>
      <input id={id} name={p.name} type={(p.type ?? "text") as "text"} value={p.value} placeholder={p.placeholder}
        required={p.required} autocomplete={p.autocomplete ?? "off"} aria-invalid={p.errors?.[p.name] ? true : undefined}
        aria-describedby={describedBy(id, p)} onInput={(e) => p.onInput(e.currentTarget.value)} />
    </Wrap>
  );
}

export function Area(p: Base & { value: string; onInput: (v: string) => void; rows?: number; placeholder?: string; mono?: boolean }) {
  const id = useId();
  return (
    <Wrap {...p} id={id}>
      <textarea id={id} name={p.name} rows={p.rows ?? 6} value={p.value} placeholder={p.placeholder} required={p.required}
        class={p.mono ? "mono" : undefined} spellcheck={false} aria-invalid={p.errors?.[p.name] ? true : undefined}
        aria-describedby={describedBy(id, p)} onInput={(e) => p.onInput(e.currentTarget.value)} />
    </Wrap>
  );
}

export function Select<T extends string>(p: Base & { value: T; onChange: (v: T) => void; options: [T, string][] }) {
  const id = useId();
  return (
    <Wrap {...p} id={id}>
      <select id={id} name={p.name} value={p.value} aria-invalid={p.errors?.[p.name] ? true : undefined}
        aria-describedby={describedBy(id, p)} onChange={(e) => p.onChange(e.currentTarget.value as T)}>
        {p.options.map(([v, label]) => <option key={v} value={v}>{label}</option>)}
      </select>
    </Wrap>
  );
}

export function Check(p: { name: string; label: ComponentChildren; checked: boolean; onChange: (v: boolean) => void }) {
  const id = useId();
  return (
    <div class="check">
      <input id={id} type="checkbox" name={p.name} checked={p.checked} onChange={(e) => p.onChange(e.currentTarget.checked)} />
      <label for={id}>{p.label}</label>
    </div>
  );
}
