package io.keyspace.notifications.dispatch;

/** What the reader does when a dispatch queue is full because handlers are slower than Redis. */
public enum OverflowPolicy {

	/**
	 * Wait up to the block timeout for room, then drop and count. Waiting lets Redis buffer
	 * the burst for us; the timeout keeps that buffer below the server's pub/sub output
	 * limit, past which Redis would drop the whole connection.
	 */
	BLOCK,

	/** Drop the notification that does not fit, and count it. */
	DROP_NEWEST,

	/** Drop the oldest queued notification to make room, and count it. */
	DROP_OLDEST

}
