import { ParseUUIDPipe } from '@nestjs/common';
import { ProblemException } from './problem';

/** A UUID path parameter: a 400 problem naming `field`, without echoing the value. */
export const uuidParamFor = (field: string) =>
  new ParseUUIDPipe({ exceptionFactory: () => ProblemException.validation([{ field, message: `${field} must be a UUID` }]) });

/** `:id` path parameters. */
export const uuidParam = uuidParamFor('id');
