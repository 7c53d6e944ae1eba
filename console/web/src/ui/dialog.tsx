// A confirmation in a modal <dialog>: the browser handles focus and Escape.
import type { ComponentChildren } from "preact";
import { useEffect, useRef } from "preact/hooks";

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
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (p.open && !d.open) d.showModal();
    if (!p.open && d.open) d.close();
  }, [p.open]);
  return (
    <dialog ref={ref} aria-labelledby="dialog-title" onClose={p.onClose}>
      <h2 id="dialog-title">{p.title}</h2>
      {p.children}
      <div class="actions">
        <button type="button" onClick={p.onClose}>Keep it</button>
        <button type="button" class={p.danger ? "danger" : "primary"} disabled={p.disabled} onClick={p.onConfirm}>{p.confirm}</button>
      </div>
    </dialog>
  );
}
