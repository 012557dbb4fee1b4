import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseDotenv } from 'dotenv';

/**
 * One typed configuration object, read from the environment (and an optional `.env`
 * in the working directory; real environment variables win), validated at start-up.
 * Every setting here is documented in the README's configuration table.
 */
export interface Config {
  nodeEnv: 'development' | 'production' | 'test';
  host: string;
  port: number;
  /** Base URL clients use to reach this server; local pre-signed URLs point here. */
  publicUrl: string;
  logLevel: string;
  dataDir: string;
  database: { mode: 'embedded'; dataDir: string; port: number } | { mode: 'external'; url: string };
  databasePoolSize: number;
  storage:
    | { driver: 'local'; root: string }
    | {
        driver: 's3';
        bucket: string;
        region: string;
        endpoint?: string;
        forcePathStyle: boolean;
        sse: 'AES256' | 'aws:kms' | 'none';
        kmsKeyId?: string;
        maxAttempts: number;
      };
  /** Signs local pre-signed URLs; generated and kept in the data dir when not given. */
  urlSigningSecret?: string;
  auth: {
    jwtSecret?: string;
    accessTokenTtlSeconds: number;
    refreshTokenTtlSeconds: number;
    /** How long an invitation token can be redeemed. */
    invitationTtlSeconds: number;
    /** How long a process trusts that a session is not revoked before asking the database again (0: every request). */
    sessionCacheMs: number;
    issuer: string;
    audience: string;
    jwks?: { url: string; issuer: string; audience: string; claim: string };
  };
  /**
   * Login, register and refresh: attempts per window, per client IP and per account from one IP
   * (so that failures elsewhere never lock the owner out).
   */
  authRateLimit: { perIp: number; perAccount: number; windowSeconds: number };
  /** Audit entries for denied attempts (failed logins, 401, 403) per window: see `DeniedAttempts`. */
  auditDenied: { perAddress: number; total: number; windowSeconds: number };
  /**
   * Connection timeouts: the time a client has to send its request headers, the longest silence
   * while a request is read or answered, and how long an idle keep-alive connection stays open.
   */
  http: { headersTimeoutMs: number; idleTimeoutMs: number; keepAliveTimeoutMs: number };
  /**
   * Default quotas (0: unlimited): bytes stored (every stored version of the live files, pending
   * uploads at their declared size) and uploads started per hour, per organization and per
   * candidate. An organization's own row in `org_quotas` overrides its defaults.
   */
  quotas: { org: QuotaLimits; candidate: QuotaLimits; /** How long a process keeps an organization's own quotas before reading them again. */ cacheMs: number };
  /** Who may read /openapi.json and /docs: anyone, or authenticated callers only. */
  docsAccess: 'public' | 'authenticated';
  /** Fastify's `trustProxy`: which proxies' X-Forwarded-For/-Proto to believe (client IPs for rate limits and the audit trail). */
  trustProxy: boolean | string;
  /** When set, `/metrics` answers only requests bearing it (`Authorization: Bearer …`). */
  metricsToken?: string;
  uploads: { urlTtlSeconds: number; pendingExpirySeconds: number; maxSizeOverrides: Partial<Record<string, number>> };
  /** `sharedUrlTtlSeconds`: the shorter lifetime of URLs to a file an organization sees through an application. */
  downloads: { urlTtlSeconds: number; sharedUrlTtlSeconds: number };
  /** How long a person's data export stays downloadable before the scheduled purge removes it. */
  exports: { ttlSeconds: number };
  retention: { softDeleteGraceDays: number; quarantineDays: number; auditDays: number | null };
  scanner: {
    clamav?: { host: string; port: number } | { socket: string };
    clamavTimeoutMs: number;
    allowNoAntivirus: boolean;
  };
  llm?: { baseUrl: string; apiKey?: string; model: string; timeoutMs: number; maxRetries: number; budgetPerJob: number };
  /** Allow webhook URLs on loopback and private networks (off by default: SSRF). */
  webhookAllowPrivateTargets: boolean;
  /** Encrypts webhook signing secrets at rest; generated and kept in the data dir when not given. */
  webhookSecretsKey?: string;
  /** Run the queue workers inside `vitae serve` (the default in the embedded mode). */
  runWorkersInServe: boolean;
  workerConcurrency: number;
  /** Scans (PDFs without a text layer) are read by OCR in a queue of their own, so that they never hold up text resumes. */
  ocr: { enabled: boolean; concurrency: number; maxPages: number };
}

export interface QuotaLimits {
  /** 0: unlimited. */
  bytes: number;
  /** 0: unlimited. */
  uploadsPerHour: number;
}

export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

type Env = Record<string, string | undefined>;

/** Reads `.env` from `cwd` (if present) under the real environment, which wins. */
export function loadEnv(env: Env = process.env, cwd = process.cwd()): Env {
  const file = path.join(cwd, '.env');
  if (!existsSync(file)) return env;
  return { ...parseDotenv(readFileSync(file)), ...env };
}

export function loadConfig(env: Env = loadEnv()): Config {
  const problems: string[] = [];
  const read = new EnvReader(env, problems);

  const nodeEnv = read.oneOf('NODE_ENV', ['development', 'production', 'test'] as const, 'development');
  const port = read.int('PORT', 8080, { min: 0, max: 65535 });
  const host = read.string('HOST', '0.0.0.0');
  const dataDir = path.resolve(read.string('VITAE_DATA_DIR', './data'));
  const databaseUrl = env.DATABASE_URL?.trim();
  if (databaseUrl !== undefined && databaseUrl !== '' && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    problems.push('DATABASE_URL must be a postgres:// or postgresql:// URL');
  }

  const storageDriver = read.oneOf('STORAGE_DRIVER', ['local', 's3'] as const, 'local');
  let storage: Config['storage'];
  if (storageDriver === 's3') {
    const bucket = env.S3_BUCKET?.trim();
    if (!bucket) problems.push('S3_BUCKET is required when STORAGE_DRIVER=s3');
    const sse = read.oneOf('S3_SSE', ['AES256', 'aws:kms', 'none'] as const, 'AES256');
    const kmsKeyId = env.S3_KMS_KEY_ID?.trim() || undefined;
    if (sse === 'aws:kms' && !kmsKeyId) problems.push('S3_KMS_KEY_ID is required when S3_SSE=aws:kms');
    storage = {
      driver: 's3',
      bucket: bucket ?? '',
      region: read.string('S3_REGION', env.AWS_REGION ?? 'us-east-1'),
      forcePathStyle: read.bool('S3_FORCE_PATH_STYLE', false),
      sse,
      maxAttempts: read.int('S3_MAX_ATTEMPTS', 3, { min: 1, max: 20 }),
      ...(env.S3_ENDPOINT ? { endpoint: read.url('S3_ENDPOINT') } : {}),
      ...(kmsKeyId ? { kmsKeyId } : {}),
    };
  } else {
    storage = { driver: 'local', root: path.resolve(read.string('LOCAL_STORAGE_ROOT', path.join(dataDir, 'blobs'))) };
  }

  const clamHost = env.CLAMAV_HOST?.trim();
  const clamSocket = env.CLAMAV_SOCKET?.trim();
  if (clamHost && clamSocket) problems.push('Set either CLAMAV_HOST or CLAMAV_SOCKET, not both');
  const clamav = clamSocket ? { socket: clamSocket } : clamHost ? { host: clamHost, port: read.int('CLAMAV_PORT', 3310, { min: 1, max: 65535 }) } : undefined;
  const allowNoAntivirus = read.bool('VITAE_ALLOW_NO_ANTIVIRUS', false);
  if (nodeEnv === 'production' && !clamav && !allowNoAntivirus) {
    problems.push('NODE_ENV=production requires a malware engine: set CLAMAV_HOST or CLAMAV_SOCKET, or VITAE_ALLOW_NO_ANTIVIRUS=true to run without one');
  }

  const metricsToken = env.METRICS_TOKEN?.trim() || undefined;
  if (metricsToken !== undefined && Buffer.byteLength(metricsToken) < 16) problems.push('METRICS_TOKEN must be at least 16 bytes long');

  const jwksUrl = env.AUTH_JWKS_URL?.trim();
  let jwks: Config['auth']['jwks'];
  if (jwksUrl) {
    const issuer = env.AUTH_JWKS_ISSUER?.trim();
    const audience = env.AUTH_JWKS_AUDIENCE?.trim();
    if (!issuer) problems.push('AUTH_JWKS_ISSUER is required when AUTH_JWKS_URL is set');
    if (!audience) problems.push('AUTH_JWKS_AUDIENCE is required when AUTH_JWKS_URL is set');
    jwks = { url: read.url('AUTH_JWKS_URL'), issuer: issuer ?? '', audience: audience ?? '', claim: read.string('AUTH_JWKS_EMAIL_CLAIM', 'email') };
  }
  const jwtSecret = env.JWT_SECRET?.trim() || undefined;
  if (jwtSecret !== undefined && Buffer.byteLength(jwtSecret) < 32) problems.push('JWT_SECRET must be at least 32 bytes long');
  if (databaseUrl && !jwtSecret) {
    // Several API processes must share one secret; a per-process generated one would not work.
    problems.push('JWT_SECRET is required when DATABASE_URL is set (every API process must share it)');
  }
  const urlSigningSecret = env.URL_SIGNING_SECRET?.trim() || undefined;
  if (databaseUrl && storageDriver === 'local' && !urlSigningSecret) {
    problems.push('URL_SIGNING_SECRET is required when DATABASE_URL is set with STORAGE_DRIVER=local');
  }

  const webhookSecretsKey = env.WEBHOOK_SECRETS_KEY?.trim() || undefined;
  if (webhookSecretsKey !== undefined && Buffer.byteLength(webhookSecretsKey) < 32) problems.push('WEBHOOK_SECRETS_KEY must be at least 32 bytes long');
  if (databaseUrl && !webhookSecretsKey) {
    problems.push('WEBHOOK_SECRETS_KEY is required when DATABASE_URL is set (every API process and worker must share it)');
  }

  const llmBase = env.LLM_BASE_URL?.trim();
  const llm = llmBase
    ? {
        baseUrl: read.url('LLM_BASE_URL'),
        model: read.string('LLM_MODEL', 'gpt-4o-mini'),
        timeoutMs: read.int('LLM_TIMEOUT_MS', 20_000, { min: 100 }),
        maxRetries: read.int('LLM_MAX_RETRIES', 2, { min: 0, max: 10 }),
        budgetPerJob: read.int('LLM_BUDGET_PER_JOB', 500, { min: 0 }),
        ...(env.LLM_API_KEY ? { apiKey: env.LLM_API_KEY } : {}),
      }
    : undefined;

  const publicUrl = (env.PUBLIC_URL?.trim() ? read.url('PUBLIC_URL') : `http://localhost:${port}`).replace(/\/+$/, '');

  const config: Config = {
    nodeEnv,
    host,
    port,
    publicUrl,
    logLevel: read.oneOf('LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, 'info'),
    dataDir,
    database: databaseUrl
      ? { mode: 'external', url: databaseUrl }
      : { mode: 'embedded', dataDir: path.join(dataDir, 'pg'), port: read.int('EMBEDDED_PG_PORT', 0, { min: 0, max: 65535 }) },
    databasePoolSize: read.int('DATABASE_POOL_SIZE', 10, { min: 1, max: 500 }),
    storage,
    ...(urlSigningSecret ? { urlSigningSecret } : {}),
    auth: {
      ...(jwtSecret ? { jwtSecret } : {}),
      accessTokenTtlSeconds: read.int('ACCESS_TOKEN_TTL_SECONDS', 900, { min: 30 }),
      refreshTokenTtlSeconds: read.int('REFRESH_TOKEN_TTL_SECONDS', 30 * 24 * 3600, { min: 60 }),
      invitationTtlSeconds: read.int('INVITATION_TTL_SECONDS', 7 * 24 * 3600, { min: 60 }),
      sessionCacheMs: read.int('AUTH_SESSION_CACHE_MS', 1000, { min: 0, max: 60_000 }),
      issuer: read.string('JWT_ISSUER', 'vitae'),
      audience: read.string('JWT_AUDIENCE', 'vitae-api'),
      ...(jwks ? { jwks } : {}),
    },
    authRateLimit: {
      perIp: read.int('RATE_LIMIT_AUTH_PER_IP', 30, { min: 1 }),
      perAccount: read.int('RATE_LIMIT_AUTH_PER_ACCOUNT', 10, { min: 1 }),
      windowSeconds: read.int('RATE_LIMIT_AUTH_WINDOW_SECONDS', 60, { min: 1 }),
    },
    auditDenied: {
      perAddress: read.int('AUDIT_DENIED_PER_ADDRESS', 20, { min: 1 }),
      total: read.int('AUDIT_DENIED_PER_PROCESS', 1000, { min: 1 }),
      windowSeconds: read.int('AUDIT_DENIED_WINDOW_SECONDS', 60, { min: 1 }),
    },
    trustProxy: parseTrustProxy(env.TRUST_PROXY),
    ...(metricsToken ? { metricsToken } : {}),
    http: {
      headersTimeoutMs: read.int('HTTP_HEADERS_TIMEOUT_MS', 10_000, { min: 100, max: 600_000 }),
      idleTimeoutMs: read.int('HTTP_IDLE_TIMEOUT_MS', 30_000, { min: 100, max: 3_600_000 }),
      keepAliveTimeoutMs: read.int('HTTP_KEEP_ALIVE_TIMEOUT_MS', 10_000, { min: 100, max: 3_600_000 }),
    },
    quotas: {
      org: { bytes: read.int('QUOTA_ORG_BYTES', 0, { min: 0 }), uploadsPerHour: read.int('QUOTA_ORG_UPLOADS_PER_HOUR', 0, { min: 0 }) },
      candidate: {
        bytes: read.int('QUOTA_CANDIDATE_BYTES', 100 * 1024 * 1024, { min: 0 }),
        uploadsPerHour: read.int('QUOTA_CANDIDATE_UPLOADS_PER_HOUR', 60, { min: 0 }),
      },
      cacheMs: read.int('QUOTA_CACHE_MS', 5000, { min: 0, max: 600_000 }),
    },
    docsAccess: read.oneOf('DOCS_ACCESS', ['public', 'authenticated'] as const, 'public'),
    uploads: {
      urlTtlSeconds: read.int('UPLOAD_URL_TTL_SECONDS', 900, { min: 10, max: 7 * 24 * 3600 }),
      pendingExpirySeconds: read.int('PENDING_UPLOAD_EXPIRY_SECONDS', 24 * 3600, { min: 60 }),
      maxSizeOverrides: {
        ...optionalInt(read, 'MAX_SIZE_RESUME', 'resume'),
        ...optionalInt(read, 'MAX_SIZE_COVER_LETTER', 'cover_letter'),
        ...optionalInt(read, 'MAX_SIZE_LOGO', 'logo'),
        ...optionalInt(read, 'MAX_SIZE_CSV_IMPORT', 'csv_import'),
      },
    },
    downloads: {
      urlTtlSeconds: read.int('DOWNLOAD_URL_TTL_SECONDS', 3600, { min: 10, max: 7 * 24 * 3600 }),
      sharedUrlTtlSeconds: read.int('SHARED_DOWNLOAD_URL_TTL_SECONDS', 300, { min: 10, max: 7 * 24 * 3600 }),
    },
    exports: { ttlSeconds: read.int('EXPORT_TTL_HOURS', 24, { min: 1, max: 30 * 24 }) * 3600 },
    retention: {
      softDeleteGraceDays: read.int('SOFT_DELETE_GRACE_DAYS', 30, { min: 0 }),
      quarantineDays: read.int('QUARANTINE_RETENTION_DAYS', 30, { min: 0 }),
      auditDays: env.AUDIT_RETENTION_DAYS ? read.int('AUDIT_RETENTION_DAYS', 0, { min: 1 }) : null,
    },
    scanner: { ...(clamav ? { clamav } : {}), clamavTimeoutMs: read.int('CLAMAV_TIMEOUT_MS', 60_000, { min: 100 }), allowNoAntivirus },
    ...(llm ? { llm } : {}),
    webhookAllowPrivateTargets: read.bool('WEBHOOK_ALLOW_PRIVATE_TARGETS', false),
    ...(webhookSecretsKey ? { webhookSecretsKey } : {}),
    runWorkersInServe: read.bool('VITAE_RUN_WORKERS', !databaseUrl),
    workerConcurrency: read.int('WORKER_CONCURRENCY', 4, { min: 1, max: 256 }),
    ocr: {
      enabled: read.bool('OCR_ENABLED', true),
      concurrency: read.int('OCR_CONCURRENCY', 1, { min: 1, max: 16 }),
      maxPages: read.int('OCR_MAX_PAGES', 3, { min: 1, max: 20 }),
    },
  };

  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/** `TRUST_PROXY`: false (default), true (every hop: only when clients cannot reach Vitae directly), or a comma-separated list of proxy addresses or CIDRs. */
function parseTrustProxy(raw: string | undefined): boolean | string {
  const value = raw?.trim() ?? '';
  if (value === '' || /^(0|false|no|off)$/i.test(value)) return false;
  if (/^(1|true|yes|on)$/i.test(value)) return true;
  return value;
}

function optionalInt(read: EnvReader, name: string, category: string): Partial<Record<string, number>> {
  return read.has(name) ? { [category]: read.int(name, 0, { min: 1 }) } : {};
}

/** Reads one variable at a time, collecting every problem instead of stopping at the first. */
class EnvReader {
  private readonly env: Env;
  private readonly problems: string[];
  constructor(env: Env, problems: string[]) {
    this.env = env;
    this.problems = problems;
  }

  has(name: string): boolean {
    return (this.env[name]?.trim() ?? '') !== '';
  }

  string(name: string, fallback: string): string {
    const value = this.env[name]?.trim();
    return value ? value : fallback;
  }

  int(name: string, fallback: number, range: { min?: number; max?: number } = {}): number {
    const raw = this.env[name]?.trim();
    if (!raw) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value)) {
      this.problems.push(`${name} must be an integer (got ${JSON.stringify(raw)})`);
      return fallback;
    }
    if ((range.min !== undefined && value < range.min) || (range.max !== undefined && value > range.max)) {
      this.problems.push(`${name} must be between ${range.min ?? '-∞'} and ${range.max ?? '∞'} (got ${value})`);
      return fallback;
    }
    return value;
  }

  bool(name: string, fallback: boolean): boolean {
    const raw = this.env[name]?.trim().toLowerCase();
    if (!raw) return fallback;
    if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
    if (['0', 'false', 'no', 'off'].includes(raw)) return false;
    this.problems.push(`${name} must be true or false (got ${JSON.stringify(raw)})`);
    return fallback;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const raw = this.env[name]?.trim();
    if (!raw) return fallback;
    if ((allowed as readonly string[]).includes(raw)) return raw as T;
    this.problems.push(`${name} must be one of ${allowed.join(', ')} (got ${JSON.stringify(raw)})`);
    return fallback;
  }

  url(name: string): string {
    const raw = this.env[name]?.trim() ?? '';
    try {
      const parsed = new URL(raw);
      if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('protocol');
      return raw;
    } catch {
      this.problems.push(`${name} must be an http(s) URL (got ${JSON.stringify(raw)})`);
      return raw;
    }
  }
}
