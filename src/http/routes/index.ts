import type { FastifyPluginAsync } from 'fastify';
import type { Services } from '../../services/index.ts';
import { apiKeyRoutes } from './api-keys.ts';
import { auditRoutes } from './audit.ts';
import { authRoutes } from './auth.ts';
import { fileRoutes } from './files.ts';
import { hiringRoutes } from './hiring.ts';
import { meRoutes } from './me.ts';
import { orgRoutes } from './orgs.ts';
import { privacyRoutes } from './privacy.ts';
import { securityRoutes } from './security.ts';

/** Every feature's routes, mounted under /api/v1. One line per route module. */
export function apiRoutes(services: Services): FastifyPluginAsync {
  return async (api) => {
    await api.register(authRoutes(services));
    await api.register(orgRoutes(services));
    await api.register(apiKeyRoutes(services));
    await api.register(fileRoutes(services));
    await api.register(auditRoutes(services));
    await api.register(hiringRoutes(services));
    await api.register(securityRoutes(services));
    await api.register(meRoutes(services));
    await api.register(privacyRoutes(services));
  };
}
