// How long a finger rests on a cell or a date before it starts a drag:
// about the platform's long press, so a thumb that rests a moment before
// it swipes still scrolls the page. Shared by the grid and the calendar.

export const HOLD_MS = 480;
/** px a finger may wander while holding; further, and it is scrolling. */
export const SLOP = 10;
