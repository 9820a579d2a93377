package io.keyspace.notifications;

/**
 * Receives parsed keyspace notifications. Called off the connection's reader thread, so a slow
 * handler delays other notifications but never the reading of the connection.
 */
@FunctionalInterface
public interface KeyNotificationHandler {

	/**
	 * Handle one notification.
	 * @param notification the notification, never null
	 */
	void onNotification(KeyNotification notification);

}
