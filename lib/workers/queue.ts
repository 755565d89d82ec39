// The pool's queue of subtasks waiting for a free worker. First in, first out across calls, so a
// later call cannot starve an earlier one; an aborted call takes its waiting subtasks out.

export interface Queued {
  readonly task: object;
}

export interface TaskQueue<T extends Queued> {
  readonly size: number;
  push(item: T): void;
  shift(): T | undefined;
  /** Takes out and returns every waiting item of `task`. */
  removeTask(task: object): T[];
}

export class FifoTaskQueue<T extends Queued> implements TaskQueue<T> {
  private items: T[] = [];

  get size(): number {
    return this.items.length;
  }

  push(item: T): void {
    this.items.push(item);
  }

  shift(): T | undefined {
    return this.items.shift();
  }

  removeTask(task: object): T[] {
    const removed = this.items.filter((item) => item.task === task);
    if (removed.length > 0) this.items = this.items.filter((item) => item.task !== task);
    return removed;
  }
}
