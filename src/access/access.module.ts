import { Global, Module } from '@nestjs/common';
import { FieldProtection } from './field-protection.service';

/** The privacy core's injectable parts (the registry, abilities and scope predicate are plain functions). */
@Global()
@Module({ providers: [FieldProtection], exports: [FieldProtection] })
export class AccessModule {}
