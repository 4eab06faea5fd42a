import { Injectable } from '@nestjs/common';
import { DataSource, MoreThan, Repository } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { AuditService, operatorAuditActor } from '../audit';
import { assertSystemAdmin, Operator } from '../auth/operator';
import { ProblemException } from '../common/problem';
import { AgencyEntity } from './agency.entity';
import { AgencyResponse, CreateAgencyDto } from './dto/agency.dto';
import { decodeCursor, Page, PageQuery, toPage } from '../common/pagination';

export function toAgencyView(a: AgencyEntity): AgencyResponse {
  return { id: a.id, name: a.name, type: a.type, provinceCode: a.provinceCode, communeCode: a.communeCode };
}

@Injectable()
export class AgenciesService {
  private readonly repo: Repository<AgencyEntity>;

  constructor(private readonly dataSource: DataSource, private readonly audit: AuditService) {
    this.repo = dataSource.getRepository(AgencyEntity);
  }

  async create(by: Operator, dto: CreateAgencyDto): Promise<AgencyResponse> {
    assertSystemAdmin(by);
    const agency = this.repo.create({
      id: uuidv7(),
      name: dto.name,
      type: dto.type,
      provinceCode: dto.provinceCode,
      communeCode: dto.communeCode ?? null,
    });
    await this.dataSource.transaction(async (tx) => {
      await tx.getRepository(AgencyEntity).insert(agency);
      await this.audit.appendInTransaction(tx, operatorAuditActor(by), [
        { action: 'agency.create', resourceType: 'agency', resourceId: agency.id, fields: ['name', 'type', 'provinceCode', 'communeCode'] },
      ]);
    });
    return toAgencyView(agency);
  }

  async list(by: Operator, query: PageQuery): Promise<Page<AgencyResponse>> {
    assertSystemAdmin(by);
    const limit = query.limit ?? 50;
    const after = decodeCursor(query.cursor);
    const rows = await this.repo.find({ where: after ? { id: MoreThan(after) } : {}, order: { id: 'ASC' }, take: limit + 1 });
    return toPage(rows, limit, toAgencyView);
  }

  async get(by: Operator, id: string): Promise<AgencyResponse> {
    assertSystemAdmin(by);
    return toAgencyView(await this.require(id));
  }

  /** The agency row, or a 404 problem. */
  async require(id: string): Promise<AgencyEntity> {
    const agency = await this.repo.findOneBy({ id });
    if (!agency) throw ProblemException.notFound('agency');
    return agency;
  }

  findOne(id: string): Promise<AgencyEntity | null> {
    return this.repo.findOneBy({ id });
  }

  findByName(name: string): Promise<AgencyEntity | null> {
    return this.repo.findOneBy({ name });
  }
}
