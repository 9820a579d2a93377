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
 * @param inline whether the notifications of a small burst (up to 32 read together) may be
 * handled on the reader thread itself when their lane is idle and its last 64 handler calls each
 * took less than {@link #INLINE_LIMIT}: they then cost no thread hand-off, which is most of the
 * latency and CPU of a quiet stream. A slower call sends the lane back to its handler thread
 * until 64 calls in a row are fast again. Handlers that may block
 * ({@link KeyNotificationHandler#mayBlock()}) never run inline.
 */
public record DispatchSettings(int concurrency, int queueCapacity, OverflowPolicy overflow, Duration blockTimeout,
		Duration shutdownTimeout, boolean inline) {

	/** How long an inline handler call may take before its lane is handed to its thread again. */
	public static final Duration INLINE_LIMIT = Duration.ofNanos(200_000);

	public static final DispatchSettings DEFAULT = new DispatchSettings(
			Math.max(2, Runtime.getRuntime().availableProcessors()), 65_536, OverflowPolicy.BLOCK,
			Duration.ofMillis(500), Duration.ofSeconds(10), true);

	/** Settings without inline handling: every notification goes through its handler thread. */
	public DispatchSettings(int concurrency, int queueCapacity, OverflowPolicy overflow, Duration blockTimeout,
			Duration shutdownTimeout) {
		this(concurrency, queueCapacity, overflow, blockTimeout, shutdownTimeout, false);
	}

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
