import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module';
import { CasesController } from './cases.controller';
import { CasesRepository } from './cases.repository';
import { CasesService } from './cases.service';
import { CaseTransitionsService } from './lifecycle/case-transitions.service';

@Module({ imports: [AccessModule], controllers: [CasesController], providers: [CasesRepository, CasesService, CaseTransitionsService] })
export class CasesModule {}
