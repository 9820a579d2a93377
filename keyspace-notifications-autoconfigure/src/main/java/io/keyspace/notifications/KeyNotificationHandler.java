package io.keyspace.notifications;

/**
 * Receives parsed keyspace notifications. Called on a handler thread, so a slow handler delays
 * other notifications but never the reading of the connection; or, for a small burst
 * whose lane is idle, on the reader thread itself once its lane's calls proved fast (see
 * {@link DispatchSettings#inline()}), which saves the thread hand-off. A call that takes longer
 * than {@link DispatchSettings#INLINE_LIMIT} moves its lane back to its handler thread; a
 * handler that may block (I/O, waiting for a lock or a reply) says so with {@link #mayBlock()}
 * and is never called on a reader thread.
 */
@FunctionalInterface
public interface KeyNotificationHandler {

	/**
	 * Handle one notification.
	 * @param notification the notification, never null
	 */
	void onNotification(KeyNotification notification);

	/**
	 * Whether a call may block (wait for I/O, a lock, a reply): such a handler is always
	 * called on a handler thread, never inline on a reader thread. Wrappers pass on what the
	 * handler they wrap says.
	 * @return {@code false} by default
	 */
	default boolean mayBlock() {
		return false;
	}

}
