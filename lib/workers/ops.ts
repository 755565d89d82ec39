// Every operation a part can run, by name: what a worker looks up for each message, and what a
// sync call runs on its own thread when a phase has a single part.
import { argsortOps } from './argsort.js';
import { matmulOps } from './matmul.js';
import { presortedOps } from './presorted.js';
import { recordOps } from './records.js';
import { sortOps } from './sort.js';

export const OPS = { ...presortedOps, ...recordOps, ...sortOps, ...argsortOps, ...matmulOps };

export type OpName = keyof typeof OPS;
