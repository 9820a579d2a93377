package io.keyspace.notifications.autoconfigure;

import io.keyspace.notifications.NotificationOptions;

/**
 * Adjusts the auto-configured notification options (dispatch, error handler, handler
 * observer, ...) after the {@code keyspace-notifications.*} properties are applied and before
 * the notifications bean is built. Beans of this type are applied in {@code @Order}.
 */
@FunctionalInterface
public interface KeyspaceNotificationsOptionsCustomizer {

	void customize(NotificationOptions.Builder options);

}
