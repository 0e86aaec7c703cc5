/**
 * Dragging the matrix pans it: a press that moves more than a few pixels is a drag (and no
 * click); until then the press may still be a click on a cell or a label.
 */
export interface Pan {
  x: number;
  y: number;
}

/** How far (|dx| + |dy|, CSS pixels) a press moves before it is a drag. */
const DRAG_SLOP = 3;

export class DragPan {
  private drag: { x: number; y: number; panX: number; panY: number; moved: boolean } | null = null;

  /** A press at the pointer, with the pan it starts from. */
  press(e: PointerEvent, pan: Pan): void {
    this.drag = { x: e.offsetX, y: e.offsetY, panX: pan.x, panY: pan.y, moved: false };
  }

  /** The pan the pointer dragged to; undefined when no drag is under way (hover instead). */
  move(e: PointerEvent): Pan | undefined {
    const drag = this.drag;
    if (!drag) return undefined;
    const dx = e.offsetX - drag.x;
    const dy = e.offsetY - drag.y;
    if (Math.abs(dx) + Math.abs(dy) > DRAG_SLOP) drag.moved = true;
    return drag.moved ? { x: drag.panX + dx, y: drag.panY + dy } : undefined;
  }

  /** The press ended: whether it was a click (it did not drag). */
  release(): boolean {
    const drag = this.drag;
    this.drag = null;
    return !drag?.moved;
  }
}
