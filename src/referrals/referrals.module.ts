import { Module } from '@nestjs/common';
import { CasesModule } from '../cases/cases.module';
import { ReferralsController } from './referrals.controller';

@Module({ imports: [CasesModule], controllers: [ReferralsController] })
export class ReferralsModule {}
