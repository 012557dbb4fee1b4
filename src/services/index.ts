import type { ReadinessCheck } from '../http/routes/health.ts';
import type { Runtime } from '../runtime.ts';
import { createScanners } from '../scan/index.ts';
import { AuditLog } from './audit/audit-log.ts';
import { FileAccess } from './files/access.ts';
import { FileService } from './files/files.ts';
import { FileMaintenance } from './files/maintenance.ts';
import { ScanPipeline } from './files/scan-pipeline.ts';
import { UploadService } from './files/uploads.ts';

/** The use cases, built once from the runtime's adapters; routes and workers call these. */
export interface Services {
  audit: AuditLog;
  uploads: UploadService;
  files: FileService;
  scanPipeline: ScanPipeline;
  maintenance: FileMaintenance;
  readinessChecks: ReadinessCheck[];
}

export function createServices(runtime: Runtime): Services {
  const { db, store, queue, config } = runtime;
  const audit = new AuditLog(db);
  const access = new FileAccess(db, audit);
  const scanners = createScanners(config);
  return {
    audit,
    uploads: new UploadService({ db, store, queue, audit, access, config }),
    files: new FileService({ db, store, audit, access, config }),
    scanPipeline: new ScanPipeline({ db, store, audit, scanners: scanners.all, access }),
    maintenance: new FileMaintenance({ db, store, audit, config }),
    readinessChecks: [scanners.readiness],
  };
}
