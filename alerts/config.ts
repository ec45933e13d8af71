import { z } from 'zod';
import { slackBotConfigSchema } from './notifiers/slack-bot/config.js';
import { slackWebhookConfigSchema } from './notifiers/slack-webhook/config.js';
import { webhookNotifierConfigSchema } from './notifiers/webhook/config.js';
import { secretSchema } from './notifiers/common-config.js';

/** Alertmanager-style timing (defaults as Alertmanager's route defaults). */
export const alertsTimingSchema = z.strictObject({
  /** Wait this long after an incident opens before the first message (gathers the burst). */
  groupWaitSeconds: z.number().min(0).default(30),
  /** Least time between two messages about the same incident when it changed. */
  groupIntervalSeconds: z.number().min(1).default(300),
  /** Repeat an open, unchanged incident after this long. */
  repeatIntervalSeconds: z
    .number()
    .min(60)
    .default(4 * 3600),
  /** Resolve an incident after this long without a new anomaly. */
  resolveAfterSeconds: z.number().min(10).default(600),
});

/**
 * Severity from score and breadth: the strongest anomaly score sets the base level (info,
 * warning at `warningScore`, critical at `criticalScore`); breadth (endpoints or services
 * affected) raises it one level.
 */
export const alertsSeveritySchema = z.strictObject({
  warningScore: z.number().min(0).max(1).default(0.7),
  criticalScore: z.number().min(0).max(1).default(0.9),
  /** This many endpoints affected raises the severity one level. */
  breadthEndpoints: z.number().int().min(2).default(3),
  /** This many services affected raises the severity one level. */
  breadthServices: z.number().int().min(2).default(2),
});

export const notifierConfigSchema = z.discriminatedUnion('type', [
  slackBotConfigSchema,
  slackWebhookConfigSchema,
  webhookNotifierConfigSchema,
]);
export type NotifierConfig = z.infer<typeof notifierConfigSchema>;

/** Durable delivery (alerts/outbox): a SQLite file in the data dir. */
export const outboxConfigSchema = z.strictObject({
  /** Default `<dataDir>/alerts-outbox.sqlite`. */
  path: z.string().optional(),
  /** First retry delay; doubles per attempt (with jitter) up to `maxBackoffMs`. */
  initialBackoffMs: z.number().int().min(10).default(1_000),
  maxBackoffMs: z
    .number()
    .int()
    .min(100)
    .default(5 * 60_000),
  /** A message not delivered after this long is moved aside as dead (kept, counted). */
  maxAgeHours: z.number().min(0.01).default(24),
});

/**
 * Optional rewrite of the summary by an LLM through any OpenAI-compatible endpoint. Off by
 * default; the rewrite is used only when every number in it is in the incident's facts.
 */
export const llmConfigSchema = z
  .strictObject({
    mode: z.enum(['off', 'rewrite']).default('off'),
    /** e.g. https://api.openai.com/v1 or http://127.0.0.1:11434/v1 (POST {baseUrl}/chat/completions). */
    baseUrl: z.url({ protocol: /^https?$/ }).optional(),
    model: z.string().min(1).optional(),
    /** Bearer key, or `env:NAME`; optional for local servers. Never logged. */
    apiKey: secretSchema('apiKey').optional(),
    timeoutMs: z.number().int().min(100).default(15_000),
  })
  .refine((llm) => llm.mode === 'off' || (llm.baseUrl !== undefined && llm.model !== undefined), {
    message: 'mode "rewrite" needs baseUrl and model',
    path: ['mode'],
  });

/** Error-message template mining (Drain) over the samples collectors publish. */
export const errorTemplatesConfigSchema = z.strictObject({
  /** Parse-tree depth (Drain's `depth`; the first depth-2 tokens route a message). */
  depth: z.number().int().min(3).max(8).default(4),
  /** Share of equal tokens for a message to join a template. */
  similarity: z.number().min(0.1).max(1).default(0.5),
  maxChildren: z.number().int().min(2).default(100),
  /** Templates kept; the least recently seen is forgotten beyond this. */
  maxTemplates: z.number().int().min(10).default(1_000),
  /** Samples remembered for incident windows (a ring). */
  maxSamples: z.number().int().min(100).default(20_000),
  /** Samples accepted per second; the rest are dropped and counted. */
  maxSamplesPerSecond: z.number().int().min(1).default(500),
});

/** Configuration of `alerts/` (the `alerts:` section of the YAML file). */
export const alertsConfigSchema = z.strictObject({
  /**
   * Grouping keys, in order of preference: an anomaly is grouped by the first key set whose
   * tags it carries (default: by provider, else by service). `[["provider","service"]]` groups
   * per provider and service.
   */
  groupBy: z
    .array(z.array(z.string().min(1)).min(1))
    .min(1)
    .default([['provider'], ['service']]),
  timing: alertsTimingSchema.prefault({}),
  severity: alertsSeveritySchema.prefault({}),
  notifiers: z
    .array(notifierConfigSchema)
    .default([])
    .refine((list) => new Set(list.map((n) => n.name)).size === list.length, {
      message: 'notifier names must be unique',
    }),
  outbox: outboxConfigSchema.prefault({}),
  llm: llmConfigSchema.prefault({}),
  errorTemplates: errorTemplatesConfigSchema.prefault({}),
  /** Base URL of the Headroom dashboard for links in messages; default `api.publicUrl`. */
  dashboardUrl: z.url({ protocol: /^https?$/ }).optional(),
});

export type AlertsConfig = z.infer<typeof alertsConfigSchema>;
export type AlertsTiming = z.infer<typeof alertsTimingSchema>;
export type AlertsSeverityConfig = z.infer<typeof alertsSeveritySchema>;
export type LlmConfig = z.infer<typeof llmConfigSchema>;
export type ErrorTemplatesConfig = z.infer<typeof errorTemplatesConfigSchema>;
export type OutboxConfig = z.infer<typeof outboxConfigSchema>;
