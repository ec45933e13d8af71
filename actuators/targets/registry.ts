import type { Target } from '../../core/actuator.js';
import type { Clock } from '../../core/clock.js';
import type { Logger } from '../../core/logger.js';
import type { TargetConfig, TargetConfigOf, TargetKind } from '../config.js';
import { KubernetesTarget } from './kubernetes/kubernetes-target.js';
import { NginxTarget } from './nginx/nginx-target.js';
import { RedisTarget } from './redis/redis-target.js';
import { WebhookTarget } from './webhook/webhook-target.js';

/** What every target factory receives besides its validated config entry. */
export interface TargetDeps {
  logger: Logger;
  clock: Clock;
}

export type TargetFactory<K extends TargetKind> = (config: TargetConfigOf<K>, deps: TargetDeps) => Target;

/** Every target kind, sorted by type id. Adding a kind is adding a line here and a config.ts. */
export const TARGET_FACTORIES: { readonly [K in TargetKind]: TargetFactory<K> } = {
  kubernetes: (config, deps) => new KubernetesTarget(config, deps),
  nginx: (config, deps) => new NginxTarget(config, deps),
  redis: (config, deps) => new RedisTarget(config, deps),
  webhook: (config, deps) => new WebhookTarget(config, deps),
};

/** Builds the target a validated config entry describes. */
export function createTarget(config: TargetConfig, deps: TargetDeps): Target {
  const factory = TARGET_FACTORIES[config.kind] as TargetFactory<TargetKind>;
  return factory(config as TargetConfigOf<TargetKind>, deps);
}
