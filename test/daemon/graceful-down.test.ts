/** RFC 8538 §4: which NOTIFICATIONs keep a peer's routes stale once both sides set the N bit. */
import { describe, expect, it } from 'vitest';
import { gracefulNotification } from '../../src/daemon/gateway.js';

const n = (code: number, subcode: number) => ({ code, subcode, data: Buffer.alloc(0) });

describe('gracefulNotification', () => {
  it('a NOTIFICATION sent or received is graceful, a Hard Reset is not', () => {
    expect(gracefulNotification({ kind: 'notification-received', notification: n(6, 2) })).toBe(true);
    expect(gracefulNotification({ kind: 'notification-received', notification: n(6, 4) })).toBe(true);
    expect(gracefulNotification({ kind: 'notification-sent', notification: n(3, 9) })).toBe(true);
    expect(gracefulNotification({ kind: 'notification-received', notification: n(6, 9) })).toBe(false);
    expect(gracefulNotification({ kind: 'notification-sent', notification: n(6, 9) })).toBe(false);
  });

  it('a session we stopped (shutdown, de-configuration) is not a restart', () => {
    expect(gracefulNotification({ kind: 'stopped', notification: n(6, 3) })).toBe(false);
    expect(gracefulNotification({ kind: 'stopped', notification: n(6, 2) })).toBe(false);
  });
});
