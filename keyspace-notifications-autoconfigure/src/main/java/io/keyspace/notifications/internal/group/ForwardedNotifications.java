package io.keyspace.notifications.internal.group;

import java.util.Collection;
import java.util.function.BooleanSupplier;

/** What a group's forwarder needs to know of the notifications it forwards. */
public interface ForwardedNotifications {

	/**
	 * The hash tag of a source node's keys: its shard's in a cluster (so the stream lives on
	 * the node whose events it carries), one for all otherwise.
	 */
	String tagOf(String node);

	/** The nodes read now, as {@code host:port}. */
	Collection<String> nodesRead();

	/**
	 * A checkpoint of the handler lanes: it passes once every notification they held when it
	 * was taken was handed to its handlers (or dropped).
	 */
	BooleanSupplier laneCheckpoint();

	/**
	 * When the node ({@code host:port}) last stopped delivering (epoch ms), even if it has not
	 * resumed yet; 0 if never.
	 */
	long lastInterruption(String node);

}
