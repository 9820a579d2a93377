package io.keyspace.notifications;

import java.time.Duration;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.function.BooleanSupplier;

/**
 * The iterator behind {@link KeyspaceNotifications#listen()}: blocks for the next pulled
 * notification and ends once nothing is subscribed and nothing is queued (or the calling
 * thread is interrupted). An outage does not end it.
 */
final class PullIterator implements Iterator<KeyNotification> {

	private static final Duration POLL = Duration.ofMillis(200);

	private final KeyspaceNotifications notifications;

	private final BooleanSupplier queued;

	private KeyNotification next;

	PullIterator(KeyspaceNotifications notifications, BooleanSupplier queued) {
		this.notifications = notifications;
		this.queued = queued;
	}

	@Override
	public boolean hasNext() {
		while (this.next == null && (this.notifications.hasSubscriptions() || this.queued.getAsBoolean())) {
			if (Thread.currentThread().isInterrupted()) {
				return false;
			}
			this.next = this.notifications.poll(POLL);
		}
		return this.next != null;
	}

	@Override
	public KeyNotification next() {
		if (!hasNext()) {
			throw new NoSuchElementException();
		}
		KeyNotification result = this.next;
		this.next = null;
		return result;
	}

}
