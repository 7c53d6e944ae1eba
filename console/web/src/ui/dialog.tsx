// A confirmation in a modal <dialog>: the browser handles focus and Escape.
import type { ComponentChildren } from "preact";
import { useEffect, useId, useRef } from "preact/hooks";

export function Confirm(p: {
  open: boolean;
  title: string;
  children?: ComponentChildren;
  confirm: string;
  danger?: boolean;
  disabled?: boolean;
  onConfirm: () => void;
  onClose: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (p.open && !d.open) d.showModal();
    if (!p.open && d.open) d.close();
  }, [p.open]);
  return (
    <dialog ref={ref} aria-labelledby={titleId} onClose={p.onClose}>
      <h2 id={titleId}>{p.title}</h2>
      {p.children}
      <div class="actions">
        <button type="button" onClick={p.onClose}>Keep it</button>
        <button type="button" class={p.danger ? "danger" : "primary"} disabled={p.disabled} onClick={p.onConfirm}>{p.confirm}</button>
      </div>
    </dialog>
  );
}
