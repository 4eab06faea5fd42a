import { Controller, Get, Param } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/public.decorator';
import { ApiProblems } from '../common/api-problems.decorator';
import { ProblemException } from '../common/problem';
import { REFERENCE_LISTS } from './reference-data';

@ApiTags('reference')
@Controller('reference')
export class ReferenceController {
  @Get(':list')
  @Public()
  @ApiOperation({ summary: 'A code list with Vietnamese and English labels (public, unpaginated)' })
  @ApiParam({ name: 'list', enum: Object.keys(REFERENCE_LISTS) })
  @ApiResponse({ status: 200, schema: { type: 'array', items: { type: 'object', properties: { code: { type: 'string' }, vi: { type: 'string' }, en: { type: 'string' } } }, example: [{ code: 'HOTLINE_111', vi: 'Tổng đài 111', en: 'National hotline 111' }] } })
  @ApiProblems(404, 429)
  list(@Param('list') list: string) {
    const entries = Object.prototype.hasOwnProperty.call(REFERENCE_LISTS, list) ? REFERENCE_LISTS[list] : undefined;
    if (!entries) throw ProblemException.notFound('code list');
    return entries;
  }
}
