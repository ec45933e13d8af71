import { describe, expect, it } from 'vitest';
import { DrainMiner, tokenize } from './drain.js';

const options = { depth: 4, similarity: 0.5, maxChildren: 100, maxTemplates: 1_000 };

describe('tokenize', () => {
  it.each([
    ['card_declined for customer cus_9Xk2ab', 'card_declined for customer <*>'],
    ['connect ETIMEDOUT 54.172.60.1:443', 'connect ETIMEDOUT <*>'],
    ['upstream returned 502 after 3000ms', 'upstream returned 502 after <*>'],
    ['trace 4bf92f3577b34da6a3ce929d0e0e4736 failed', 'trace <*> failed'],
    ['request (7f3a19c2ef) still running', 'request (<*>) still running'],
  ])('%s', (message, masked) => {
    expect(tokenize(message).join(' ')).toBe(masked);
  });
});

describe('DrainMiner', () => {
  it('merges messages that differ in parameters into one template with <*>', () => {
    const miner = new DrainMiner(options);
    const a = miner.add('login failed for user alice in tenant red');
    const b = miner.add('login failed for user bob in tenant blue');
    expect(b.id).toBe(a.id);
    expect(b.template).toBe('login failed for user <*> in tenant <*>');
    expect(b.count).toBe(2);
  });

  it('keeps different messages apart (below the similarity threshold)', () => {
    const miner = new DrainMiner(options);
    const a = miner.add('payment gateway timeout on charge');
    const b = miner.add('payment method expired for card');
    expect(b.id).not.toBe(a.id);
    expect(miner.size).toBe(2);
  });

  it('routes by length and first tokens (fixed depth): different lengths never merge', () => {
    const miner = new DrainMiner(options);
    const a = miner.add('cache miss for key');
    const b = miner.add('cache miss for key again');
    expect(b.id).not.toBe(a.id);
  });

  it('bounds memory: beyond maxTemplates the least recently used template is forgotten', () => {
    const miner = new DrainMiner({ ...options, maxTemplates: 10 });
    const first = miner.add('alpha one message');
    const word = (n: number): string =>
      String.fromCharCode(97 + (n % 26)) + String.fromCharCode(97 + Math.floor(n / 26));
    for (let i = 0; i < 30; i++) miner.add(`${word(i)} ${word(i + 40)} ${word(i + 80)} fails`);
    expect(miner.size).toBe(10);
    expect(miner.evictedCount).toBeGreaterThan(0);
    expect(miner.template(first.id)).toBeUndefined();
  });

  it('uses the <*> branch once a node has maxChildren children', () => {
    const miner = new DrainMiner({ ...options, maxChildren: 3 });
    for (const word of ['aa', 'bb', 'cc', 'dd', 'ee']) miner.add(`${word} failed to connect`);
    // dd and ee overflow into the wildcard branch and share it; templates stay correct.
    const t = miner.add('ff failed to connect');
    expect(t.template).toBe('<*> failed to connect');
  });
});
