package io.keyspace.notifications;

import java.util.Objects;

/**
 * A handler that wants only the notifications its {@link KeyNotificationFilter} passes.
 * Subscribed with {@link KeyspaceNotifications#subscribe(KeyNotificationHandler,
 * io.keyspace.notifications.channel.NotificationChannel...)}, the filter runs on the reader
 * thread before queueing (see {@link KeyNotificationFilter}); called directly, it filters too.
 *
 * @param filter what the handler wants
 * @param handler the handler the passing notifications go to
 */
public record FilteredHandler(KeyNotificationFilter filter, KeyNotificationHandler handler)
		implements KeyNotificationHandler {

	public FilteredHandler {
		Objects.requireNonNull(filter, "filter");
		Objects.requireNonNull(handler, "handler");
	}

	@Override
	public void onNotification(KeyNotification notification) {
		if (this.filter.test(notification)) {
			this.handler.onNotification(notification);
		}
	}

	@Override
	public boolean mayBlock() {
		return this.handler.mayBlock();
	}

	/** The handler's name: logs and the error handler name the handler, not the wrapper. */
	@Override
	public String toString() {
		return this.handler.toString();
	}

}
