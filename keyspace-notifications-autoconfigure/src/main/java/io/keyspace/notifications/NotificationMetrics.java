package io.keyspace.notifications;

import java.util.concurrent.atomic.LongAdder;

/**
 * Counters for everything that happens to a message between the socket and the handler.
 * Nothing is lost silently: every message read is either delivered or counted in one of
 * the other counters.
 */
public final class NotificationMetrics {

	private final LongAdder received = new LongAdder();

	private final LongAdder malformed = new LongAdder();

	private final LongAdder filtered = new LongAdder();

	private final LongAdder delivered = new LongAdder();

	private final LongAdder handlerErrors = new LongAdder();

	private final LongAdder dropped = new LongAdder();

	private final LongAdder disconnects = new LongAdder();

	/** Messages read from Redis on a subscribed channel or pattern. */
	public long received() {
		return this.received.sum();
	}

	/** Messages whose channel or payload was not a valid notification (skipped). */
	public long malformed() {
		return this.malformed.sum();
	}

	/** Valid notifications for keys outside the configured key prefix (skipped). */
	public long filtered() {
		return this.filtered.sum();
	}

	/** Handler invocations and pull-queue insertions that completed. */
	public long delivered() {
		return this.delivered.sum();
	}

	/** Handler invocations that threw. */
	public long handlerErrors() {
		return this.handlerErrors.sum();
	}

	/** Notifications dropped because a dispatch or pull queue was full, or at shutdown. */
	public long dropped() {
		return this.dropped.sum();
	}

	/** Node connections lost (each outage once, however many reconnect attempts it took). */
	public long disconnects() {
		return this.disconnects.sum();
	}

	void recordDisconnect() {
		this.disconnects.increment();
	}

	void recordReceived() {
		this.received.increment();
	}

	void recordMalformed() {
		this.malformed.increment();
	}

	void recordFiltered() {
		this.filtered.increment();
	}

	public void recordDelivered() {
		this.delivered.increment();
	}

	public void recordHandlerError() {
		this.handlerErrors.increment();
	}

	public void recordDropped(long count) {
		this.dropped.add(count);
	}

	@Override
	public String toString() {
		return "received=" + received() + ", delivered=" + delivered() + ", malformed=" + malformed() + ", filtered="
				+ filtered() + ", handlerErrors=" + handlerErrors() + ", dropped=" + dropped() + ", disconnects=" + disconnects();
	}

}
