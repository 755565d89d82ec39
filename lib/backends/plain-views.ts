// The TypeScript kernels read an array's length, buffer and byteOffset as properties and tell
// element types apart with instanceof, which an array from another realm (vm, an iframe-like
// context), a subclass or a forged own property would get wrong. The native backend reads the
// internal slots through Node-API instead, so validation hands every backend the caller's arrays as
// they are (it checks them through the intrinsic getters), and this wrapper gives the TypeScript
// backends plain views of this realm over the same memory: the arrays themselves when they already are.
import { plainView } from '../validate.js';
import type { ArgsortJob, Backend, MatmulJob, SortJob } from './backend.js';

const matmulJob = (job: MatmulJob): MatmulJob => ({ ...job, a: plainView(job.a), b: plainView(job.b), out: plainView(job.out) });
const sortJob = (job: SortJob): SortJob => ({ ...job, array: plainView(job.array) });
const argsortJob = (job: ArgsortJob): ArgsortJob => ({ ...job, array: plainView(job.array), out: plainView(job.out) });

export function withPlainViews(backend: Backend): Backend {
  return {
    name: backend.name,
    matmulSync: (job) => backend.matmulSync(matmulJob(job)),
    matmul: (job, signal) => backend.matmul(matmulJob(job), signal),
    sortSync: (job) => backend.sortSync(sortJob(job)),
    sort: (job, signal) => backend.sort(sortJob(job), signal),
    argsortSync: (job) => backend.argsortSync(argsortJob(job)),
    argsort: (job, signal) => backend.argsort(argsortJob(job), signal),
  };
}
