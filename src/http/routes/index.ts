import type { FastifyPluginAsync } from 'fastify';
import type { Services } from '../../services/index.ts';
import { auditRoutes } from './audit.ts';
import { fileRoutes } from './files.ts';

/** Every feature's routes, mounted under /api/v1. One line per route module. */
export function apiRoutes(services: Services): FastifyPluginAsync {
  return async (api) => {
    await api.register(fileRoutes(services));
    await api.register(auditRoutes(services));
  };
}
