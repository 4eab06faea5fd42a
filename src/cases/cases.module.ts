import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module';
import { CaseAccessService } from '../access/case-access.service';
import { CasesController } from './cases.controller';
import { CasesRepository } from './cases.repository';
import { CasesService } from './cases.service';
import { DuplicateCheckService } from './duplicate-check.service';
import { CaseTransitionsService } from './lifecycle/case-transitions.service';
import { HolidayCalendar } from './lifecycle/holiday-calendar';
import { OverdueService } from './lifecycle/overdue.service';
import { CasePartsService } from './parts/case-parts.service';

@Module({
  imports: [AccessModule],
  controllers: [CasesController],
  providers: [CasesRepository, CaseAccessService, CasesService, CaseTransitionsService, DuplicateCheckService, OverdueService, HolidayCalendar, CasePartsService],
  exports: [CasesRepository, CaseAccessService, CasesService, HolidayCalendar, CasePartsService],
})
export class CasesModule {}
