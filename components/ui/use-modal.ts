"use client";
// What makes an element modal while `open` — what the native <dialog>'s showModal() does, for an
// element that is something else when closed (the console's phone menu is its sidebar on wide screens):
//   - everything outside it is inert: out of reach of Tab, pointer and assistive technology;
//   - the page under it does not scroll, and does not move when a scrollbar goes away;
//   - Tab and Shift+Tab go round its controls instead of leaving it.
// The element itself says what it is (role="dialog", aria-modal, a name) and where focus goes on open.
import { useEffect, type RefObject } from "react";

const FOCUSABLE =
  "a[href], button:not(:disabled), input:not(:disabled):not([type=hidden]), select:not(:disabled), textarea:not(:disabled), summary, [tabindex]";

/** The controls Tab stops at inside `root`, in document order. */
export function tabStops(root: HTMLElement): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>(FOCUSABLE)].filter(
    (el) => el.tabIndex >= 0 && el.checkVisibility() && !el.closest("[inert]"),
  );
}

// Not content: left as they are. Next's route announcer stays live, so a page change is still announced.
const NOT_CONTENT = new Set(["SCRIPT", "STYLE", "TEMPLATE", "LINK", "META", "NEXT-ROUTE-ANNOUNCER"]);

/** Makes inert every element beside `el` and beside each of its ancestors up to <body>; returns the undo. */
function inertOutside(el: HTMLElement): () => void {
  const made: HTMLElement[] = [];
  for (let node: HTMLElement = el; node.parentElement && node !== document.body; node = node.parentElement) {
    for (const sibling of node.parentElement.children) {
      if (sibling === node || !(sibling instanceof HTMLElement) || sibling.inert || NOT_CONTENT.has(sibling.tagName)) continue;
      sibling.inert = true;
      made.push(sibling);
    }
  }
  return () => made.forEach((s) => (s.inert = false));
}

/** Stops the page scrolling; a classic scrollbar's room becomes padding, so nothing moves. Returns the undo. */
function lockScroll(): () => void {
  const html = document.documentElement;
  const scrollbar = window.innerWidth - html.clientWidth;
  const before = { overflow: html.style.overflow, paddingRight: html.style.paddingRight };
  html.style.overflow = "hidden";
  if (scrollbar > 0) html.style.paddingRight = `${scrollbar}px`;
  return () => Object.assign(html.style, before);
}

export function useModal(ref: RefObject<HTMLElement | null>, open: boolean): void {
  useEffect(() => {
    const el = ref.current;
    if (!open || !el) return;
    const restore = inertOutside(el);
    const unlock = lockScroll();
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== "Tab" || e.defaultPrevented) return;
      const stops = tabStops(el);
      const first = stops[0];
      const last = stops[stops.length - 1];
      if (!first || !last) return e.preventDefault();
      const active = document.activeElement;
      const outside = !el.contains(active);
      if (e.shiftKey && (active === first || outside)) {
        e.preventDefault();
        last.focus();
      } else if (!e.shiftKey && (active === last || outside)) {
        e.preventDefault();
        first.focus();
      }
    };
    document.addEventListener("keydown", onKey);
    return () => {
      document.removeEventListener("keydown", onKey);
      unlock();
      restore();
    };
  }, [ref, open]);
}
