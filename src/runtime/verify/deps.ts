import type { VerifyDeps } from '../../archive/verify/verify-tenant.ts';
import type { Services } from '../services.ts';
import { tenantAccess } from '../tenant-access.ts';

/** Verification wired to this process's services, exactly as the archive pipeline is. */
export function verifyDeps(services: Services, options: { leaseTtlMs?: number } = {}): VerifyDeps {
  return { ...tenantAccess(services), leaseTtlMs: options.leaseTtlMs };
}
