import { createRuntime } from '../runtime.ts';
import { AuditLog } from '../services/audit/audit-log.ts';
import type { Command } from './types.ts';

/** Recomputes every audit hash chain; exits 1 and names the first bad entry of each broken chain. */
export const auditVerify: Command = {
  options: {},
  async run({ config, logger }) {
    const runtime = await createRuntime(config, logger, { startEmbeddedDatabase: 'unless-running', migrate: false });
    try {
      const reports = await new AuditLog(runtime.db).verify();
      let broken = 0;
      for (const report of reports) {
        if (report.ok) console.log(`OK      ${report.chain}  ${report.entries} entries`);
        else {
          broken += 1;
          console.log(`BROKEN  ${report.chain}  after ${report.entries} good entries: ${report.problem}`);
        }
      }
      console.log(`${reports.length} chains, ${broken} broken`);
      return broken === 0 ? 0 : 1;
    } finally {
      await runtime.close();
    }
  },
};
