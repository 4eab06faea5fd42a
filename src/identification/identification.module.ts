import { Module } from '@nestjs/common';
import { CasesModule } from '../cases/cases.module';
import { VerificationController } from './verification.controller';
import { VerificationService } from './verification.service';

@Module({ imports: [CasesModule], controllers: [VerificationController], providers: [VerificationService] })
export class IdentificationModule {}
