package io.keyspace.notifications;

import java.time.Duration;

/**
 * Counts of the resync passes ({@link KeyspaceNotifications#subscribeResynced}); only grow,
 * except {@link #running()}.
 */
public interface ResyncMetrics {

	/** No resync: every count is 0. */
	ResyncMetrics NONE = new ResyncMetrics() {
	};

	/** Passes that completed. */
	default long completed() {
		return 0;
	}

	/** Passes given up for a newer one (a new gap on their node) or for lane room, and begun again. */
	default long restarted() {
		return 0;
	}

	/** Passes that failed on an error (the node could not be scanned) and were retried later. */
	default long failed() {
		return 0;
	}

	/** Resync notifications handled, over all passes. */
	default long keys() {
		return 0;
	}

	/** The time completed passes took, from their start (after the lanes settled) to {@code completed}. */
	default Duration time() {
		return Duration.ZERO;
	}

	/** Passes running or waiting to run right now. */
	default int running() {
		return 0;
	}

}
