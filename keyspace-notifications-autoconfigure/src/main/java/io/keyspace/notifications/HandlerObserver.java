package io.keyspace.notifications;

/**
 * Watches handler calls, for metrics and tracing: how long a notification waited between
 * being read and being handed to its handlers, and each handler call itself. Runs on the
 * handler threads, and on a group's threads for its handler ({@link NotificationGroups});
 * set with {@link NotificationOptions.Builder#handlerObserver}.
 */
public interface HandlerObserver {

	/** Observes nothing and costs nothing: no clock is read. */
	HandlerObserver NONE = new HandlerObserver() {
	};

	/**
	 * A notification is about to be handed to its handlers.
	 * @param lagNanos from when the reader read it (the start of its read burst) to now
	 */
	default void beforeHandlers(KeyNotification notification, long lagNanos) {
	}

	/**
	 * Calls one handler. An implementation that times or traces the call must call
	 * {@code handler.onNotification(notification)} exactly once and let what it throws
	 * through (the error handler gets it).
	 */
	default void call(KeyNotificationHandler handler, KeyNotification notification) {
		handler.onNotification(notification);
	}

	/**
	 * Calls the handler of a {@link NotificationGroups group} for an entry of the group's
	 * stream, under the same contract. By default as {@link #call(KeyNotificationHandler,
	 * KeyNotification)}: an observer that does not tell groups apart implements only that.
	 * @param group the group's name
	 */
	default void call(KeyNotificationHandler handler, String group, KeyNotification notification) {
		call(handler, notification);
	}

}
