import type { INestApplication } from '@nestjs/common';

/**
 * The routes of the RUNNING application, read from the Express router (not from the controllers' source),
 * so a new endpoint shows up here the moment it is mounted — including routes that are not in the OpenAPI
 * document (e.g. registered by hand or by a library).
 */
export interface AppRoute {
  /** Upper-case HTTP method. */
  method: string;
  /** Express path pattern, e.g. `/api/v1/cases/:id`. */
  path: string;
}

export const routeKey = (r: { method: string; path: string }) => `${r.method.toUpperCase()} ${r.path}`;

interface ExpressLayer {
  route?: { path: string | string[]; methods: Record<string, boolean> };
  handle?: { stack?: ExpressLayer[] };
  name?: string;
}

/** Express routes registered for every HTTP method at once: middleware mounts (e.g. request logging), not endpoints. */
const ALL_METHODS_THRESHOLD = 30;

export interface MountedRoutes {
  /** Endpoints: one entry per method and path. */
  routes: AppRoute[];
  /** Paths registered for every HTTP method (Nest mounts route-scoped middleware this way). */
  allMethodMounts: string[];
}

export function readRouter(app: INestApplication): MountedRoutes {
  const instance = app.getHttpAdapter().getInstance() as { router?: { stack: ExpressLayer[] }; _router?: { stack: ExpressLayer[] } };
  // Express 5 exposes `app.router`; Express 4 had `app._router`.
  const router = instance.router ?? instance._router;
  if (!router?.stack) throw new Error('Cannot read the Express router: has the HTTP adapter changed?');
  const routes = new Map<string, AppRoute>();
  const mounts = new Set<string>();
  for (const layer of router.stack) {
    if (!layer.route) {
      if (layer.name === 'router' && layer.handle?.stack) {
        // None today: a mounted sub-router's routes would need its mount path as a prefix.
        throw new Error('A nested Express router is mounted: extend readRouter to prefix its mount path.');
      }
      continue; // app.use() middleware (helmet, body parser, static files)
    }
    const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
    const methods = Object.entries(layer.route.methods).filter(([m, on]) => on && m !== '_all').map(([m]) => m.toUpperCase());
    for (const path of paths) {
      if (layer.route.methods._all || methods.length >= ALL_METHODS_THRESHOLD) {
        mounts.add(path);
        continue;
      }
      for (const method of methods) routes.set(routeKey({ method, path }), { method, path });
    }
  }
  return { routes: [...routes.values()].sort((a, b) => routeKey(a).localeCompare(routeKey(b))), allMethodMounts: [...mounts].sort() };
}

/** The endpoints of the running app. */
export function listAppRoutes(app: INestApplication): AppRoute[] {
  return readRouter(app).routes;
}

/** `/api/v1/cases/:id` → `/api/v1/cases/{id}` (OpenAPI path template). */
export const toOpenApiPath = (path: string) => path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
