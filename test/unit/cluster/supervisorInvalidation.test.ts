import { EventEmitter } from 'node:events';
import type { Worker } from 'node:cluster';
import { SupervisorHub } from '../../../src/cluster';
import type { SupervisorToWorker } from '../../../src/cluster/messages';

/** A cluster worker as the hub sees it: messages in through 'message', out through `send`. */
function fakeWorker(id: number): { worker: Worker; sent: SupervisorToWorker[]; say(message: unknown): void } {
  const events = new EventEmitter();
  const sent: SupervisorToWorker[] = [];
  const worker = {
    id,
    on: (event: string, listener: (...args: unknown[]) => void) => events.on(event, listener),
    isConnected: () => true,
    send: (message: SupervisorToWorker, callback?: () => void) => {
      sent.push(message);
      callback?.();
      return true;
    },
  } as unknown as Worker;
  return { worker, sent, say: (message) => events.emit('message', message) };
}

const marks = (w: { sent: SupervisorToWorker[] }) => w.sent.filter((m) => m.type === 'junction:mark');
const answers = (w: { sent: SupervisorToWorker[] }) => w.sent.filter((m) => m.type === 'junction:invalidated');
const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('the supervisor relays an invalidation to the other workers', () => {
  it('asks every other worker to write the markers and answers once all have; a worker that exits meanwhile counts as done', async () => {
    const hub = new SupervisorHub(3, false);
    const [a, b, c] = [fakeWorker(1), fakeWorker(2), fakeWorker(3)];
    for (const w of [a, b, c]) hub.adopt(w.worker);
    a.say({ type: 'junction:invalidate', requestId: 7, tags: ['s:products'], at: 1234 });
    expect(marks(a)).toEqual([]);
    expect(marks(b)).toEqual([expect.objectContaining({ tags: ['s:products'], at: 1234 })]);
    expect(marks(c)).toHaveLength(1);
    const requestId = (marks(b)[0] as { requestId: number }).requestId;
    b.say({ type: 'junction:marked', requestId, ok: true });
    await tick();
    expect(answers(a)).toEqual([]);
    await hub.exited(c.worker);
    await tick();
    expect(answers(a)).toEqual([{ type: 'junction:invalidated', requestId: 7, ok: true }]);
  });

  it('answers not ok when a worker could not write a marker', async () => {
    const hub = new SupervisorHub(2, false);
    const [a, b] = [fakeWorker(1), fakeWorker(2)];
    for (const w of [a, b]) hub.adopt(w.worker);
    a.say({ type: 'junction:invalidate', requestId: 1, tags: ['t:Product'], at: 1 });
    b.say({ type: 'junction:marked', requestId: (marks(b)[0] as { requestId: number }).requestId, ok: false });
    await tick();
    expect(answers(a)).toEqual([{ type: 'junction:invalidated', requestId: 1, ok: false }]);
  });
});
