export * from './audit.types';
export { AuditService } from './audit.service';
export { AuditModule } from './audit.module';
export { verifyAuditCli } from './verify-cli';
export type { VerifyResult } from './verifier';
