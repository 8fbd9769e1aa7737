import { describe, expect, it } from 'vitest';
import { decodeMessage, encodeMessage } from '../../../src/bgp/wire/message.js';
import { FIXTURES } from './fixtures.js';
import { hex } from './helpers.js';

describe('message fixtures', () => {
  for (const f of FIXTURES) {
    describe(f.name, () => {
      it('decodes', () => {
        const r = decodeMessage(hex(f.hex), f.ctx);
        expect(r).toEqual({ ok: true, value: f.object, errors: [] });
      });
      if (!f.decodeOnly) {
        it('encodes', () => {
          expect(encodeMessage(f.object, f.ctx).toString('hex')).toBe(hex(f.hex).toString('hex'));
        });
      }
      it('round-trips', () => {
        const again = decodeMessage(encodeMessage(f.object, f.ctx), f.ctx);
        expect(again).toEqual({ ok: true, value: f.object, errors: [] });
      });
    });
  }
});
