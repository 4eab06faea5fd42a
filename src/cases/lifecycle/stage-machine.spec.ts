import { STAGES } from '../case-enums';
import { allowedTransitions, findTransition, STAGE_MACHINE } from './stage-machine';

describe('stage machine', () => {
  it('follows the law: reception → verification → identification → outcome → support → reintegration → closure', () => {
    const path = ['RECEIVED', 'INITIAL_VERIFICATION', 'IN_IDENTIFICATION', 'IDENTIFIED_VICTIM', 'SUPPORT', 'REINTEGRATION', 'CLOSED'] as const;
    for (let i = 0; i + 1 < path.length; i++) {
      const role = ['IDENTIFIED_VICTIM', 'CLOSED'].includes(path[i + 1]) ? 'SUPERVISOR' : 'CASEWORKER';
      expect(findTransition(path[i], path[i + 1], role)).toBeDefined();
    }
  });

  it('lets support start at reception (a person being identified is protected too)', () => {
    expect(allowedTransitions('RECEIVED', 'CASEWORKER')).toContain('SUPPORT');
  });

  it('identification outcomes need a decision; closure and reopening need a supervisor and a reason', () => {
    expect(findTransition('IN_IDENTIFICATION', 'IDENTIFIED_VICTIM', 'SUPERVISOR')?.requires).toEqual(['decision']);
    expect(findTransition('IN_IDENTIFICATION', 'IDENTIFIED_VICTIM', 'CASEWORKER')).toBeUndefined();
    expect(findTransition('REINTEGRATION', 'CLOSED', 'CASEWORKER')).toBeUndefined();
    expect(findTransition('REINTEGRATION', 'CLOSED', 'SUPERVISOR')?.requires).toEqual(['reason']);
    expect(findTransition('CLOSED', 'SUPPORT', 'SUPERVISOR')?.requires).toEqual(['reason']);
  });

  it('has no transition to the same stage, no edge into RECEIVED, and every stage is covered', () => {
    for (const stage of STAGES) {
      expect(STAGE_MACHINE[stage]).toBeDefined();
      for (const e of STAGE_MACHINE[stage]) {
        expect(e.to).not.toBe(stage);
        expect(e.to).not.toBe('RECEIVED');
      }
    }
  });

  it('roles without case duties can make no transition', () => {
    for (const role of ['SYSTEM_ADMIN', 'AUDITOR', 'STATISTICIAN', 'BORDER_GUARD', 'LEGAL_AID_OFFICER'] as const) {
      for (const stage of STAGES) expect(allowedTransitions(stage, role)).toEqual([]);
    }
  });
});
