import { type JSX, onCleanup } from 'solid-js';

/**
 * A modal dialog as the other pages make them: the browser's own <dialog> opened with showModal (the
 * rest of the page is inert, so focus stays inside; Escape closes through the same path as Cancel).
 * The page mounts it to open it, and on `onClose` unmounts it and puts focus back where it was.
 */
export function ModalDialog(props: {
  id: string;
  title: string;
  testId: string;
  wide?: boolean;
  /** The control to start in (the first field). */
  initialFocus: () => HTMLElement | undefined;
  onClose: () => void;
  /** Escape or Cancel while something runs may be refused (an upload asks to be cancelled first). */
  canClose?: () => boolean;
  children: (close: () => void) => JSX.Element;
}) {
  let dialog: HTMLDialogElement | undefined;
  const open = (el: HTMLDialogElement) => {
    dialog = el;
    queueMicrotask(() => {
      if (!el.isConnected) return;
      if (!el.open) el.showModal();
      props.initialFocus()?.focus();
    });
  };
  const close = () => {
    if (props.canClose && !props.canClose()) return;
    if (dialog?.open) dialog.close();
    props.onClose();
  };
  onCleanup(() => {
    if (dialog?.open) dialog.close();
  });
  return (
    <dialog
      class={props.wide ? 'dialog dialog-wide' : 'dialog'}
      ref={open}
      aria-labelledby={`${props.id}-title`}
      data-testid={props.testId}
      onCancel={(event) => {
        event.preventDefault();
        close();
      }}
    >
      {props.children(close)}
    </dialog>
  );
}
