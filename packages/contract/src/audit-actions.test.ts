import { describe, expect, it } from 'vitest';
import {
  AUDIT_ACTION_INFO,
  AUDIT_ACTIONS,
  AUDIT_AREAS,
  auditActionLabel,
  auditActionsByArea,
} from './audit-actions.ts';

describe('audit action labels', () => {
  it('every audit action has a readable label and a known area, and nothing else has one', () => {
    for (const action of AUDIT_ACTIONS) {
      const info = AUDIT_ACTION_INFO[action];
      expect(info, action).toBeDefined();
      expect(info.label.trim(), action).not.toBe('');
      expect(info.label, action).not.toBe(action);
      expect(info.label, action).not.toMatch(/[._]/);
      expect(AUDIT_AREAS, action).toContain(info.area);
    }
    expect(Object.keys(AUDIT_ACTION_INFO).sort()).toEqual([...AUDIT_ACTIONS].sort());
  });

  it('labels are unique within an area, so the filter never shows two identical options side by side', () => {
    for (const { area, actions } of auditActionsByArea()) {
      const labels = actions.map((a) => a.label);
      expect(new Set(labels).size, area).toBe(labels.length);
    }
  });

  it('the grouped filter holds every action exactly once; an unknown key shows as it is', () => {
    const grouped = auditActionsByArea().flatMap((g) => g.actions.map((a) => a.key));
    expect(grouped.sort()).toEqual([...AUDIT_ACTIONS].sort());
    expect(auditActionLabel('mfa.totp_enabled')).toBe('Authenticator app turned on');
    expect(auditActionLabel('future.thing')).toBe('future.thing');
  });
});
