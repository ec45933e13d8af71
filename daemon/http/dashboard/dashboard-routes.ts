import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Response, type Router } from 'express';
import helmet from 'helmet';

type HelmetCspOptions = Parameters<typeof helmet.contentSecurityPolicy>[0];

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

/**
 * The page's Content-Security-Policy: everything from this origin, nothing inline, nothing
 * remote. uPlot styles its elements through the CSSOM (`el.style.x = ...`), which `style-src
 * 'self'` allows; the page builds its DOM with textContent, so telemetry text cannot become markup
 * and would not run if it did. No `upgrade-insecure-requests`: the daemon often serves plain HTTP
 * on a private address, where upgrading would break every request.
 */
export const DASHBOARD_CSP: HelmetCspOptions = {
  useDefaults: false,
  directives: {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'"],
    imgSrc: ["'self'", 'data:'],
    connectSrc: ["'self'"],
    fontSrc: ["'self'"],
    objectSrc: ["'none'"],
    baseUri: ["'none'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
  },
};

/** Files served from the uplot package (resolved in node_modules, never copied into the repo). */
const VENDOR_FILES: Record<string, { path: string; type: string }> = {
  'uPlot.esm.js': { path: require.resolve('uplot/dist/uPlot.esm.js'), type: 'text/javascript' },
  'uPlot.min.css': { path: require.resolve('uplot/dist/uPlot.min.css'), type: 'text/css' },
};

/**
 * The dashboard (DESIGN.md "Interfaces people use"): `GET /` is the page, `/assets/...` its plain
 * ES modules and CSS, `/assets/vendor/...` uPlot from node_modules. Nothing to build: the files
 * are served as they are in the package. The page holds no data and needs no token; it reads the
 * API with the read token the user pastes (kept in sessionStorage) when one is configured.
 *
 * Everything is revalidated on each load (`no-cache` with ETag/Last-Modified): after an upgrade
 * the browser never runs a stale module against a newer API.
 */
export function dashboardRoutes(): Router {
  const router = express.Router();
  const csp = helmet.contentSecurityPolicy(DASHBOARD_CSP);
  router.get('/', csp, (_req, res) => {
    sendFile(res, join(here, 'index.html'), 'text/html; charset=utf-8');
  });
  router.get('/assets/vendor/:file', csp, (req, res, next) => {
    const vendor = VENDOR_FILES[req.params.file];
    if (!vendor) return next();
    sendFile(res, vendor.path, `${vendor.type}; charset=utf-8`);
  });
  router.use(
    '/assets',
    csp,
    express.static(join(here, 'assets'), {
      index: false,
      dotfiles: 'ignore',
      fallthrough: true,
      setHeaders: (res) => res.setHeader('Cache-Control', 'no-cache'),
    }),
  );
  return router;
}

function sendFile(res: Response, path: string, type: string): void {
  res.setHeader('Cache-Control', 'no-cache');
  res.type(type);
  res.sendFile(path);
}
