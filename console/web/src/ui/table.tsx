// A table that scrolls sideways on a narrow screen. The scrolling region can take the
// keyboard's focus and is named, so it can be scrolled without a mouse.
import type { ComponentChildren } from "preact";

export function TableWrap({ label, children }: { label: string; children: ComponentChildren }) {
  return (
    <div class="table-wrap" role="region" aria-label={label} tabIndex={0}>
      <table>
        <caption class="sr-only">{label}</caption>
        {children}
      </table>
    </div>
  );
}
