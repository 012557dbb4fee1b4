/**
 * One dependency `GET /readyz` asks about. The parts that own a dependency (the scanners, the
 * services) provide their check; the HTTP layer only runs them.
 */
export interface ReadinessCheck {
  name: 'database' | 'storage' | 'scanner';
  /** Resolves to `none` when the part is not configured, throws when it is down. */
  run(): Promise<'ok' | 'none' | { status: 'ok' | 'none'; detail: string }>;
}
