import type { Logger } from "@tscni/skel";

/** What a failed ADD must take back, undone in reverse order; an undo that fails is logged, not thrown. */
export class UndoStack {
  private readonly steps: Array<() => Promise<unknown>> = [];
  constructor(private readonly log: Logger) {}

  push(step: () => Promise<unknown>): void {
    this.steps.push(step);
  }

  async run(): Promise<void> {
    for (const step of this.steps.reverse()) await step().catch((err) => this.log.warn(`undo after failed ADD: ${String(err)}`));
  }
}
