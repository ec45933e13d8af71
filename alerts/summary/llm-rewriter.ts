import type { Counter } from '@opentelemetry/api';
import { withTimeout } from '../abort.js';
import { errorMessage } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import { redactSecrets } from '../../core/redact.js';
import { getMeter } from '../../core/telemetry.js';
import type { LlmConfig } from '../config.js';
import type { IncidentFacts } from '../incidents/facts.js';
import { checkNumbers } from './number-checker.js';

export type RewriteOutcome = 'off' | 'accepted' | 'rejected_numbers' | 'rejected_shape' | 'failed';

export interface RewriteResult {
  /** The text to send: the rewrite when accepted, otherwise the template summary. */
  readonly text: string;
  readonly outcome: RewriteOutcome;
  /** Figures in the rewrite that the facts do not hold (when rejected for numbers). */
  readonly unknownNumbers?: readonly string[];
}

const MAX_REWRITE_CHARS = 2_500;

const SYSTEM_PROMPT = [
  'You rewrite incident summaries for on-call engineers reading Slack.',
  'Write at most 5 short, plain sentences: what is wrong, where, since when, how bad, the likely cause,',
  'what Headroom did and what it expects next. Use only the facts and the draft you are given.',
  'Never introduce a number that is not in the facts; copy figures exactly as the draft writes them.',
  'Keep text inside backticks verbatim. No headings, no lists, no emoji.',
].join(' ');

/**
 * Optional LLM rewrite of a summary through an OpenAI-compatible chat completions endpoint
 * (POST {baseUrl}/chat/completions). The rewrite is used only when every figure in it is in the
 * incident's facts (the same checker as the templates); otherwise, or on any failure, the
 * template text is used and the outcome counted. The API key never appears in logs or errors.
 */
export class LlmRewriter {
  private readonly outcomes: Counter;
  private readonly log: Logger;

  constructor(
    private readonly config: LlmConfig,
    logger: Logger,
  ) {
    this.log = logger.child({ component: 'alerts-llm' });
    this.outcomes = getMeter().createCounter('headroom_alerts_llm_rewrites', {
      description: 'LLM summary rewrites by outcome (accepted, rejected_numbers, rejected_shape, failed)',
    });
  }

  get enabled(): boolean {
    return this.config.mode === 'rewrite' && !!this.config.baseUrl && !!this.config.model;
  }

  async rewrite(draft: string, facts: IncidentFacts, signal: AbortSignal): Promise<RewriteResult> {
    if (!this.enabled) return { text: draft, outcome: 'off' };
    let content: string;
    try {
      content = await this.complete(draft, facts, signal);
    } catch (err) {
      this.log.warn(
        { err: redactSecrets(errorMessage(err), [this.config.apiKey]) },
        'LLM rewrite failed; sending the template summary',
      );
      return this.count({ text: draft, outcome: 'failed' });
    }
    const text = content.trim().replace(/\s+/g, ' ');
    if (text.length === 0 || text.length > MAX_REWRITE_CHARS)
      return this.count({ text: draft, outcome: 'rejected_shape' });
    const check = checkNumbers(text, facts);
    if (!check.ok) {
      this.log.info({ unknown: check.unknown.slice(0, 5) }, 'LLM rewrite rejected: numbers not in the facts');
      return this.count({ text: draft, outcome: 'rejected_numbers', unknownNumbers: check.unknown });
    }
    return this.count({ text, outcome: 'accepted' });
  }

  private count(result: RewriteResult): RewriteResult {
    this.outcomes.add(1, { outcome: result.outcome });
    return result;
  }

  private async complete(draft: string, facts: IncidentFacts, signal: AbortSignal): Promise<string> {
    const url = `${this.config.baseUrl!.replace(/\/+$/, '')}/chat/completions`;
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(this.config.apiKey ? { authorization: `Bearer ${this.config.apiKey}` } : {}),
      },
      body: JSON.stringify({
        model: this.config.model,
        temperature: 0,
        max_tokens: 400,
        messages: [
          { role: 'system', content: SYSTEM_PROMPT },
          {
            role: 'user',
            content: `Facts (JSON):\n${JSON.stringify(promptFacts(facts))}\n\nDraft:\n${draft}`,
          },
        ],
      }),
      signal: withTimeout(signal, this.config.timeoutMs),
    }).catch((err: unknown) => {
      const cause = (err as { cause?: { code?: string } }).cause?.code;
      throw new Error(`request failed${cause ? ` (${cause})` : ''}: ${(err as Error).name}`);
    });
    if (!response.ok) {
      await response.body?.cancel();
      throw new Error(`HTTP ${response.status}`);
    }
    const json = (await response.json()) as { choices?: { message?: { content?: unknown } }[] };
    const content = json.choices?.[0]?.message?.content;
    if (typeof content !== 'string') throw new Error('response has no choices[0].message.content');
    return content;
  }
}

/** The facts worth showing the model (no ids or bookkeeping), bounded in size. */
function promptFacts(facts: IncidentFacts): unknown {
  return {
    status: facts.status,
    severity: facts.severity,
    scope: facts.groupTags,
    startedUtc: new Date(facts.startedMs).toISOString(),
    durationMinutes: facts.durationMinutes,
    providers: facts.providers,
    services: facts.services,
    endpointCount: facts.endpointCount,
    series: facts.series.slice(0, 5).map((s) => ({
      signal: s.signal,
      tags: s.tags,
      peak: s.peak,
      normal: s.normal,
      ratio: s.ratio,
      unit: s.unit,
    })),
    cause: facts.cause?.kind,
    actions: facts.actions
      .slice(0, 3)
      .map((a) => ({ policy: a.policy, outcome: a.outcome, from: a.from, to: a.to, reasons: a.reasons })),
    forecast: facts.forecast,
    errors: facts.errors?.templates,
  };
}
