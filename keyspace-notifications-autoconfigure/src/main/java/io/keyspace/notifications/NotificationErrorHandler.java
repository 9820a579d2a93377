package io.keyspace.notifications;

/**
 * Called when a handler throws. The failure is isolated: the next notification is
 * delivered as usual. The default logs the handler, the key and the exception.
 */
@FunctionalInterface
public interface NotificationErrorHandler {

	void handleError(KeyNotification notification, KeyNotificationHandler handler, Throwable error);

}
