import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { llmConfigSchema } from '../config.js';
import { incidentFixtures } from '../testing/incident-fixtures.js';
import { runFixture } from '../testing/run-fixture.js';
import { LlmRewriter } from './llm-rewriter.js';

const API_KEY = 'sk-test-0123456789abcdef';
let server: Server;
let answer: { status: number; content?: string; hang?: boolean } = { status: 200, content: '' };
const requests: {
  auth: string | undefined;
  body: { model: string; messages: { role: string; content: string }[] };
}[] = [];
const logs: string[] = [];

/** A local OpenAI-compatible chat completions endpoint (POST /v1/chat/completions). */
beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/chat/completions') return void res.writeHead(404).end();
      requests.push({ auth: req.headers.authorization, body: JSON.parse(Buffer.concat(chunks).toString()) });
      const reply = (): void => {
        if (answer.status !== 200)
          return void res.writeHead(answer.status).end('{"error":{"message":"boom"}}');
        res.writeHead(200, { 'content-type': 'application/json' }).end(
          JSON.stringify({
            id: 'x',
            object: 'chat.completion',
            choices: [
              { index: 0, message: { role: 'assistant', content: answer.content }, finish_reason: 'stop' },
            ],
          }),
        );
      };
      // hang: never answer (the client's timeout fires); afterAll closes the connection.
      if (!answer.hang) reply();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
});
afterAll(() => {
  server.closeAllConnections();
  return new Promise<void>((resolve) => server.close(() => resolve()));
});

function rewriter(): LlmRewriter {
  const port = (server.address() as AddressInfo).port;
  const sink = new Writable({ write: (c: Buffer, _e, done) => (logs.push(c.toString()), done()) });
  return new LlmRewriter(
    llmConfigSchema.parse({
      mode: 'rewrite',
      baseUrl: `http://127.0.0.1:${port}/v1`,
      model: 'small-model',
      apiKey: API_KEY,
      timeoutMs: 1_500,
    }),
    pino({ level: 'debug' }, sink),
  );
}

const notice = runFixture(incidentFixtures()[0]!).notices.at(-1)!;
const draft = notice.notification.summary;
const signal = new AbortController().signal;

describe('LlmRewriter', () => {
  it('is off by default and then returns the template text untouched', async () => {
    const off = new LlmRewriter(llmConfigSchema.parse({}), pino({ level: 'silent' }));
    expect(await off.rewrite(draft, notice.facts, signal)).toEqual({ text: draft, outcome: 'off' });
  });

  it('accepts a rewrite whose every number is in the facts', async () => {
    answer = {
      status: 200,
      content:
        'Stripe card charges are slow: p95 latency peaked at 760 ms versus 180 ms normally (4.2×) from 14:05 UTC. Nothing else moved.',
    };
    const result = await rewriter().rewrite(draft, notice.facts, signal);
    expect(result).toEqual({ text: answer.content, outcome: 'accepted' });
    const request = requests.at(-1)!;
    expect(request.auth).toBe(`Bearer ${API_KEY}`);
    expect(request.body.model).toBe('small-model');
    expect(request.body.messages.map((m) => m.role)).toEqual(['system', 'user']);
    expect(request.body.messages[1]!.content).toContain(draft);
  });

  it.each([
    ['invents a number', 'p95 latency peaked at 800 ms, about 4.4 times normal.', 'rejected_numbers'],
    ['invents a time', 'It started at 13:55 UTC.', 'rejected_numbers'],
    ['says nothing', '   ', 'rejected_shape'],
  ])('falls back to the template when the rewrite %s', async (_what, content, outcome) => {
    answer = { status: 200, content };
    const result = await rewriter().rewrite(draft, notice.facts, signal);
    expect(result.text).toBe(draft);
    expect(result.outcome).toBe(outcome);
  });

  it.each([
    ['HTTP 500', { status: 500 }],
    ['a timeout', { status: 200, content: 'late', hang: true }],
  ])('falls back on %s, without leaking the key', async (_what, reply) => {
    answer = reply;
    const result = await rewriter().rewrite(draft, notice.facts, signal);
    expect(result).toEqual({ text: draft, outcome: 'failed' });
    expect(logs.join('\n')).not.toContain(API_KEY);
    expect(logs.join('\n')).toContain('LLM rewrite failed');
  });
});
