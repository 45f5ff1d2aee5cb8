import { type MainKey, t } from '../../i18n.ts';
import type { trpc } from '../../trpc.ts';

export type Posture = Awaited<ReturnType<typeof trpc.audit.posture.query>>;

export type PostureItem = Posture['items'][number];

export type PostureStatus = PostureItem['status'];

/**
 * Word and icon for each status: colour is only a second cue. The words are in the portal part of the
 * catalogue (posture.*), since the home page, everyone's first screen, shows the badge too.
 */
export const STATUS: Record<PostureStatus, { text: MainKey; icon: string }> = {
  bad: { text: 'posture.bad', icon: '✕' },
  warn: { text: 'posture.warn', icon: '!' },
  info: { text: 'posture.info', icon: 'i' },
  good: { text: 'posture.good', icon: '✓' },
};

export function PostureBadge(props: { status: PostureStatus; small?: boolean }) {
  return (
    <span
      class={`badge posture-badge posture-badge-${props.status}`}
      classList={{ 'posture-badge-small': props.small }}
      data-testid="posture-status"
      data-status={props.status}
    >
      <span class="posture-icon" aria-hidden="true">
        {STATUS[props.status].icon}
      </span>
      {t(STATUS[props.status].text)}
    </span>
  );
}
