import type { trpc } from '../../trpc.ts';

export type Posture = Awaited<ReturnType<typeof trpc.audit.posture.query>>;

export type PostureItem = Posture['items'][number];

export type PostureStatus = PostureItem['status'];

/** Word and icon for each status: colour is only a second cue. */
export const STATUS: Record<PostureStatus, { text: string; icon: string }> = {
  bad: { text: 'Needs action', icon: '✕' },
  warn: { text: 'Warning', icon: '!' },
  info: { text: 'Info', icon: 'i' },
  good: { text: 'Good', icon: '✓' },
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
      {STATUS[props.status].text}
    </span>
  );
}
