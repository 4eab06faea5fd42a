import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module';
import { CasesController } from './cases.controller';
import { CasesRepository } from './cases.repository';
import { CasesService } from './cases.service';

@Module({ imports: [AccessModule], controllers: [CasesController], providers: [CasesRepository, CasesService] })
export class CasesModule {}
