package io.keyspace.notifications.channel;

import io.keyspace.notifications.ChannelType.Part;
import io.keyspace.notifications.ChannelType;

/**
 * {@code __subkeyevent@<db>__:<event>}: one subkey event, or the events matching a pattern, on
 * any key, each message naming the key and the subkeys.
 *
 * @param event the event, or a glob pattern over events
 * @param db the database
 */
public record SubkeyeventChannel(String event, int db) implements NotificationChannel {

	public SubkeyeventChannel {
		Channels.requireText(event, "event");
		Channels.requireDb(db);
	}

	/**
	 * A channel in database 0, the only database of a cluster.
	 * @param event the event, or a glob pattern over events
	 */
	public SubkeyeventChannel(String event) {
		this(event, 0);
	}

	/**
	 * Every subkey event on any key in database 0.
	 * @return {@code __subkeyevent@0__:*}
	 */
	public static SubkeyeventChannel allEvents() {
		return new SubkeyeventChannel("*");
	}

	/**
	 * Every subkey event on any key.
	 * @param db the database
	 * @return {@code __subkeyevent@<db>__:*}
	 */
	public static SubkeyeventChannel allEvents(int db) {
		return new SubkeyeventChannel("*", db);
	}

	@Override
	public ChannelType type() {
		return ChannelType.SUBKEYEVENT;
	}

	@Override
	public String part(Part part) {
		return (part == Part.EVENT) ? this.event : null;
	}

	@Override
	public boolean equals(Object other) {
		return Channels.equal(this, other);
	}

	@Override
	public int hashCode() {
		return Channels.hash(this);
	}

	@Override
	public String toString() {
		return Channels.wireName(this);
	}

}
