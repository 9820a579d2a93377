package io.keyspace.notifications.listener;

import java.util.function.Predicate;

import io.keyspace.notifications.KeyNotification;
import io.keyspace.notifications.KeyNotificationHandler;

/**
 * Passes on only the notifications a predicate accepts: the client-side half of a
 * subscription whose channel cannot express everything (e.g. a key channel plus an event
 * list).
 */
public record FilteringHandler(Predicate<KeyNotification> filter, KeyNotificationHandler delegate)
		implements KeyNotificationHandler {

	@Override
	public void onNotification(KeyNotification notification) {
		if (this.filter.test(notification)) {
			this.delegate.onNotification(notification);
		}
	}

	@Override
	public String toString() {
		return this.delegate.toString();
	}

}
