package io.keyspace.notifications;

/** What the reader does when a dispatch queue is full because handlers are slower than Redis. */
public enum OverflowPolicy {

	/**
	 * Wait up to the block timeout for room; if none comes, drop and count, and stop waiting
	 * until the queue is half empty again. Waiting lets Redis buffer a short burst for us;
	 * not waiting on keeps the reader ahead of the server's pub/sub output-buffer limit, past
	 * which Redis would drop the whole connection and everything it had buffered.
	 */
	BLOCK,

	/** Drop the notification that does not fit, and count it. */
	DROP_NEWEST,

	/** Drop the oldest queued notification to make room, and count it. */
	DROP_OLDEST

}
