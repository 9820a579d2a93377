package io.keyspace.notifications.internal.group;

import redis.clients.jedis.StreamEntryID;

/**
 * One look at a group stream ({@code XINFO STREAM}, {@code XINFO GROUPS}, {@code XPENDING}).
 *
 * @param first the oldest entry's id, null if the stream is empty
 * @param firstNode the node the oldest entry came from, null if unknown
 * @param lastGenerated the id of the last entry ever added
 * @param length entries in the stream now
 * @param entriesAdded entries ever added (Redis 7.0+), null if unknown
 * @param group the consumer group on it, null if it has none
 */
record StreamState(StreamEntryID first, String firstNode, StreamEntryID lastGenerated, long length, Long entriesAdded,
		GroupState group) {

	/**
	 * The consumer group's position.
	 *
	 * @param lastDelivered the id of the last entry delivered to a member
	 * @param entriesRead entries the group read, null when Redis cannot tell
	 * @param pending delivered entries not acknowledged
	 * @param oldestPending the oldest of them, null if none
	 */
	record GroupState(StreamEntryID lastDelivered, Long entriesRead, long pending, StreamEntryID oldestPending) {
	}

}
