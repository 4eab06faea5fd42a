import { ParseUUIDPipe } from '@nestjs/common';
import { ProblemException } from '../common/problem';

/** `:id` path parameters: a 400 problem naming `id`, without echoing the value. */
export const uuidParam = new ParseUUIDPipe({
  exceptionFactory: () => ProblemException.validation([{ field: 'id', message: 'id must be a UUID' }]),
});
