package io.keyspace.notifications.listener;

import java.util.concurrent.atomic.LongAdder;

import io.keyspace.notifications.KeyNotification;
import io.keyspace.notifications.KeyNotificationHandler;

/**
 * Counts the calls of one registered handler that returned and those that threw, for the
 * operators' view of each handler ({@link HandlerStatus}). Two adders per call, no allocation.
 * It goes inside a handler's filter ({@link KeyEventEndpoint#wrapped}).
 */
final class CountedHandler implements KeyNotificationHandler {

	private final KeyNotificationHandler handler;

	private final Counts counts;

	CountedHandler(KeyNotificationHandler handler, Counts counts) {
		this.handler = handler;
		this.counts = counts;
	}

	@Override
	public void onNotification(KeyNotification notification) {
		try {
			this.handler.onNotification(notification);
		}
		catch (RuntimeException | Error ex) {
			this.counts.failed.increment();
			throw ex;
		}
		this.counts.delivered.increment();
	}

	@Override
	public boolean mayBlock() {
		return this.handler.mayBlock();
	}

	/** The handler's name: logs, the error handler and observations name the handler, not the counter. */
	@Override
	public String toString() {
		return this.handler.toString();
	}

	/** The calls of every handler registered under one id; safe for any thread. */
	static final class Counts {

		private final LongAdder delivered = new LongAdder();

		private final LongAdder failed = new LongAdder();

		long delivered() {
			return this.delivered.sum();
		}

		long failed() {
			return this.failed.sum();
		}

	}

}
