import { INestApplicationContext } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { AgenciesService } from '../src/agencies/agencies.service';
import { AuditService } from '../src/audit';
import type { Actor } from '../src/auth/actor';
import { CasesService } from '../src/cases/cases.service';
import type { CreateCaseDto } from '../src/cases/dto/create-case.dto';
import { UsersService } from '../src/users/users.service';

const FAMILY = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Vũ', 'Đặng', 'Bùi', 'Đỗ', 'Hồ', 'Ngô', 'Dương', 'Lý', 'Lò', 'Hà', 'Nông', 'Vàng', 'Sùng'];
const MIDDLE = ['Thị', 'Văn', 'Thị Thu', 'Ngọc', 'Minh', 'Thị Hồng', 'Đức'];
const GIVEN = ['Lan', 'Mai', 'Hoa', 'Lành', 'Nhung', 'Dua', 'Tùng', 'Bảo', 'Hương', 'Thảo', 'Quỳnh', 'Páo', 'Chứ', 'Dũng', 'Hằng', 'Yến'];
const pick = <T>(a: T[], i: number) => a[i % a.length];

/** A realistic reception (invented people): diacritics, 0–2 accompanying minors. */
export function reception(i: number, provinceCode = '20'): CreateCaseDto {
  const minors = i % 3;
  return {
    channel: pick(['FOREIGN_HANDOVER', 'HOTLINE_111', 'SELF_REPORT', 'RESCUE'], i) as CreateCaseDto['channel'],
    receivedAt: new Date(Date.UTC(2026, i % 10, 1 + (i % 27), 3)).toISOString(),
    provinceCode,
    exploitationForms: [pick(['FORCED_MARRIAGE', 'FORCED_LABOUR', 'SEXUAL_EXPLOITATION', 'JOB_SCAM'], i)] as CreateCaseDto['exploitationForms'],
    destinationCountry: pick(['CN', 'KH', 'LA', 'MM'], i),
    summary: `Tiếp nhận lần ${i}`,
    victim: {
      fullName: `${pick(FAMILY, i)} ${pick(MIDDLE, i >> 3)} ${pick(GIVEN, i >> 5)}`,
      birthYear: 1980 + (i % 26),
      sex: i % 7 === 0 ? 'MALE' : 'FEMALE',
      nationality: 'VN',
      location: 'IN_VIETNAM',
      idNumber: `0${String(200000000000 + i).slice(-11)}`,
      phone: `09${String(10000000 + i).slice(-8)}`,
      narrative: `Bị lừa đưa sang biên giới, trường hợp số ${i}.`,
    },
    accompanyingMinors: Array.from({ length: minors }, (_, m) => ({ fullName: `${pick(FAMILY, i)} Văn ${pick(GIVEN, i + m)}`, birthYear: 2020 + m, sex: 'MALE', nationality: 'VN', relation: 'CHILD' })),
  } as CreateCaseDto;
}

export interface Seeded {
  agencies: string[];
  caseworker: { username: string; password: string; userId: string; agencyId: string };
  ownCaseIds: string[];
}

/**
 * Seeds through the application's own services, so every person is encrypted, blind-indexed and keyed like
 * production data: batches of cases per transaction with one audit event per batch (the audit history).
 */
export async function seed(ctx: INestApplicationContext, cases: number, progress: (done: number) => void): Promise<Seeded> {
  const agenciesService = ctx.get(AgenciesService);
  const users = ctx.get(UsersService);
  const casesService = ctx.get(CasesService);
  const audit = ctx.get(AuditService);
  const db = ctx.get(DataSource);
  const provinces = ['20', '01', '04', '08', '11', '12', '14', '15', '19', '22'];
  const agencies: string[] = [];
  for (let a = 0; a < 20; a++) {
    agencies.push((await agenciesService.create(null, { name: `Phòng Bảo trợ xã hội ${a}`, type: 'SOCIAL_AFFAIRS', provinceCode: provinces[a % provinces.length] })).id);
  }
  const password = 'bench-password-2026';
  const caseworkers: Actor[] = [];
  for (let a = 0; a < agencies.length; a++) {
    const u = await users.create(null, { username: `bench.cw${a}`, role: 'CASEWORKER', agencyId: agencies[a], password }, { permanent: true });
    caseworkers.push({ userId: u.id, username: u.username, role: 'CASEWORKER', agencyId: agencies[a], agencyType: 'SOCIAL_AFFAIRS', provinceCode: provinces[a % provinces.length], sessionId: '', requestId: 'seed' });
  }
  const ownCaseIds: string[] = [];
  const batch = 250;
  let done = 0;
  const worker = async (start: number) => {
    for (let from = start; from < cases; from += batch * 4) {
      const to = Math.min(from + batch, cases);
      await db.transaction(async (tx) => {
        const ids: string[] = [];
        for (let i = from; i < to; i++) {
          const actor = caseworkers[i % caseworkers.length];
          const id = uuidv7();
          const dto = reception(i, actor.provinceCode);
          await casesService.openCase(tx, actor, id, dto, new Date(dto.receivedAt));
          ids.push(id);
          if (i % caseworkers.length === 0) ownCaseIds.push(id);
        }
        await audit.appendInTransaction(tx, { userId: null, agencyId: null, role: 'CLI', requestId: null }, [
          { action: 'case.create', resourceType: 'case', resourceIds: ids, purpose: 'BENCH_SEED' },
        ]);
      });
      done += to - from;
      progress(done);
    }
  };
  await Promise.all([0, 1, 2, 3].map((w) => worker(w * batch)));
  return { agencies, caseworker: { username: 'bench.cw0', password, userId: caseworkers[0].userId, agencyId: agencies[0] }, ownCaseIds };
}
