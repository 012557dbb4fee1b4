import type { Config } from '../config.ts';
import type { ReadinessCheck } from '../readiness.ts';
import { BuiltinScanner } from './builtin.ts';
import { ClamdScanner } from './clamd.ts';
import type { Scanner } from './scanner.ts';

/**
 * The scanners, in the order they run: the built-in content checks always, then ClamAV when
 * configured. Without an engine, /readyz says so (`scanner: none`) and the README warns.
 */
export function createScanners(config: Config): { all: Scanner[]; readiness: ReadinessCheck } {
  const builtin = new BuiltinScanner();
  const clamav = config.scanner.clamav ? new ClamdScanner({ ...config.scanner.clamav, timeoutMs: config.scanner.clamavTimeoutMs }) : null;
  return {
    all: clamav ? [builtin, clamav] : [builtin],
    readiness: {
      name: 'scanner',
      run: async () => {
        if (!clamav) return { status: 'none', detail: 'No antivirus engine configured: only the built-in content checks run.' };
        await clamav.check();
        return { status: 'ok', detail: clamav.name };
      },
    },
  };
}
