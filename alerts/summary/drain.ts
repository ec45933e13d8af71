/**
 * Drain: online log template mining with a fixed-depth parse tree (He, Zhu, Zheng, Lyu,
 * "Drain: An Online Log Parsing Approach with Fixed Depth Tree", ICWS 2017), with the
 * refinements of the Drain3 library: token masking before parsing, `<*>` for parameters,
 * a bounded number of templates evicted least recently used.
 *
 * A message is split into tokens; the tree routes it by token count, then by its first
 * `depth - 2` tokens (a token with a digit goes to the `<*>` branch, as does any token once a
 * node has `maxChildren` children). The leaf holds templates of that shape; the message joins
 * the most similar one when the share of equal tokens reaches `similarity`, and the positions
 * that differ become `<*>`. Otherwise it starts a new template.
 */

export const WILDCARD = '<*>';

export interface DrainOptions {
  depth: number;
  similarity: number;
  maxChildren: number;
  maxTemplates: number;
  /** Tokens beyond this are dropped (bounds the work per message). */
  maxTokens?: number;
}

export interface DrainTemplate {
  readonly id: number;
  /** Tokens joined by single spaces, parameters as `<*>`. */
  readonly template: string;
  /** Messages matched since the template was created. */
  readonly count: number;
}

interface Cluster {
  id: number;
  tokens: string[];
  count: number;
  /** The leaf's id list the cluster is in (to remove it on eviction). */
  leafIds: number[];
}

interface Node {
  children: Map<string, Node>;
  clusterIds: number[];
}

/**
 * Masks that turn obvious parameters into `<*>` before parsing (Drain3 "masking"): ids and
 * numbers that would otherwise split one template into many.
 */
const MASKS: readonly RegExp[] = [
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
  /^\d{1,3}(\.\d{1,3}){3}(:\d+)?$/,
  /^0x[0-9a-f]+$/i,
  /^[0-9a-f]{12,}$/i,
  /^[-+]?\d+(\.\d+)?(ms|s|m|h|kb|mb|gb|%)?$/i,
  // Mixed identifiers such as cus_9Xk2ab or req-7f3a19 (letters and digits, 6+ characters).
  /^(?=[\w.:-]*\d)(?=[\w.:-]*[a-z])[\w.:-]{6,}$/i,
];

/** Splits and masks a message; punctuation around tokens is kept (it is part of the template). */
export function tokenize(message: string, maxTokens = 64): string[] {
  const tokens = message.trim().split(/\s+/).filter(Boolean).slice(0, maxTokens);
  return tokens.map((token) => {
    const bare = token.replace(/^[("'[{<]+|[)"'\]}>,;:.]+$/g, '');
    if (bare === '' || bare === WILDCARD) return token;
    // Short numbers such as HTTP statuses (502) carry meaning: keep them.
    if (/^\d{1,3}$/.test(bare)) return token;
    return MASKS.some((mask) => mask.test(bare)) ? token.replace(bare, WILDCARD) : token;
  });
}

const hasDigit = (token: string): boolean => /\d/.test(token);

export class DrainMiner {
  private readonly root: Node = { children: new Map(), clusterIds: [] };
  /** Insertion order is recency order (LRU): a match moves the cluster to the end. */
  private readonly clusters = new Map<number, Cluster>();
  private nextId = 1;
  private evicted = 0;

  constructor(private readonly options: DrainOptions) {
    if (options.depth < 3) throw new Error('Drain depth must be at least 3');
  }

  /** Adds a message; returns the template it joined or created. */
  add(message: string): DrainTemplate {
    const tokens = tokenize(message, this.options.maxTokens);
    const leaf = this.leafFor(tokens);
    const match = this.bestMatch(leaf, tokens);
    if (match) {
      match.count += 1;
      for (let i = 0; i < tokens.length; i++) {
        if (match.tokens[i] !== tokens[i]) match.tokens[i] = WILDCARD;
      }
      this.clusters.delete(match.id);
      this.clusters.set(match.id, match);
      return view(match);
    }
    const cluster: Cluster = { id: this.nextId++, tokens: [...tokens], count: 1, leafIds: leaf.clusterIds };
    leaf.clusterIds.push(cluster.id);
    this.clusters.set(cluster.id, cluster);
    this.evictBeyondLimit();
    return view(cluster);
  }

  /** The current template of a cluster id (templates generalise as messages arrive). */
  template(id: number): DrainTemplate | undefined {
    const cluster = this.clusters.get(id);
    return cluster ? view(cluster) : undefined;
  }

  get size(): number {
    return this.clusters.size;
  }

  /** Templates forgotten to stay within `maxTemplates`. */
  get evictedCount(): number {
    return this.evicted;
  }

  private leafFor(tokens: readonly string[]): Node {
    let node = this.child(this.root, `#${tokens.length}`, true);
    const routed = Math.min(this.options.depth - 2, tokens.length);
    for (let i = 0; i < routed; i++) {
      const token = tokens[i]!;
      const key = hasDigit(token) ? WILDCARD : token;
      const existing = node.children.get(key);
      if (existing) node = existing;
      else if (node.children.size < this.options.maxChildren - (node.children.has(WILDCARD) ? 0 : 1)) {
        node = this.child(node, key, true);
      } else node = this.child(node, WILDCARD, true);
    }
    return node;
  }

  private child(node: Node, key: string, create: boolean): Node {
    let next = node.children.get(key);
    if (!next && create) {
      next = { children: new Map(), clusterIds: [] };
      node.children.set(key, next);
    }
    return next!;
  }

  private bestMatch(leaf: Node, tokens: readonly string[]): Cluster | undefined {
    let best: Cluster | undefined;
    let bestSimilarity = -1;
    let bestParams = -1;
    for (const id of leaf.clusterIds) {
      const cluster = this.clusters.get(id);
      if (!cluster || cluster.tokens.length !== tokens.length) continue;
      let equal = 0;
      let params = 0;
      for (let i = 0; i < tokens.length; i++) {
        if (cluster.tokens[i] === WILDCARD) params += 1;
        else if (cluster.tokens[i] === tokens[i]) equal += 1;
      }
      const similarity = tokens.length === 0 ? 1 : equal / tokens.length;
      if (similarity > bestSimilarity || (similarity === bestSimilarity && params > bestParams)) {
        best = cluster;
        bestSimilarity = similarity;
        bestParams = params;
      }
    }
    return best && bestSimilarity >= this.options.similarity ? best : undefined;
  }

  private evictBeyondLimit(): void {
    while (this.clusters.size > this.options.maxTemplates) {
      const oldest = this.clusters.values().next().value as Cluster;
      this.clusters.delete(oldest.id);
      const index = oldest.leafIds.indexOf(oldest.id);
      if (index >= 0) oldest.leafIds.splice(index, 1);
      this.evicted += 1;
    }
  }
}

function view(cluster: Cluster): DrainTemplate {
  return { id: cluster.id, template: cluster.tokens.join(' '), count: cluster.count };
}
