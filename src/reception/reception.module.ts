import { Module } from '@nestjs/common';
import { CasesModule } from '../cases/cases.module';
import { HandoversController } from './handovers.controller';
import { HandoversRepository } from './handovers.repository';
import { HandoversService } from './handovers.service';

@Module({ imports: [CasesModule], controllers: [HandoversController], providers: [HandoversRepository, HandoversService] })
export class ReceptionModule {}
