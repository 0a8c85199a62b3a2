// Touch (the `touch:` variant, app/globals.css: the phone layout below `md`, or any coarse pointer): a
// control at least 44 × 44 CSS px, the size a fingertip needs (WCAG 2.5.5 Target Size, Apple's Human
// Interface Guidelines), its text where it was; with a mouse on a wider screen, laid out as before.
// For links and small buttons that stand on their own. Links inside a sentence stay as they are: WCAG
// exempts them (they are as tall as their line), and growing them would pull the lines apart.
export const TAP_TARGET = "touch:inline-flex touch:min-h-11 touch:min-w-11 touch:items-center";
