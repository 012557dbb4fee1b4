import path from 'node:path';
import type { Config } from '../config.ts';
import type { ReadinessCheck } from '../readiness.ts';
import type { Runtime } from '../runtime.ts';
import { createScanners } from '../scan/index.ts';
import { AuditLog } from './audit/audit-log.ts';
import { DeniedAttempts } from './audit/denied-attempts.ts';
import { AuditRetention } from './audit/retention.ts';
import { Accounts } from './auth/accounts.ts';
import { ApiKeys } from './auth/api-keys.ts';
import { LiveAccounts } from './auth/live-accounts.ts';
import { Invitations } from './auth/invitations.ts';
import { RefreshTokens } from './auth/refresh-tokens.ts';
import { AuthSessions } from './auth/sessions.ts';
import { TokenService } from './auth/tokens.ts';
import { FileAccess } from './files/access.ts';
import { DownloadGrants } from './files/download-grants.ts';
import { FileService } from './files/files.ts';
import { FileMaintenance } from './files/maintenance.ts';
import { ScanPipeline } from './files/scan-pipeline.ts';
import { Quarantine } from './files/quarantine.ts';
import { UploadService } from './files/uploads.ts';
import { Webhooks } from './webhooks/webhooks.ts';
import { systemResolver, type ResolveHost } from './webhooks/destination.ts';
import { SecretBox } from './webhooks/secret-box.ts';
import { BulkIntake } from './hiring/bulk-intake.ts';
import { CandidateService } from './hiring/candidates.ts';
import { CandidateProcessing } from './hiring/processing.ts';
import { createResumeAnalyzer } from '../resumes/analyzer.ts';
import { JobService } from './hiring/jobs.ts';
import { IdempotencyKeys } from './idempotency.ts';
import { Quotas } from './limits/quotas.ts';
import { RateCounters } from './limits/rate-counters.ts';
import { AccountErasure } from './privacy/account-erasure.ts';
import { DataExports } from './privacy/exports.ts';
import { SubjectRequests } from './privacy/subject-requests.ts';
import { Retention } from './privacy/retention.ts';
import { PrivacyNotices } from './privacy/notices.ts';

/** The use cases, built once from the runtime's adapters; routes and workers call these. */
export interface Services {
  config: Config;
  audit: AuditLog;
  /** The daily purge of audit entries past AUDIT_RETENTION_DAYS. */
  auditRetention: AuditRetention;
  /** Audit entries for refused attempts, within a write budget per address. */
  deniedAttempts: DeniedAttempts;
  auth: {
    accounts: Accounts;
    invitations: Invitations;
    tokens: TokenService;
    sessions: AuthSessions;
    refreshTokens: RefreshTokens;
    apiKeys: ApiKeys;
    live: LiveAccounts;
  };
  /** Counters every process shares (rate limits, uploads per hour, LLM calls per job). */
  counters: RateCounters;
  quotas: Quotas;
  uploads: UploadService;
  files: FileService;
  downloadGrants: DownloadGrants;
  scanPipeline: ScanPipeline;
  maintenance: FileMaintenance;
  jobs: JobService;
  candidates: CandidateService;
  bulkIntake: BulkIntake;
  quarantine: Quarantine;
  processing: CandidateProcessing;
  webhooks: Webhooks;
  idempotency: IdempotencyKeys;
  exports: DataExports;
  accountErasure: AccountErasure;
  subjectRequests: SubjectRequests;
  retention: Retention;
  notices: PrivacyNotices;
  readinessChecks: ReadinessCheck[];
}

/** Replacements for what reaches outside the process; only tests pass these. */
export interface ServiceOverrides {
  /** How webhook host names are resolved (the system resolver by default). */
  resolveHost?: ResolveHost;
}

export function createServices(runtime: Runtime, overrides: ServiceOverrides = {}): Services {
  const { db, store, queue, config, secrets } = runtime;
  const audit = new AuditLog(db);
  const deniedAttempts = new DeniedAttempts(audit, config.auditDenied);
  const access = new FileAccess({ db, audit });
  const scanners = createScanners(config);
  const counters = new RateCounters(db);
  const quotas = new Quotas({ db, counters, config });
  const uploads = new UploadService({ db, store, queue, audit, access, config, quotas });
  const files = new FileService({ db, store, audit, access, config });
  const scanPipeline = new ScanPipeline({ db, store, audit, scanners: scanners.all, access });
  const jobs = new JobService({ db, queue, audit });
  const candidates = new CandidateService({ db, queue, audit, uploads, files, jobs, store });
  const live = new LiveAccounts(db);
  const sessions = new AuthSessions(db, config.auth.sessionCacheMs);
  const invitations = new Invitations({ db, audit, ttlSeconds: config.auth.invitationTtlSeconds, publicUrl: config.publicUrl });
  const webhooks = new Webhooks({
    db,
    queue,
    audit,
    secrets: new SecretBox(secrets.webhookSecretsKey),
    allowPrivateTargets: config.webhookAllowPrivateTargets,
    resolveHost: overrides.resolveHost ?? systemResolver,
  });
  scanPipeline.onVerdict(({ fileId, result, tx }) => candidates.onFileVerdict(tx, fileId, result));
  scanPipeline.onVerdict(({ fileId, version, orgId, result, tx }) => webhooks.emit(tx, orgId, `file.${result}`, { file_id: fileId, version, status: result }));
  return {
    config,
    audit,
    auditRetention: new AuditRetention({ db, audit, days: config.retention.auditDays }),
    deniedAttempts,
    auth: {
      accounts: new Accounts({ db, audit, deniedAttempts, invitations }),
      invitations,
      tokens: new TokenService(config.auth, secrets.jwtSecret),
      sessions,
      refreshTokens: new RefreshTokens({ db, sessions, ttlSeconds: config.auth.refreshTokenTtlSeconds }),
      apiKeys: new ApiKeys({ db, audit }),
      live,
    },
    counters,
    quotas,
    uploads,
    files,
    downloadGrants: new DownloadGrants({ db, access, audit }),
    scanPipeline,
    maintenance: new FileMaintenance({ db, store, audit, config }),
    jobs,
    candidates,
    quarantine: new Quarantine({ db, store, queue, audit, access, config }),
    webhooks,
    processing: new CandidateProcessing({ db, store, queue, analyzer: createResumeAnalyzer(config, counters), webhooks, logger: runtime.logger }),
    exports: new DataExports({ db, store, queue, audit, config }),
    accountErasure: new AccountErasure({ db, store, audit, live }),
    subjectRequests: new SubjectRequests({ db, store, queue, audit, config }),
    retention: new Retention({ db, store, audit, webhooks }),
    notices: new PrivacyNotices({ db, audit }),
    bulkIntake: new BulkIntake({ candidates, tempDir: path.join(config.dataDir, 'tmp') }),
    idempotency: new IdempotencyKeys(db),
    readinessChecks: [scanners.readiness],
  };
}
