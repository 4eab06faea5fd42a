import type { INestApplication } from '@nestjs/common';

/**
 * The routes of the RUNNING application, as Fastify mounted them (not from the controllers' source),
 * so a new endpoint shows up here the moment it is mounted — including routes that are not in the OpenAPI
 * document (e.g. registered by hand or by a library).
 */
export interface AppRoute {
  /** Upper-case HTTP method. */
  method: string;
  /** Route pattern, e.g. `/api/v1/cases/:id`. */
  path: string;
}

export const routeKey = (r: { method: string; path: string }) => `${r.method.toUpperCase()} ${r.path}`;

type RouteOptions = { method: string | string[]; url: string };
const recorded = new WeakMap<object, RouteOptions[]>();

/**
 * Records every route Fastify mounts from now on (its `onRoute` hook). Call before the app registers its
 * routes: test/support/app.ts does, for every test app.
 */
export function recordRoutes(app: INestApplication): void {
  const fastify = app.getHttpAdapter().getInstance() as { addHook: (name: 'onRoute', hook: (r: RouteOptions) => void) => void };
  const list: RouteOptions[] = [];
  recorded.set(app, list);
  fastify.addHook('onRoute', (r) => list.push({ method: r.method, url: r.url }));
}

/** Fastify routes registered for every HTTP method at once: catch-alls, not endpoints. */
const ALL_METHODS_THRESHOLD = 15;

export interface MountedRoutes {
  /** Endpoints: one entry per method and path (HEAD, which Fastify adds beside every GET, left out). */
  routes: AppRoute[];
  /** Paths registered for every HTTP method (a catch-all, e.g. a route-scoped middleware). */
  allMethodMounts: string[];
}

export function readRouter(app: INestApplication): MountedRoutes {
  const list = recorded.get(app);
  if (!list) throw new Error('Routes were not recorded: create the app with test/support/app.ts (recordRoutes before init).');
  const routes = new Map<string, AppRoute>();
  const mounts = new Set<string>();
  for (const r of list) {
    const methods = (Array.isArray(r.method) ? r.method : [r.method]).map((m) => m.toUpperCase());
    if (methods.length >= ALL_METHODS_THRESHOLD) {
      mounts.add(r.url);
      continue;
    }
    for (const method of methods) if (method !== 'HEAD') routes.set(routeKey({ method, path: r.url }), { method, path: r.url });
  }
  return { routes: [...routes.values()].sort((a, b) => routeKey(a).localeCompare(routeKey(b))), allMethodMounts: [...mounts].sort() };
}

/** The endpoints of the running app. */
export function listAppRoutes(app: INestApplication): AppRoute[] {
  return readRouter(app).routes;
}

/** `/api/v1/cases/:id` → `/api/v1/cases/{id}` (OpenAPI path template). */
export const toOpenApiPath = (path: string) => path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
