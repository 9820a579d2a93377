package io.keyspace.notifications.listener;

import io.keyspace.notifications.KeyNotification;
import io.keyspace.notifications.KeyNotificationHandler;

/**
 * A handler that log messages call by a chosen name (an {@code @OnKeyEvent} id).
 *
 * @param name the name
 * @param delegate the handler called
 * @param mayBlock see {@link KeyNotificationHandler#mayBlock()}: kept apart from the delegate's,
 * so that a decorator that does not say it cannot hide that the handler it wraps may block
 */
public record NamedHandler(String name, KeyNotificationHandler delegate, boolean mayBlock)
		implements KeyNotificationHandler {

	/** A name for a handler, which may block if it says so. */
	public NamedHandler(String name, KeyNotificationHandler delegate) {
		this(name, delegate, delegate.mayBlock());
	}

	@Override
	public void onNotification(KeyNotification notification) {
		this.delegate.onNotification(notification);
	}

	@Override
	public String toString() {
		return this.name;
	}

}
