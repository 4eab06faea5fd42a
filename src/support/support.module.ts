import { Module } from '@nestjs/common';
import { CasesModule } from '../cases/cases.module';
import { SupportController } from './support.controller';
import { SupportRepository } from './support.repository';
import { SupportService } from './support.service';

@Module({ imports: [CasesModule], controllers: [SupportController], providers: [SupportRepository, SupportService] })
export class SupportModule {}
