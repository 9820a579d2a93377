package io.keyspace.notifications;

import java.util.Optional;

/**
 * One resync of one handler on one node: the node's keys that match the handler's key
 * patterns are scanned and handed to the handler as {@link EventType#RESYNC} notifications.
 * Given to a {@link ResyncListener} before the first of them and after the last was handled.
 * <p>
 * A pass interrupted by a new gap on its node does not complete: the next pass of that node
 * starts over, with {@code started} again.
 */
public interface ResyncPass {

	/** The node scanned, {@code host:port} as in {@link KeyNotification#node()}. */
	String node();

	/**
	 * Whether this pass covers a key (as handlers see it: without the key prefix): it matches
	 * the handler's key patterns and lives on this pass's node (in a cluster, in one of the slots
	 * the node owned when the pass started). A covered key that received no notification between
	 * {@code started} and {@code completed} does not exist on the server anymore.
	 */
	boolean covers(String key);

	/** Resync notifications handled so far (all of them once the pass is completed). */
	long keys();

	/** The gap that made this pass necessary; empty for the pass of a new subscription. */
	Optional<NotificationGap> cause();

}
