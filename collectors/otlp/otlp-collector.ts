import { join } from 'node:path';
import type { Clock } from '../../core/clock.js';
import type { Component } from '../../core/component.js';
import type { ErrorSampleSink } from '../../core/error-samples.js';
import type { Logger } from '../../core/logger.js';
import type { Sink } from '../../core/store.js';
import { CallTagger } from '../call-tagger.js';
import { ErrorSampler, noopErrorSampleSink } from '../error-sampler.js';
import { Rollup } from '../rollup.js';
import type { RollupConfig } from '../rollup-config.js';
import type { OtlpConfig } from './config.js';
import { MetricMapper } from './metric-mapper.js';
import { OtlpReceiver } from './otlp-receiver.js';
import { TraceMapper } from './trace-mapper.js';

export interface OtlpCollectorOptions {
  otlp: OtlpConfig;
  rollup: RollupConfig;
  /** This daemon's instance name; the collector tag is `otlp:<instance>`. */
  instance: string;
  sink: Sink;
  clock: Clock;
  logger: Logger;
  errorSamples?: ErrorSampleSink;
  /** Directory for the rollup watermark (restarts never rewrite a written point). */
  stateDir?: string;
}

/**
 * The OTLP collector: receiver → trace/metric mappers → rollup → sink. Its components start
 * rollup first and receiver second, so they stop receiver first (no new data), then rollup
 * (writes everything it holds).
 */
export class OtlpCollector {
  readonly rollup: Rollup;
  readonly receiver: OtlpReceiver;
  readonly components: readonly Component[];

  constructor(options: OtlpCollectorOptions) {
    const collector = `otlp:${options.instance}`;
    const { clock, logger } = options;
    this.rollup = new Rollup({
      config: options.rollup,
      collector,
      sink: options.sink,
      clock,
      logger,
      ...(options.stateDir ? { stateFile: join(options.stateDir, 'otlp-rollup.json') } : {}),
    });
    const tagger = new CallTagger(options.rollup);
    const maxTagValueLength = options.rollup.maxTagValueLength;
    const errors = new ErrorSampler(
      options.rollup.errorSamples,
      options.errorSamples ?? noopErrorSampleSink,
      clock,
      collector,
    );
    this.receiver = new OtlpReceiver({
      config: options.otlp,
      rollup: this.rollup,
      traces: new TraceMapper({ rollup: this.rollup, tagger, errors, maxTagValueLength }),
      metrics: new MetricMapper({
        rollup: this.rollup,
        tagger,
        maxTagValueLength,
        listeningSinceMs: clock.now(),
      }),
      clock,
      logger,
    });
    this.components = [this.rollup, this.receiver];
  }
}
