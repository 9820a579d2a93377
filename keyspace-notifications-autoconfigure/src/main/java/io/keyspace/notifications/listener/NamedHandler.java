package io.keyspace.notifications.listener;

import io.keyspace.notifications.KeyNotification;
import io.keyspace.notifications.KeyNotificationHandler;

/** A handler that log messages call by a chosen name (an {@code @OnKeyEvent} id). */
public record NamedHandler(String name, KeyNotificationHandler delegate) implements KeyNotificationHandler {

	@Override
	public void onNotification(KeyNotification notification) {
		this.delegate.onNotification(notification);
	}

	@Override
	public String toString() {
		return this.name;
	}

}
