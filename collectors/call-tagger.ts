import { PathNormalizer } from './path-normalizer.js';
import { ProviderMatcher } from './provider-matcher.js';
import type { RollupConfig } from './rollup-config.js';

/**
 * The `provider` and `endpoint` rules every collector shares:
 * - provider: the first configured pattern matching the host, else `peer.service` (when the
 *   instrumentation named the peer), else the host itself;
 * - endpoint: the instrumentation's template (`url.template`, `http.route`), else, with
 *   `endpointFallback: normalized_path`, the path with ids replaced by `{id}`, else ''.
 */
export class CallTagger {
  private readonly providers: ProviderMatcher;
  private readonly paths = new PathNormalizer();
  private readonly fallback: RollupConfig['endpointFallback'];

  constructor(config: Pick<RollupConfig, 'providers' | 'endpointFallback'>) {
    this.providers = new ProviderMatcher(config.providers);
    this.fallback = config.endpointFallback;
  }

  provider(host: string, peerService = ''): string {
    if (host !== '') {
      const matched = this.providers.match(host);
      if (matched !== undefined) return matched;
    }
    if (peerService !== '') return this.providers.match(peerService) ?? peerService;
    return host;
  }

  endpoint(template: string, path: string): string {
    if (template !== '') return template;
    if (this.fallback === 'normalized_path' && path !== '') return this.paths.normalize(path);
    return '';
  }
}
