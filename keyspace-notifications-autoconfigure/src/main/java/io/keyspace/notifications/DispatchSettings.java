package io.keyspace.notifications;

import java.time.Duration;

/**
 * How notifications are handed from the reader thread to handler threads.
 *
 * @param concurrency number of handler threads; notifications for the same key always go to
 * the same thread, so they are handled in order
 * @param queueCapacity notifications that may wait for a handler thread, over all threads
 * @param overflow what to do when the queue is full
 * @param blockTimeout with {@link OverflowPolicy#BLOCK}, how long the reader may wait for room
 * @param shutdownTimeout on close, how long queued and running handlers get to finish
 */
public record DispatchSettings(int concurrency, int queueCapacity, OverflowPolicy overflow, Duration blockTimeout,
		Duration shutdownTimeout) {

	public static final DispatchSettings DEFAULT = new DispatchSettings(
			Math.max(2, Runtime.getRuntime().availableProcessors()), 65_536, OverflowPolicy.BLOCK,
			Duration.ofMillis(500), Duration.ofSeconds(10));

	public DispatchSettings {
		if (concurrency < 1) {
			throw new IllegalArgumentException("concurrency must be at least 1, was " + concurrency);
		}
		if (queueCapacity < concurrency) {
			throw new IllegalArgumentException(
					"queueCapacity (" + queueCapacity + ") must be at least concurrency (" + concurrency + ")");
		}
		if (overflow == null) {
			throw new IllegalArgumentException("overflow must not be null");
		}
		if (blockTimeout.isNegative() || shutdownTimeout.isNegative()) {
			throw new IllegalArgumentException("timeouts must not be negative");
		}
	}

}
