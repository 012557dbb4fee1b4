import type { FastifyPluginAsync } from 'fastify';
import type { Services } from '../../services/index.ts';

/** Every feature's routes, mounted under /api/v1. One line per route module. */
export function apiRoutes(services: Services): FastifyPluginAsync {
  return async (api) => {
    void services;
    void api;
  };
}
