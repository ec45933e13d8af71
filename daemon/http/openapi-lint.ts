/**
 * Structural checks of an OpenAPI 3.1 document (the parts of the specification this API uses):
 * version, info, paths and their templates, operations, parameters, request bodies, responses,
 * security requirements against declared schemes, schema keywords, and that every `$ref`
 * resolves. Returns one readable line per problem; an empty list means none were found.
 */
export function lintOpenApi(doc: unknown): string[] {
  const problems: string[] = [];
  const fail = (where: string, what: string): void => {
    problems.push(`${where}: ${what}`);
  };
  if (!isObject(doc)) return ['document: not an object'];
  if (typeof doc.openapi !== 'string' || !/^3\.1\.\d+$/.test(doc.openapi)) {
    fail('openapi', `expected 3.1.x, got ${JSON.stringify(doc.openapi)}`);
  }
  const info = doc.info;
  if (!isObject(info) || typeof info.title !== 'string' || typeof info.version !== 'string') {
    fail('info', 'title and version are required strings');
  }
  const components = isObject(doc.components) ? doc.components : {};
  const schemes = isObject(components.securitySchemes) ? components.securitySchemes : {};
  for (const [name, scheme] of Object.entries(schemes)) {
    if (
      !isObject(scheme) ||
      !['apiKey', 'http', 'mutualTLS', 'oauth2', 'openIdConnect'].includes(String(scheme.type))
    ) {
      fail(`components.securitySchemes.${name}`, 'unknown type');
    }
  }
  if (!isObject(doc.paths)) {
    fail('paths', 'required object');
  } else {
    const operationIds = new Set<string>();
    for (const [path, item] of Object.entries(doc.paths)) {
      if (!path.startsWith('/')) fail(`paths.${path}`, 'must start with /');
      if (!isObject(item)) {
        fail(`paths.${path}`, 'not an object');
        continue;
      }
      for (const [method, operation] of Object.entries(item)) {
        const where = `${method.toUpperCase()} ${path}`;
        if (!METHODS.includes(method)) {
          fail(where, 'unknown method');
          continue;
        }
        lintOperation(where, path, operation, { schemes, operationIds, fail });
      }
    }
  }
  walk(doc, '#', (node, pointer) => {
    if (typeof node.$ref === 'string' && resolve(doc, node.$ref) === undefined) {
      fail(pointer, `$ref ${node.$ref} does not resolve`);
    }
    const inSchema = pointer.includes('/schema') || pointer.startsWith('#/components/schemas/');
    // A `properties` map is keyed by property names, not keywords.
    if (inSchema && !/\/(properties|patternProperties|\$defs)$/.test(pointer))
      lintSchema(pointer, node, fail);
  });
  return problems;
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const SCHEMA_TYPES = ['null', 'boolean', 'object', 'array', 'number', 'integer', 'string'];

function lintOperation(
  where: string,
  path: string,
  operation: unknown,
  ctx: {
    schemes: Record<string, unknown>;
    operationIds: Set<string>;
    fail: (where: string, what: string) => void;
  },
): void {
  const { fail } = ctx;
  if (!isObject(operation)) return fail(where, 'operation is not an object');
  if (typeof operation.operationId === 'string') {
    if (ctx.operationIds.has(operation.operationId))
      fail(where, `duplicate operationId ${operation.operationId}`);
    ctx.operationIds.add(operation.operationId);
  }
  if (typeof operation.summary !== 'string' || operation.summary === '') fail(where, 'no summary');
  const parameters = Array.isArray(operation.parameters) ? operation.parameters : [];
  const seen = new Set<string>();
  const pathParams = new Set<string>();
  for (const p of parameters) {
    if (
      !isObject(p) ||
      typeof p.name !== 'string' ||
      !['query', 'header', 'path', 'cookie'].includes(String(p.in))
    ) {
      fail(where, `malformed parameter ${JSON.stringify(p)}`);
      continue;
    }
    const key = `${String(p.in)}:${p.name}`;
    if (seen.has(key)) fail(where, `duplicate parameter ${key}`);
    seen.add(key);
    if (!isObject(p.schema) && !isObject(p.content)) fail(where, `parameter ${key} has no schema`);
    if (p.in === 'path') {
      pathParams.add(p.name);
      if (p.required !== true) fail(where, `path parameter ${p.name} must be required`);
    }
  }
  const templated = new Set([...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!));
  for (const name of templated)
    if (!pathParams.has(name)) fail(where, `path parameter {${name}} not declared`);
  for (const name of pathParams)
    if (!templated.has(name)) fail(where, `path parameter ${name} not in the path`);
  if (operation.requestBody !== undefined) {
    const body = operation.requestBody;
    if (!isObject(body) || !isObject(body.content) || Object.keys(body.content).length === 0) {
      fail(where, 'requestBody needs content');
    }
  }
  if (!isObject(operation.responses) || Object.keys(operation.responses).length === 0) {
    fail(where, 'no responses');
  } else {
    for (const [status, response] of Object.entries(operation.responses)) {
      if (!/^([1-5](\d\d|XX)|default)$/.test(status)) fail(where, `bad response key ${status}`);
      if (!isObject(response) || (typeof response.description !== 'string' && response.$ref === undefined)) {
        fail(`${where} ${status}`, 'a response needs a description');
      }
    }
  }
  if (operation.security !== undefined) {
    if (!Array.isArray(operation.security)) return fail(where, 'security must be an array');
    for (const requirement of operation.security) {
      if (!isObject(requirement)) {
        fail(where, 'a security requirement must be an object');
        continue;
      }
      for (const name of Object.keys(requirement)) {
        if (!(name in ctx.schemes)) fail(where, `security scheme ${name} is not declared`);
      }
    }
  }
}

function lintSchema(
  pointer: string,
  node: Record<string, unknown>,
  fail: (w: string, m: string) => void,
): void {
  const types = node.type === undefined ? [] : Array.isArray(node.type) ? node.type : [node.type];
  for (const t of types)
    if (!SCHEMA_TYPES.includes(String(t))) fail(pointer, `unknown schema type ${String(t)}`);
  if (node.required !== undefined && Array.isArray(node.required) && isObject(node.properties)) {
    for (const name of node.required) {
      if (typeof name !== 'string' || !(name in node.properties))
        fail(pointer, `required ${String(name)} is not a property`);
    }
  }
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
    const list = node[key];
    if (list !== undefined && (!Array.isArray(list) || list.length === 0)) {
      fail(pointer, `${key} must be a non-empty array`);
    }
  }
}

function walk(
  node: unknown,
  pointer: string,
  visit: (node: Record<string, unknown>, pointer: string) => void,
): void {
  if (Array.isArray(node)) {
    node.forEach((child, i) => walk(child, `${pointer}/${i}`, visit));
  } else if (isObject(node)) {
    visit(node, pointer);
    for (const [key, child] of Object.entries(node)) {
      // Examples are data, not schema: their keys are not keywords.
      if (key === 'example' || key === 'examples') continue;
      walk(child, `${pointer}/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`, visit);
    }
  }
}

function resolve(doc: unknown, ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined;
  let node: unknown = doc;
  for (const raw of ref.slice(2).split('/')) {
    const key = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    if (!isObject(node) || !(key in node)) return undefined;
    node = node[key];
  }
  return node;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
