package io.keyspace.notifications;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential reconnect delays, doubled per failed attempt up to a maximum, with jitter so
 * that many clients cut off by the same server restart do not reconnect in lock step.
 */
public record Backoff(Duration initial, Duration max) {

	public static final Backoff DEFAULT = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5));

	public Backoff {
		if (initial.isNegative() || initial.isZero()) {
			throw new IllegalArgumentException("initial backoff must be positive, was " + initial);
		}
		if (max.compareTo(initial) < 0) {
			throw new IllegalArgumentException("max backoff (" + max + ") must not be less than initial (" + initial + ")");
		}
	}

	/** The delay before retry number {@code attempt} (1-based): between 50 % and 100 % of the capped exponential. */
	public long delayMillis(int attempt) {
		long capped = this.max.toMillis();
		long exponential = this.initial.toMillis() << Math.min(Math.max(attempt - 1, 0), 20);
		long delay = Math.min(exponential, capped);
		return delay / 2 + ThreadLocalRandom.current().nextLong(delay / 2 + 1);
	}

}
